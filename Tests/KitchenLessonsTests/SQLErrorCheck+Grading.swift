import Testing
@testable import KitchenLessons

@Suite("sql-error: the learner must make the database refuse a statement with a given error class")
struct SQLErrorCheckGrading {
    /// A step whose reference is `solution` (by default one that the database refuses with the class).
    func errorStep(_ errorClass: String, solution: String? = nil) throws -> Grader {
        let references = [
            "CHECK": "INSERT INTO items (name, price) VALUES ('Cake', -1)", "UNIQUE": "INSERT INTO items (name, price) VALUES ('Tea', 2)",
            "NOT NULL": "INSERT INTO items (name, price) VALUES (NULL, 2)", "FOREIGN KEY": "INSERT INTO items (name, price, category_id) VALUES ('Cake', 2, 99)",
            "PRIMARY KEY": "INSERT INTO categories (id, name) VALUES (1, 'Desserts')", "syntax": "SELEC name FROM items",
            "no such table": "SELECT * FROM dishes", "no such column": "SELECT colour FROM items",
        ]
        return try grader(check: "kind: sql-error\nerror: \(errorClass)", solution: solution ?? references[errorClass]!)
    }

    @Test("each constraint class passes with the statement that breaks it", arguments: [
        ("CHECK", "INSERT INTO items (name, price) VALUES ('Cake', -1)", "CHECK constraint failed"),
        ("UNIQUE", "INSERT INTO items (name, price) VALUES ('Tea', 2)", "UNIQUE constraint failed: items.name"),
        ("NOT NULL", "INSERT INTO items (name, price) VALUES (NULL, 2)", "NOT NULL constraint failed: items.name"),
        ("FOREIGN KEY", "INSERT INTO items (name, price, category_id) VALUES ('Cake', 2, 99)", "FOREIGN KEY constraint failed"),
        ("PRIMARY KEY", "INSERT INTO categories (id, name) VALUES (1, 'Desserts')", "UNIQUE constraint failed: categories.id"),
        ("syntax", "SELEC name FROM items", "syntax error"),
        ("no such table", "SELECT * FROM dishes", "no such table: dishes"),
        ("no such column", "SELECT colour FROM items", "no such column: colour"),
    ])
    func constraintClassPasses(errorClass: String, answer: String, message: String) throws {
        let verdict = try errorStep(errorClass).grade(answer)
        #expect(verdict.passed, "\(errorClass): \(verdict.explanation)")
        #expect(verdict.summary.contains(message))
        #expect(verdict.summary.contains("The \(errorClass) rule did its job"))
    }

    @Test("another error class fails and quotes the error the database gave")
    func wrongClass() throws {
        let verdict = try errorStep("UNIQUE").grade("INSERT INTO items (name, price) VALUES ('Cake', -1)")
        #expect(!verdict.passed)
        #expect(verdict.summary == "Your statement failed, but not with a UNIQUE error: CHECK constraint failed: price > 0")
    }

    @Test("a syntax step is not passed by a constraint error, nor a CHECK step by a syntax error")
    func syntaxIsItsOwnClass() throws {
        #expect(!(try errorStep("syntax").grade("INSERT INTO items (name, price) VALUES (NULL, 1)").passed))
        #expect(!(try errorStep("CHECK").grade("INSERT INTO items VALUES (").passed))
    }

    @Test("statements that run without an error fail, naming the class wanted")
    func noError() throws {
        let verdict = try errorStep("NOT NULL").grade("INSERT INTO items (name, price) VALUES ('Cake', 2)")
        #expect(!verdict.passed)
        #expect(verdict.summary == "Your statements ran without an error, but this step wants the database to refuse one with a NOT NULL error.")
    }

    @Test("foreign keys are enforced in the grading copies")
    func foreignKeysEnforced() throws {
        let verdict = try errorStep("FOREIGN KEY", solution: "DELETE FROM categories WHERE id = 1").grade("DELETE FROM categories WHERE id = 1")
        #expect(verdict.passed, "\(verdict.explanation)")
    }

    @Test("an empty answer fails with what to do")
    func emptyAnswer() throws {
        #expect(try errorStep("CHECK").grade("").summary == "No answer yet: write the statement the database should refuse.")
    }

    @Test("statements before the refused one apply, so an answer may set up the duplicate it then tries")
    func earlierStatementsApply() throws {
        // docs/lesson-format.md: the last statement must fail; SQLite undoes that statement alone.
        let twin = "INSERT INTO items (name, price) VALUES ('Twin', 1); INSERT INTO items (name, price) VALUES ('Twin', 2);"
        let verdict = try errorStep("UNIQUE", solution: twin).grade(twin)
        #expect(verdict.passed, "\(verdict.explanation)")
    }
}
