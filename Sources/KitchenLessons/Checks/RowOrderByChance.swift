import KitchenSQL

/// Answers right only because of the order SQLite happens to read rows in.
///
/// Without ORDER BY no order is promised: today's plan may walk an index in the wanted order, so
/// `… WHERE sold_at > ? LIMIT 20` without `ORDER BY sold_at` returns the right 20 rows. The answer
/// runs once more with SQLite reading every unordered loop the other way round
/// (`Connection.readUnorderedRowsReversed`). With ORDER BY, rows that tie on it come out in the
/// order they are stored in, which may be the tie-break the task asks for (`ORDER BY minutes DESC
/// LIMIT 3` without `, name`): the answer runs once more on a copy of the data with the same rows
/// stored the other way round (`TieOrderCopy`). When the reference's rows stay the same on a
/// re-run and the answer's change, the answer relied on chance. A reference whose own rows change
/// (ties under its ORDER BY, a LIMIT the author left unordered) gives no ruling.
public enum RowOrderByChance {
    static let explanation = "Kitchen ran it again with SQLite reading the rows in another order it is free to choose (PRAGMA reverse_unordered_selects = ON):"
    static let tieExplanation = "Kitchen ran it again on a copy of the data holding the same rows, stored in the opposite order:"
    static let tieVariantExplanation = "Kitchen ran it on a copy of the hidden variant holding the same rows, stored in the opposite order:"

    /// The rows of `answer` on a fresh copy of the step's database read the other way round.
    static func reversedRun(_ answer: Answer, in context: GradingContext) throws -> AnswerRun {
        let database = try context.freshCopy()
        try database.readUnorderedRowsReversed()
        return AnswerRun.run(answer, on: database)
    }

    /// A failing verdict when the answer's rows, read the other way round or with ties in another
    /// order, are no longer the reference's (`expected`) while the reference's own rows are.
    /// `tieOrder: false` leaves out the copy with the rows stored the other way round, for answers
    /// that write: a row inserted there without its id gets none (the id is no rowid there).
    static func verdict(_ answer: Answer, expected: ResultSet, diff: ResultDiff, in context: GradingContext, memoKey: String,
                        tieOrder: Bool = true) throws -> Verdict? {
        let unordered = try rerunVerdict(answer, expected: expected, diff: diff, memoKey: memoKey, in: context) {
            try reversedRun($0, in: context)
        }
        if let unordered {
            return .fail(
                "Your rows come in this order by chance: without ORDER BY, SQLite promises no order, and when it reads the rows another way your result changes. Say ORDER BY.",
                [explanation] + unordered)
        }
        guard tieOrder else { return nil }
        return try tiesVerdict(answer, expected: expected, diff: diff, in: context, memoKey: memoKey + "-ties") { try context.freshTieOrderCopy() }
    }

    /// A failing verdict when the answer's rows on `database()` (a copy with the rows stored the
    /// other way round: of the step's data, or of the hidden variant, where copies with moved
    /// numbers make ties of their own) are no longer `expected` while the reference's are.
    static func tiesVerdict(_ answer: Answer, expected: ResultSet, diff: ResultDiff, in context: GradingContext, memoKey: String,
                            onVariant: Bool = false, on database: @escaping () throws -> Connection) throws -> Verdict? {
        // An answer that reads rowid itself sees the copy's rowids, which are not today's. One
        // without ORDER BY has no ties to lean on: the pass reading unordered loops backwards
        // covers it, and this copy is not made.
        guard !namesRowid(answer), ordersRows(answer.text) else { return nil }
        let ties = try rerunVerdict(answer, expected: expected, diff: diff, memoKey: memoKey, in: context) {
            AnswerRun.run($0, on: try database())
        }
        guard let ties else { return nil }
        return .fail(
            "Your rows come in this order by chance: rows that tie on your ORDER BY (the same values in every column it names), or rows with no ORDER BY at all, come out in any order, and with the same rows stored in another order your result changes\(onVariant ? " on a hidden variant of the data (same tables, other rows, other ids)" : ""). Add a tie-break to ORDER BY: the column the task orders equal rows by.",
            [onVariant ? tieVariantExplanation : tieExplanation] + ties)
    }

    /// The differences of the answer's re-run from `expected`, when the reference's own re-run
    /// (kept under `memoKey`) still gives `expected`; nil otherwise.
    private static func rerunVerdict(_ answer: Answer, expected: ResultSet, diff: ResultDiff, memoKey: String,
                                     in context: GradingContext, run: (Answer) throws -> AnswerRun) throws -> [String]? {
        let referenceAgain: ResultSet? = try context.memo.value(for: memoKey) { try run(context.reference).lastResult }
        guard let referenceAgain, diff.differences(expected: expected, actual: referenceAgain) == nil else { return nil }
        let learner = try run(answer)
        if let error = learner.error { return ["On that run your SQL fails: \(error.message)"] }
        guard let actual = learner.lastResult else { return nil }
        return diff.differences(expected: expected, actual: actual)
    }

    /// True when `sql` has an ORDER BY somewhere (a query's, a window's, an aggregate's).
    public static func ordersRows(_ sql: String) -> Bool {
        let tokens = SQLToken.tokenize(sql)
        return zip(tokens, tokens.dropFirst()).contains { $0.keyword == "ORDER" && $1.keyword == "BY" }
    }

    /// True when the answer names the rowid (`rowid`, `oid`, `_rowid_`).
    static func namesRowid(_ answer: Answer) -> Bool {
        SQLToken.tokenize(answer.text).contains { token in
            token.kind == .word && ["rowid", "oid", "_rowid_"].contains(token.text.lowercased())
        }
    }
}
