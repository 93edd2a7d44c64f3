import Testing
@testable import KitchenLessons

/// Answers that get today's rows, or today's order, only because of the order SQLite happens to
/// read rows in: without ORDER BY none is promised. Each used to pass.
@Suite("Rows in an order by chance: answers without the ORDER BY they rely on fail")
struct RowOrderByChanceGrading {
    /// The pantry with an index on price: a lookup by price walks it in price order.
    static let setup = pantrySetup + "\nCREATE INDEX items_price ON items(price);"

    @Test("sql-result: the two cheapest items over 4 without ORDER BY fail; correct forms pass")
    func limitWithoutOrderBy() throws {
        let grader = try grader(check: "kind: sql-result", solution: "SELECT name, price FROM items WHERE price > 4 ORDER BY price LIMIT 2;", setup: Self.setup)
        for answer in [
            "SELECT name, price FROM items WHERE price > 4 ORDER BY price LIMIT 2",
            "SELECT name, price FROM items WHERE price > 4 ORDER BY price, id LIMIT 2 OFFSET 0",
            "SELECT name, price FROM (SELECT * FROM items WHERE price > 4 ORDER BY price LIMIT 2)",
            "SELECT name, price FROM items WHERE price > 4 ORDER BY price ASC, name DESC LIMIT 2",
        ] {
            let verdict = grader.grade(answer)
            #expect(verdict.passed, "\(answer): \(verdict.explanation)")
        }
        // The price index returns them cheapest first today; read backwards, the dearest come first.
        let verdict = grader.grade("SELECT name, price FROM items WHERE price > 4 LIMIT 2")
        #expect(!verdict.passed)
        #expect(verdict.summary.hasPrefix("Your rows come in this order by chance"), "\(verdict.explanation)")
        #expect(verdict.details.first == RowOrderByChance.explanation)
        #expect(verdict.details.contains("  + Pizza | 12.0"), "\(verdict.details)")
    }

    @Test("sql-result with order: strict: rows in rowid order without ORDER BY id fail")
    func strictOrderWithoutOrderBy() throws {
        let grader = try grader(check: "kind: sql-result\norder: strict", solution: "SELECT name FROM items WHERE category_id = 1 ORDER BY id;")
        #expect(grader.grade("SELECT name FROM items WHERE category_id = 1 ORDER BY id").passed)
        #expect(grader.grade("SELECT name FROM items AS i WHERE i.category_id = 1 ORDER BY i.rowid ASC").passed)
        let verdict = grader.grade("SELECT name FROM items WHERE category_id = 1")
        #expect(!verdict.passed)
        #expect(verdict.summary.hasPrefix("Your rows come in this order by chance"), "\(verdict.explanation)")
    }

    @Test("sql-result with order: any: a query whose rows do not depend on the order passes without ORDER BY")
    func anyOrderNeedsNone() throws {
        let grader = try grader(check: "kind: sql-result\norder: any", solution: "SELECT name FROM items WHERE price > 4 ORDER BY price;", setup: Self.setup)
        #expect(grader.grade("SELECT name FROM items WHERE price > 4").passed)
    }

    @Test("a reference whose own rows depend on the order (ties) gives no ruling")
    func unstableReference() throws {
        let grader = try grader(check: "kind: sql-result", solution: "SELECT name FROM items LIMIT 1;")
        #expect(grader.grade("SELECT name FROM items LIMIT 1").passed)
    }

    @Test("an answer cannot turn the reversed reading off")
    func pragmaIsLocked() throws {
        let grader = try grader(check: "kind: sql-result", solution: "SELECT name, price FROM items WHERE price > 4 ORDER BY price LIMIT 2;", setup: Self.setup)
        let verdict = grader.grade("PRAGMA reverse_unordered_selects = OFF; SELECT name, price FROM items WHERE price > 4 LIMIT 2")
        #expect(!verdict.passed)
        #expect(verdict.explanation.contains("reverse_unordered_selects"), "\(verdict.explanation)")
    }

    @Test("sql-plan without query: keyset pagination without ORDER BY fails, though the index gives today's order")
    func keysetWithoutOrderBy() throws {
        let grader = try grader(check: "kind: sql-plan", solution: "SELECT name, price FROM items WHERE price > 4 ORDER BY price LIMIT 2;", setup: Self.setup)
        #expect(grader.grade("SELECT name, price FROM items WHERE price > 4 ORDER BY price LIMIT 2").passed)
        let verdict = grader.grade("SELECT name, price FROM items WHERE price > 4 LIMIT 2")
        #expect(!verdict.passed)
        #expect(verdict.summary.hasPrefix("Your rows come in this order by chance"), "\(verdict.explanation)")
    }

    @Test("sql-state: deleting 'the two cheapest' through a LIMIT without ORDER BY fails")
    func stateWithoutOrderBy() throws {
        let solution = "DELETE FROM items WHERE id IN (SELECT id FROM items WHERE price > 4 ORDER BY price LIMIT 2);"
        let grader = try grader(check: "kind: sql-state", solution: solution, setup: Self.setup)
        #expect(grader.grade(solution).passed)
        let verdict = grader.grade("DELETE FROM items WHERE id IN (SELECT id FROM items WHERE price > 4 LIMIT 2)")
        #expect(!verdict.passed)
        #expect(verdict.summary.hasPrefix("Your statements pick their rows by chance"), "\(verdict.explanation)")
    }
}
