import KitchenSQL

/// `sql-error`: the answer must make the database refuse a statement with a given kind of error,
/// and the refusal must be the step's: the statement that fails must be the same kind of
/// statement on the same table as the reference's failing one (a CHECK tripped on a scratch table
/// of one's own does not count), and the database afterwards must be the reference's (an answer
/// that first empties a table fails).
struct SQLErrorCheck: Check {
    var errorClass: String

    static let kind = CheckKind(name: "sql-error", options: ["error"]) { options in
        guard let errorClass = try options.choice("error", SQLErrorClass.names) else {
            throw options.problem("an sql-error check needs 'error', one of \(SQLErrorClass.names.joined(separator: ", "))")
        }
        return SQLErrorCheck(errorClass: errorClass)
    }

    func grade(_ answer: Answer, in context: GradingContext) throws -> Verdict {
        guard !answer.isEmpty else {
            return .fail("No answer yet: write the statement the database should refuse.")
        }
        let learnerDatabase = try context.freshCopy()
        let learner = AnswerRun.run(answer, on: learnerDatabase)
        guard let error = learner.error else {
            return .fail("Your statements ran without an error, but this step wants the database to refuse one with a \(errorClass) error.")
        }
        guard SQLErrorClass.matches(errorClass, error) else {
            return .fail("Your statement failed, but not with a \(errorClass) error: \(error.message)")
        }
        let referenceDatabase = try context.freshCopy()
        let reference = AnswerRun.run(context.reference, on: referenceDatabase)
        guard let referenceError = reference.error, SQLErrorClass.matches(errorClass, referenceError) else {
            throw LessonProblem(file: context.lesson.file, line: context.step.line,
                                message: "the solution of step '\(context.step.id)' is not refused with a \(errorClass) error" + (reference.error.map { ": \($0.message)" } ?? ": it runs without an error"))
        }
        // Which statement failed: the last one that ran, on the database as it was then (a
        // failing statement is undone, so the database after the run is the one it saw).
        if let wanted = StatementTarget.of(reference.statements.last ?? "", on: referenceDatabase) {
            let got = StatementTarget.of(learner.statements.last ?? "", on: learnerDatabase)
            if got?.table.lowercased() != wanted.table.lowercased() || got?.inMainDatabase != true {
                let place = got.map { "on \($0.described)" } ?? "from a statement that writes no table"
                return .fail("Your statement was refused with a \(errorClass) error, but \(place); this step wants \(Self.article(wanted.verb)) on the table \(wanted.table) refused.")
            }
            if got?.verb != wanted.verb {
                return .fail("Your statement was refused with a \(errorClass) error, but it is \(Self.article(got?.verb ?? "other statement")); this step wants \(Self.article(wanted.verb)) on the table \(wanted.table) refused.")
            }
        }
        if let differences = try DatabaseComparison().differences(learner: learnerDatabase, reference: referenceDatabase, start: try context.freshCopy()) {
            return .fail("The database refused your statement with a \(errorClass) error, but your answer changed other things too.", differences)
        }
        return .pass("Correct: the database refused it (\(error.message)). The \(errorClass) rule did its job and nothing was changed.")
    }

    static func article(_ word: String) -> String {
        (word.first.map { "AEIOUaeiou".contains($0) } ?? false ? "an " : "a ") + word
    }
}
