import Testing
@testable import KitchenLessons

@Suite("sql-state: the database after the answer must hold what it holds after the reference")
struct SQLStateCheckGrading {
    let addCoffee = "INSERT INTO items (name, price, category_id) VALUES ('Coffee', 2.5, 2);"

    var withQueries: String {
        """
        kind: sql-state
        queries:
          - SELECT name, price, category_id FROM items
        """
    }

    @Test("with queries: the same rows after the answer pass")
    func queriesPass() throws {
        let grader = try grader(check: withQueries, solution: addCoffee)
        let verdict = grader.grade("insert into items (category_id, price, name) values (2, 2.50, 'Coffee')")
        #expect(verdict.passed)
        #expect(verdict.summary == "Correct: the database now holds exactly what it should.")
    }

    @Test("with queries: a different result names the query and the missing and extra rows")
    func queriesFail() throws {
        let grader = try grader(check: withQueries, solution: addCoffee)
        let verdict = grader.grade("INSERT INTO items (name, price, category_id) VALUES ('Coffee', 3, 2)")
        #expect(!verdict.passed)
        #expect(verdict.summary == "Not yet: the database does not hold what it should after your statements.")
        #expect(verdict.details.first == "After your statements, SELECT name, price, category_id FROM items gives a different result:")
        #expect(verdict.details.dropFirst() == ["Every row is right except the column price, which is wrong in some rows, for example:", "  Coffee | 2.5 | 2   expected price = 2.5, got 3.0"])
        let missing = grader.grade("INSERT INTO items (name, price, category_id) VALUES ('Coffee', 2.5, 2), ('Tea2', 1, 2)")
        #expect(missing.details.contains("  + Tea2 | 1.0 | 2"))
    }

    @Test("with queries: a query that no longer runs after the answer is named")
    func queryFailsAfterAnswer() throws {
        let grader = try grader(check: withQueries, solution: addCoffee)
        let verdict = grader.grade("ALTER TABLE items RENAME TO things")
        #expect(verdict.details == ["After your statements, this query fails (no such table: items): SELECT name, price, category_id FROM items"])
    }

    @Test("with queries: several statements together make the answer")
    func severalStatements() throws {
        let grader = try grader(check: withQueries, solution: addCoffee)
        #expect(grader.grade("INSERT INTO items (name, price, category_id) VALUES ('Coffee', 9, 2);\nUPDATE items SET price = 2.5 WHERE name = 'Coffee';").passed)
    }

    @Test("with tables: the whole table is compared, and unlisted tables are not")
    func wholeTables() throws {
        let check = "kind: sql-state\ntables:\n  - items"
        let grader = try grader(check: check, solution: "UPDATE items SET price = price + 1 WHERE category_id = 2;")
        #expect(grader.grade("UPDATE items SET price = 1 + price WHERE category_id IN (2)").passed)
        #expect(grader.grade("UPDATE items SET price = price + 1 WHERE category_id = 2; DELETE FROM categories WHERE id = 1 AND 0;").passed)
        let verdict = grader.grade("UPDATE items SET price = price + 1")
        #expect(!verdict.passed)
        #expect(verdict.details.first == "The rows of items are not right:")
        #expect(verdict.details.contains("Every row is right except the column price, which is wrong in some rows, for example:"))
        #expect(verdict.details.contains("  1 | Pizza | 12.0 | 1   expected price = 12.0, got 13.0"))
    }

    @Test("with tables: a table the reference creates must exist with the same columns")
    func createdTable() throws {
        let check = "kind: sql-state\ntables:\n  - specials"
        let grader = try grader(check: check, solution: "CREATE TABLE specials (day TEXT, item_id INTEGER);")
        #expect(grader.grade("create table specials (DAY text, ITEM_ID integer)").passed)
        #expect(grader.grade("CREATE TABLE other (day TEXT, item_id INTEGER)").details == ["There is no table specials after your statements."])
        #expect(grader.grade("CREATE TABLE specials (day TEXT, item INTEGER)").details == ["The table specials has the columns day, item; expected day, item_id (it lacks the column item_id; it has the column item too)."])
    }

    @Test("without queries or tables every table is compared, and an extra table is named")
    func everyTable() throws {
        let grader = try grader(check: "kind: sql-state", solution: "DELETE FROM items WHERE price > 10;")
        #expect(grader.grade("DELETE FROM items WHERE name IN ('Pizza', 'Pasta')").passed)
        #expect(grader.grade("DELETE FROM items WHERE price > 10; CREATE TABLE notes (x);").details == ["There is a table notes that should not be there."])
        let categories = grader.grade("DELETE FROM items WHERE price > 10; DELETE FROM categories WHERE id = 2 AND 0; INSERT INTO categories (name) VALUES ('Desserts');")
        #expect(categories.details.first == "The table categories was changed, but this step does not change it:")
        #expect(categories.details.contains("  + 3 | Desserts"))
    }

    @Test("a failing statement is reported with its number, and nothing is compared")
    func failingStatement() throws {
        let grader = try grader(check: withQueries, solution: addCoffee)
        let verdict = grader.grade("INSERT INTO items (name, price, category_id) VALUES ('Coffee', 2.5, 2); INSERT INTO items (name, price) VALUES ('Tea', 1);")
        #expect(verdict.summary == "Statement 2 of your answer failed: UNIQUE constraint failed: items.name")
    }

    @Test("an empty answer fails with what to do")
    func emptyAnswer() throws {
        let grader = try grader(check: withQueries, solution: addCoffee)
        #expect(grader.grade("").summary == "No answer yet: run the statements that change the database.")
    }

    /// Hard-coded ids instead of the condition the task gives used to pass: the answer is now
    /// replayed on the hidden variant (other rows, other ids) and compared with the reference there.
    @Test("variant: ids typed instead of the condition fail; the condition written other ways passes")
    func hardCodedIDs() throws {
        let grader = try grader(check: "kind: sql-state", solution: "UPDATE items SET price = price * 2 WHERE category_id = (SELECT id FROM categories WHERE name = 'Drinks');")
        for answer in [
            "UPDATE items SET price = price * 2 WHERE category_id = (SELECT id FROM categories WHERE name = 'Drinks')",
            "UPDATE items SET price = 2 * price WHERE category_id IN (SELECT id FROM categories WHERE name = 'Drinks')",
            "UPDATE items SET price = price + price WHERE EXISTS (SELECT 1 FROM categories c WHERE c.id = items.category_id AND c.name = 'Drinks')",
        ] {
            let verdict = grader.grade(answer)
            #expect(verdict.passed, "\(answer): \(verdict.explanation)")
        }
        // Tea and Juice are items 3 and 5 today.
        let verdict = grader.grade("UPDATE items SET price = price * 2 WHERE id IN (3, 5)")
        #expect(!verdict.passed)
        #expect(verdict.summary.hasPrefix("Your statements give the right database for today's rows, but not on a hidden variant of the data"), "\(verdict.explanation)")
        #expect(verdict.summary.contains("other ids"))
        let names = grader.grade("UPDATE items SET price = price * 2 WHERE name IN ('Tea', 'Juice')")
        #expect(!names.passed, "the variant's copied drinks are named 'Tea <v&>' and 'Juice <v&>'")
    }

    /// The task names the id ("look the category up first") and the reference writes it: an
    /// answer that computes the id is right too, though on renumbered ids it lands elsewhere.
    @Test("variant: when the reference names rows by id, an answer that computes the id still passes")
    func referenceWithIDs() throws {
        let update = try grader(check: "kind: sql-state", solution: "UPDATE items SET price = price * 2 WHERE category_id = 2;")
        #expect(update.grade("UPDATE items SET price = price * 2 WHERE category_id = (SELECT id FROM categories WHERE name = 'Drinks')").passed)
        #expect(!update.grade("UPDATE items SET price = price * 2 WHERE id IN (3, 5)").passed, "the copied drink (Tea <v&>) is missed")
        let grader = try grader(check: "kind: sql-state", solution: addCoffee)
        for answer in [
            addCoffee,
            "INSERT INTO items (name, price, category_id) SELECT 'Coffee', 2.5, id FROM categories WHERE name = 'Drinks'",
            "INSERT INTO items (name, price, category_id) VALUES ('Coffee', 2.5, (SELECT id FROM categories WHERE name = 'Drinks'))",
        ] {
            let verdict = grader.grade(answer)
            #expect(verdict.passed, "\(answer): \(verdict.explanation)")
        }
    }

    @Test("variant: same turns the replay off")
    func variantSame() throws {
        let grader = try grader(check: "kind: sql-state\nvariant: same", solution: "UPDATE items SET price = price * 2 WHERE category_id = 2;")
        #expect(grader.grade("UPDATE items SET price = price * 2 WHERE id IN (3, 5)").passed)
    }
}
