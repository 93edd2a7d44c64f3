import KitchenSQL

/// `sql-result`: the answer's rows must equal the reference's, on the step's data and on a
/// hidden variant of it (so a hard-coded `SELECT 'Pizza', 12;` fails).
struct SQLResultCheck: Check {
    var diff: ResultDiff
    var checkVariant: Bool

    static let kind = CheckKind(name: "sql-result", options: ["order", "column-names", "tolerance", "variant"]) { options in
        var diff = ResultDiff()
        diff.order = ResultDiff.Order(rawValue: try options.choice("order", ["any", "strict"]) ?? "any")!
        diff.compareColumnNames = try options.bool("column-names") ?? false
        if let tolerance = try options.number("tolerance") {
            guard tolerance > 0, tolerance < 1 else { throw options.problem("'tolerance' must be between 0 and 1", key: "tolerance") }
            diff.tolerance = tolerance
        }
        let variant = try options.choice("variant", ["check", "same"]) ?? "check"
        return SQLResultCheck(diff: diff, checkVariant: variant == "check")
    }

    func grade(_ answer: Answer, in context: GradingContext) throws -> Verdict {
        guard !answer.isEmpty else {
            return .fail("No answer yet: write a query (SELECT …) and run it.")
        }
        let learner = AnswerRun.run(answer, on: try context.freshCopy())
        if let verdict = SQLVerdicts.failed(learner) { return verdict }
        guard let actual = learner.lastResult else {
            return .fail("Your answer returned no rows to compare: this step wants a query (SELECT …).")
        }
        let expected = try SQLVerdicts.referenceResult(context, on: try context.freshCopy())
        if let differences = diff.differences(expected: expected, actual: actual) {
            return .fail("Not yet: your result is not the one asked for.", differences)
        }
        if checkVariant {
            let hidden = AnswerRun.run(answer, on: try context.freshVariant())
            let hiddenExpected = try SQLVerdicts.referenceResult(context, on: try context.freshVariant())
            if let error = hidden.error {
                return .fail("Your query works on this data but fails on a hidden variant of it: \(error.message)")
            }
            if let hiddenActual = hidden.lastResult, let differences = diff.differences(expected: hiddenExpected, actual: hiddenActual) {
                return .fail(
                    "Your result is right for today's rows, but not on a hidden variant of the data (same tables, other values). The query must work for any data: does it hard-code values instead of computing them?",
                    differences)
            }
        }
        let count = actual.rows.count
        return .pass("Correct: \(count == 1 ? "the row matches" : "all \(count) rows match").")
    }

    func selfTest(in context: GradingContext) throws -> [String] {
        guard checkVariant else { return [] }
        let base = try SQLVerdicts.referenceResult(context, on: try context.freshCopy())
        let hidden = try SQLVerdicts.referenceResult(context, on: try context.freshVariant())
        if ResultDiff(order: diff.order).differences(expected: base, actual: hidden) == nil {
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
