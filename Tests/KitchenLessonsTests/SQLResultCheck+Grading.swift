import KitchenSQL
import Testing
@testable import KitchenLessons

@Suite("sql-result: rows compared with the reference's, then on a hidden variant")
struct SQLResultCheckGrading {
    let cheapItems = "SELECT name, price FROM items WHERE price < 10"

    @Test("the reference's own rows, in any order, pass and say how many rows matched")
    func matchingRowsPass() throws {
        let grader = try grader(check: "kind: sql-result", solution: cheapItems + ";")
        let verdict = grader.grade("SELECT name, price FROM items WHERE price < 10 ORDER BY name DESC;")
        #expect(verdict.passed)
        #expect(verdict.summary == "Correct: all 4 rows match.")
    }

    @Test("a result with a column too few names the wrong number of columns and both column lists")
    func wrongColumnCount() throws {
        let grader = try grader(check: "kind: sql-result", solution: cheapItems)
        let verdict = grader.grade("SELECT name FROM items WHERE price < 10")
        #expect(!verdict.passed)
        #expect(verdict.explanation.contains("wrong number of columns: expected 2 (name, price), got 1 (name)."))
    }

    @Test("missing rows are counted and at most five of them are shown")
    func missingRowsShowFive() throws {
        let grader = try grader(check: "kind: sql-result", solution: "SELECT name FROM items")
        let verdict = grader.grade("SELECT name FROM items WHERE id = 1")
        #expect(!verdict.passed)
        #expect(verdict.details.contains("Expected 6 rows, got 1 row."))
        #expect(verdict.details.contains("missing 5 rows, for example:"))
        let shown = verdict.details.filter { $0.hasPrefix("  - ") }
        #expect(shown.count == 5)
        #expect(Set(shown) == ["  - Soup", "  - Tea", "  - Pasta", "  - Juice", "  - Salad"])
    }

    @Test("more than five missing rows: the count is exact, the listing stops at five")
    func manyMissingRows() throws {
        let setup = pantrySetup + "\nWITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 10) INSERT INTO items (name, price) SELECT 'Extra ' || v, v FROM n;"
        let grader = try grader(check: "kind: sql-result", solution: "SELECT name FROM items", setup: setup)
        let verdict = grader.grade("SELECT name FROM items WHERE id <= 2")
        #expect(verdict.details.contains("missing 14 rows, for example:"))
        #expect(verdict.details.filter { $0.hasPrefix("  - ") }.count == 5)
    }

    @Test("extra rows are listed with a plus")
    func extraRows() throws {
        let grader = try grader(check: "kind: sql-result", solution: cheapItems)
        let verdict = grader.grade("SELECT name, price FROM items WHERE price <= 12")
        #expect(!verdict.passed)
        #expect(verdict.details.contains("extra 2 rows that should not be there, for example:"))
        #expect(Set(verdict.details.filter { $0.hasPrefix("  + ") }) == ["  + Pizza | 12.0", "  + Pasta | 11.0"])
        #expect(!verdict.details.contains { $0.hasPrefix("missing") })
    }

    @Test("order: strict names the first row out of place, with both rows")
    func strictOrderNamesFirstRowOutOfPlace() throws {
        let grader = try grader(check: "kind: sql-result\norder: strict", solution: "SELECT name FROM items ORDER BY price")
        #expect(grader.grade("SELECT name FROM items ORDER BY price").passed)
        let verdict = grader.grade("SELECT name FROM items ORDER BY name")
        #expect(!verdict.passed)
        #expect(verdict.details == [
            "The rows are right but the order is not: row 1 is out of place.",
            "  expected row 1: Tea",
            "  your row 1:     Juice",
        ])
    }

    @Test("order: strict with the first rows right names a later row")
    func strictOrderLaterRow() throws {
        let grader = try grader(check: "kind: sql-result\norder: strict", solution: "SELECT name FROM items ORDER BY id")
        let verdict = grader.grade("SELECT name FROM items ORDER BY id = 3, id")
        #expect(verdict.details.first == "The rows are right but the order is not: row 3 is out of place.")
    }

    @Test("order: any accepts the rows in another order (the default for a reference that does not sort)")
    func anyOrderIgnoresOrder() throws {
        let grader = try grader(check: "kind: sql-result\norder: any", solution: "SELECT name FROM items ORDER BY price")
        #expect(grader.grade("SELECT name FROM items ORDER BY name DESC").passed)
    }

    @Test("column-names: true wants the aliases asked for; without it any names do")
    func columnNames() throws {
        let reference = "SELECT name AS dish, price AS cost FROM items"
        let strict = try grader(check: "kind: sql-result\ncolumn-names: true", solution: reference)
        #expect(strict.grade("SELECT name AS Dish, price AS COST FROM items").passed, "names compare without case")
        let verdict = strict.grade("SELECT name, price FROM items")
        #expect(!verdict.passed)
        #expect(verdict.explanation.contains("The column names are not the ones asked for: expected dish, cost, got name, price. Name a column with AS."))
        let lenient = try grader(check: "kind: sql-result", solution: reference)
        #expect(lenient.grade("SELECT name, price FROM items").passed)
    }

    @Test("tolerance: REAL values within the step's tolerance are equal, outside it they are not")
    func tolerance() throws {
        let reference = "SELECT name, price / 7.0 FROM items"
        let close = "SELECT name, price / 7.0 * 1.00000001 FROM items"
        let loose = try grader(check: "kind: sql-result\ntolerance: 0.000001", solution: reference)
        #expect(loose.grade(close).passed)
        let tight = try grader(check: "kind: sql-result", solution: reference)
        let verdict = tight.grade(close)
        #expect(!verdict.passed)
        #expect(verdict.explanation.contains("Every row is right except the column price / 7.0 * 1.00000001"))
    }

    @Test("an integer and the same REAL are the same value: 12 equals 12.0")
    func integerEqualsReal() throws {
        let grader = try grader(check: "kind: sql-result", solution: "SELECT name, CAST(price AS INTEGER) FROM items WHERE price = 12")
        #expect(grader.grade("SELECT name, price FROM items WHERE name = 'Pizza'").passed)
    }

    @Test("a hard-coded answer right for today's rows fails on the hidden variant")
    func hardCodedAnswerFailsOnVariant() throws {
        let grader = try grader(
            check: "kind: sql-result",
            solution: "SELECT name, price FROM items ORDER BY price DESC LIMIT 1",
            variant: "UPDATE items SET price = price * 2 WHERE name = 'Pizza';")
        let verdict = grader.grade("SELECT 'Pizza', 12;")
        #expect(!verdict.passed)
        #expect(verdict.summary.contains("not on a hidden variant of the data"))
        #expect(verdict.details == ["Every row is right except the column 12, which is wrong in some rows, for example:", "  Pizza | 24.0   expected 12 = 24.0, got 12"])
        #expect(grader.grade("SELECT name, price FROM items ORDER BY price DESC LIMIT 1;").passed)
    }

    @Test("without variant SQL, the copied rows of the hidden variant still catch a hard-coded list")
    func automaticVariantCatchesHardCodedList() throws {
        let grader = try grader(check: "kind: sql-result", solution: "SELECT name FROM items")
        let verdict = grader.grade("VALUES ('Pizza'), ('Soup'), ('Tea'), ('Pasta'), ('Juice'), ('Salad');")
        #expect(!verdict.passed)
        #expect(verdict.summary.contains("hidden variant"))
        #expect(verdict.details.contains("  - Tea <v&>"))
        #expect(verdict.details.contains("  - Salad <v&>"))
    }

    @Test("variant: same skips the hidden variant, so a fixed answer may pass")
    func variantSame() throws {
        let grader = try grader(check: "kind: sql-result\nvariant: same", solution: "SELECT name FROM items WHERE id = 1",
                                variant: "UPDATE items SET name = 'Calzone' WHERE id = 1;")
        #expect(grader.grade("SELECT 'Pizza'").passed)
    }

    @Test("the learner's SQL failing is explained with the database's message")
    func failingSQL() throws {
        let grader = try grader(check: "kind: sql-result", solution: cheapItems)
        let verdict = grader.grade("SELECT name FROM itemz")
        #expect(!verdict.passed)
        #expect(verdict.summary == "Your SQL failed: no such table: itemz")
        let constraint = grader.grade("SELECT 1; INSERT INTO items (name, price) VALUES ('Tea', 1); SELECT 1;")
        #expect(constraint.summary == "Statement 2 of your answer failed: UNIQUE constraint failed: items.name")
        let second = grader.grade("SELECT 1; SELECT nope FROM items;")
        #expect(second.summary == "Statement 2 of your answer failed: no such column: nope")
    }

    @Test("statements without rows, and an empty answer, fail with what to do")
    func noRows() throws {
        let grader = try grader(check: "kind: sql-result", solution: cheapItems)
        #expect(grader.grade("BEGIN; COMMIT;").summary.contains("returned no rows to compare"))
        #expect(grader.grade("UPDATE items SET price = 1 WHERE id = 99").summary.contains("changes the database"))
        let empty = grader.grade("   ")
        #expect(!empty.passed)
        #expect(empty.summary.hasPrefix("No answer yet"))
    }

    @Test("the rows of the answer's last query are the ones compared")
    func lastQueryCounts() throws {
        let grader = try grader(check: "kind: sql-result", solution: cheapItems)
        #expect(grader.grade("SELECT 1; " + cheapItems).passed)
        #expect(!grader.grade(cheapItems + "; SELECT 1").passed)
    }

    @Test("the answer runs on a fresh copy: changes made by an earlier grading do not leak")
    func freshCopies() throws {
        let grader = try grader(check: "kind: sql-result", solution: "SELECT count(*) FROM items")
        _ = grader.grade("DELETE FROM items; SELECT count(*) FROM items")
        #expect(grader.grade("SELECT count(*) FROM items").passed)
        #expect(!grader.grade("DELETE FROM items WHERE id = 1; SELECT count(*) FROM items").passed)
    }

    @Test("self-test flags a step whose reference gives the same rows on the hidden variant")
    func selfTestFlagsTypableAnswer() throws {
        let lesson = try parseLesson(lessonYAML(steps: [stepYAML(check: "kind: sql-result", solution: "SELECT name FROM items WHERE name = 'Pizza'")]))
        let outcome = try #require(LessonSelfTest().run(lesson).first)
        #expect(!outcome.passed)
        #expect(outcome.problems.contains { $0.contains("the reference gives the same rows on the hidden variant") })
        let sound = try parseLesson(lessonYAML(steps: [stepYAML(check: "kind: sql-result", solution: "SELECT name FROM items")]))
        #expect(!(LessonSelfTest().run(sound).first?.problems.contains { $0.contains("hidden variant") } ?? true))
    }
}
