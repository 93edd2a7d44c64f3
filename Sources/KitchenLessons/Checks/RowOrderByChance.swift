import KitchenSQL

/// Answers right only because of the order SQLite happens to read rows in.
///
/// Without ORDER BY no order is promised: today's plan may walk an index in the wanted order, so
/// `… WHERE sold_at > ? LIMIT 20` without `ORDER BY sold_at` returns the right 20 rows. The answer
/// runs once more with SQLite reading every unordered loop the other way round
/// (`Connection.readUnorderedRowsReversed`); when the reference's rows stay the same that way and
/// the answer's change, the answer relied on chance. A reference whose own rows change (ties under
/// its ORDER BY, a LIMIT the author left unordered) gives no ruling.
enum RowOrderByChance {
    static let explanation = "Kitchen ran it again with SQLite reading the rows in another order it is free to choose (PRAGMA reverse_unordered_selects = ON):"

    /// The rows of `answer` on a fresh copy of the step's database read the other way round.
    static func reversedRun(_ answer: Answer, in context: GradingContext) throws -> AnswerRun {
        let database = try context.freshCopy()
        try database.readUnorderedRowsReversed()
        return AnswerRun.run(answer, on: database)
    }

    /// A failing verdict when the answer's rows, read the other way round, are no longer the
    /// reference's (`expected`) while the reference's own rows are.
    static func verdict(_ answer: Answer, expected: ResultSet, diff: ResultDiff, in context: GradingContext, memoKey: String) throws -> Verdict? {
        let referenceReversed: ResultSet? = try context.memo.value(for: memoKey) {
            try reversedRun(context.reference, in: context).lastResult
        }
        guard let referenceReversed, diff.differences(expected: expected, actual: referenceReversed) == nil else { return nil }
        let learner = try reversedRun(answer, in: context)
        if let error = learner.error {
            return .fail("Your answer fails when SQLite reads the rows in another order: \(error.message)")
        }
        guard let actual = learner.lastResult, let differences = diff.differences(expected: expected, actual: actual) else { return nil }
        return .fail(
            "Your rows come in this order by chance: without ORDER BY, SQLite promises no order, and when it reads the rows another way your result changes. Say ORDER BY.",
            [explanation] + differences)
    }
}
