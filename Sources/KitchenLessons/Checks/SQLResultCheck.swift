import KitchenSQL

/// `sql-result`: the answer's rows must equal the reference's, on the step's data and on a
/// hidden variant of it (so a hard-coded `SELECT 'Pizza', 12;` or `WHERE id IN (1, 2, 3)` fails),
/// and once more with unordered rows read the other way round (`RowOrderByChance`).
/// A result step is about a query: unless the step says `read-only: false`, the answer may not
/// change the database (else deleting the other rows and selecting the rest would pass); with
/// it, the database after the answer must equal the one after the reference.
struct SQLResultCheck: Check {
    var diff: ResultDiff
    /// `order:` as the step says it; without it, the reference's own ORDER BY decides (`ReferenceOrder`).
    var statedOrder: ResultDiff.Order?
    var checkVariant: Bool
    var readOnly: Bool

    static let kind = CheckKind(name: "sql-result", options: ["order", "column-names", "tolerance", "variant", "read-only"]) { options in
        var diff = ResultDiff()
        let statedOrder = try options.choice("order", ["any", "strict"]).flatMap(ResultDiff.Order.init(rawValue:))
        diff.compareColumnNames = try options.bool("column-names") ?? false
        if let tolerance = try options.number("tolerance") {
            guard tolerance > 0, tolerance < 1 else { throw options.problem("'tolerance' must be between 0 and 1", key: "tolerance") }
            diff.tolerance = tolerance
        }
        let variant = try options.choice("variant", ["check", "same"]) ?? "check"
        return SQLResultCheck(diff: diff, statedOrder: statedOrder, checkVariant: variant == "check", readOnly: try options.bool("read-only") ?? true)
    }

    func grade(_ answer: Answer, in context: GradingContext) throws -> Verdict {
        var diff = self.diff
        diff.order = statedOrder ?? ReferenceOrder.implied(by: context.reference.text)
        guard !answer.isEmpty else {
            return .fail("No answer yet: write a query (SELECT …) and run it.")
        }
        let learnerDatabase = try context.freshCopy()
        let learner = AnswerRun.run(answer, on: learnerDatabase)
        if let verdict = SQLVerdicts.failed(learner) { return verdict }
        if readOnly, let verdict = SQLVerdicts.changesDatabase(learner) { return verdict }
        guard let actual = learner.lastResult else {
            return .fail("Your answer returned no rows to compare: this step wants a query (SELECT …).")
        }
        // A query step's reference reads the same start database every time: its rows are kept.
        // A step that writes compares the databases afterwards, so its reference runs every time.
        let referenceDatabase = readOnly ? nil : try context.freshCopy()
        let expected = try referenceDatabase.map { try SQLVerdicts.referenceResult(context, on: $0) }
            ?? context.memo.value(for: "sql-result-reference") { try SQLVerdicts.referenceResult(context, on: try context.freshCopy()) }
        if let sort = ReferenceSort.of(context.reference.text, resultColumns: expected.columns) {
            diff.sortColumns = sort.columns
            diff.limited = sort.limited
        }
        if let differences = diff.differences(expected: expected, actual: actual) {
            return .fail("Not yet: your result is not the one asked for.", differences)
        }
        if let referenceDatabase, let differences = try DatabaseComparison().differences(learner: learnerDatabase, reference: referenceDatabase, start: try context.freshCopy()) {
            return .fail("Your result is right, but the database after your statements is not the one this step leaves.", differences)
        }
        if let verdict = try RowOrderByChance.verdict(answer, expected: expected, diff: diff, in: context, memoKey: "sql-result-reference-reversed", tieOrder: readOnly) {
            return verdict
        }
        if checkVariant {
            let hidden = AnswerRun.run(answer, on: try context.freshVariant())
            let hiddenExpected = try context.memo.value(for: "sql-result-reference-variant") { try SQLVerdicts.referenceResult(context, on: try context.freshVariant()) }
            if let verdict = SQLVerdicts.variantFailure(hidden, expected: hiddenExpected, diff: diff) { return verdict }
            if readOnly, let verdict = try RowOrderByChance.tiesVerdict(answer, expected: hiddenExpected, diff: diff, in: context,
                                                                         memoKey: "sql-result-reference-variant-ties", onVariant: true, on: { try context.freshTieOrderVariant() }) {
                return verdict
            }
        }
        let count = actual.rows.count
        return .pass("Correct: \(count == 1 ? "the row matches" : "all \(count) rows match").")
    }

    func selfTest(in context: GradingContext) throws -> [String] {
        guard checkVariant else { return [] }
        let base = try SQLVerdicts.referenceResult(context, on: try context.freshCopy())
        let hidden = try SQLVerdicts.referenceResult(context, on: try context.freshVariant())
        if ResultDiff(order: statedOrder ?? ReferenceOrder.implied(by: context.reference.text)).differences(expected: base, actual: hidden) == nil {
            return ["the reference gives the same rows on the hidden variant, so a hard-coded answer would pass; add setup.variant SQL that changes them, or set `variant: same` on the check"]
        }
        return []
    }
}

/// Verdict pieces shared by the SQL checks.
enum SQLVerdicts {
    /// A failing verdict when the learner's SQL itself failed.
    static func failed(_ run: AnswerRun) -> Verdict? {
        guard let error = run.error else { return nil }
        let number = run.statements.count
        let which = number > 1 ? "Statement \(number) of your answer failed" : "Your SQL failed"
        return .fail("\(which): \(error.message)", error.sql.map { ["  \($0)"] } ?? [])
    }

    /// A failing verdict when a query step's answer wrote to the database.
    static func changesDatabase(_ run: AnswerRun) -> Verdict? {
        guard let first = run.writes.first else { return nil }
        let shown = first.oneLine
        return .fail(
            "This step asks for a query, but your answer changes the database: a query only reads, and the result must come from the data as it is.",
            ["  " + (shown.count > 100 ? String(shown.prefix(100)) + "…" : shown),
             "At the prompt, .reset puts the step's data back; then run just the query."])
    }

    /// A failing verdict when the answer does not hold on the hidden variant.
    static func variantFailure(_ hidden: AnswerRun, expected: ResultSet, diff: ResultDiff) -> Verdict? {
        if let error = hidden.error {
            return .fail("Your query works on this data but fails on a hidden variant of it: \(error.message)")
        }
        guard let actual = hidden.lastResult else { return nil }
        if let differences = diff.differences(expected: expected, actual: actual) {
            return .fail(
                "Your result is right for today's rows, but not on a hidden variant of the data (same tables, other rows, other ids). The query must work for any data: does it hard-code values or ids instead of computing them?",
                differences)
        }
        return nil
    }

    /// The reference's rows; a reference that fails or returns nothing is the lesson's bug.
    static func referenceResult(_ context: GradingContext, on connection: Connection) throws -> ResultSet {
        let run = AnswerRun.run(context.reference, on: connection)
        if let error = run.error {
            throw LessonProblem(file: context.lesson.file, line: context.step.line, message: "the solution of step '\(context.step.id)' fails: \(error.message)")
        }
        guard let result = run.lastResult else {
            throw LessonProblem(file: context.lesson.file, line: context.step.line, message: "the solution of step '\(context.step.id)' returns no rows")
        }
        return result
    }
}
