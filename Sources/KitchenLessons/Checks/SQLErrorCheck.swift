import KitchenSQL

/// `sql-error`: the answer must make the database refuse a statement with a given kind of error.
struct SQLErrorCheck: Check {
    static let classes = ["CHECK", "UNIQUE", "NOT NULL", "FOREIGN KEY", "PRIMARY KEY", "syntax", "no such table", "no such column"]
    var errorClass: String

    static let kind = CheckKind(name: "sql-error", options: ["error"]) { options in
        guard let errorClass = try options.choice("error", classes) else {
            throw options.problem("an sql-error check needs 'error', one of \(classes.joined(separator: ", "))")
        }
        return SQLErrorCheck(errorClass: errorClass)
    }

    func grade(_ answer: Answer, in context: GradingContext) throws -> Verdict {
        guard !answer.isEmpty else {
            return .fail("No answer yet: write the statement the database should refuse.")
        }
        let run = AnswerRun.run(answer, on: try context.freshCopy())
        guard let error = run.error else {
            return .fail("Your statements ran without an error, but this step wants the database to refuse one with a \(errorClass) error.")
        }
        guard matches(error) else {
            return .fail("Your statement failed, but not with a \(errorClass) error: \(error.message)")
        }
        return .pass("Correct: the database refused it (\(error.message)). The \(errorClass) rule did its job and nothing was changed.")
    }

    func matches(_ error: DatabaseError) -> Bool {
        switch errorClass {
        case "syntax":
            return error.message.contains("syntax error") || error.message == "incomplete input" || error.message.hasPrefix("unrecognized token")
        case "no such table", "no such column":
            return error.message.hasPrefix(errorClass)
        default:
            return error.constraintKind == errorClass
        }
    }
}
