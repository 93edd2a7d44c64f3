import KitchenSQL
import Testing
@testable import KitchenLessons

/// The fast path of the database comparison: identical tables are settled without the full diff,
/// and anything that is not identical still goes to it.
@Suite("DatabaseComparison: same rows in the same order")
struct DatabaseComparisonSameRowsTests {
    let schema = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, price REAL, photo BLOB, note);"
    let rows = "INSERT INTO t VALUES (1, 'Soup', 4.5, x'00ff', NULL), (2, 'Pie', 3.0, x'', 7), (3, 'Tea', 0.25, NULL, 'x');"

    func pair(_ first: String, _ second: String) throws -> (Connection, Connection) {
        let one = try Connection()
        try one.execute(schema + first)
        let other = try Connection()
        try other.execute(schema + second)
        return (one, other)
    }

    @Test("identical tables are the same; every storage class is compared")
    func identical() throws {
        let (one, other) = try pair(rows, rows)
        #expect(try DatabaseComparison.sameRows("SELECT * FROM t", one, other))
        #expect(try DatabaseComparison().differences(learner: other, reference: one) == nil)
    }

    @Test("one changed value of any type, a missing row or an extra row is not the same")
    func changes() throws {
        for change in ["UPDATE t SET name = 'Soups' WHERE id = 1", "UPDATE t SET price = 4.50001 WHERE id = 1",
                       "UPDATE t SET photo = x'00fe' WHERE id = 1", "UPDATE t SET note = 0 WHERE id = 1",
                       "UPDATE t SET note = '7' WHERE id = 2",
                       "DELETE FROM t WHERE id = 3", "INSERT INTO t VALUES (4, 'Jam', 1, NULL, NULL)"] {
            let (one, other) = try pair(rows, rows + change)
            #expect(try !DatabaseComparison.sameRows("SELECT * FROM t", one, other), "\(change)")
            #expect(try !DatabaseComparison.sameRows("SELECT * FROM t", other, one), "\(change)")
        }
    }

    @Test("the same rows in another order are left to the full diff, which accepts them")
    func otherOrder() throws {
        let reversed = "INSERT INTO t VALUES (3, 'Tea', 0.25, NULL, 'x'), (2, 'Pie', 3.0, x'', 7), (1, 'Soup', 4.5, x'00ff', NULL);"
        let (one, other) = try pair(rows, reversed)
        // A rowid table reads in rowid order: insertion order does not matter here.
        #expect(try DatabaseComparison.sameRows("SELECT * FROM t", one, other))
        let unordered = try Connection()
        try unordered.execute("CREATE TABLE t (id INTEGER, name TEXT, price REAL, photo BLOB, note);" + reversed)
        let ordered = try Connection()
        try ordered.execute("CREATE TABLE t (id INTEGER, name TEXT, price REAL, photo BLOB, note);" + rows)
        #expect(try !DatabaseComparison.sameRows("SELECT * FROM t", ordered, unordered))
        #expect(try DatabaseComparison().differences(learner: unordered, reference: ordered) == nil)
    }

    @Test("a changed row is still explained by the full comparison")
    func explained() throws {
        let (one, other) = try pair(rows, rows + "UPDATE t SET name = 'Soups' WHERE id = 1")
        let lines = try #require(try DatabaseComparison().differences(learner: other, reference: one))
        #expect(lines.first == "The rows of t are not right:")
        #expect(lines.joined(separator: "\n").contains("Soups"))
    }

    @Test("copies of one database: a table one side wrote is compared row by row, whatever the untouched tables settle by their pages")
    func copiesOfOneDatabase() throws {
        let start = try Connection()
        try start.execute(schema + rows + """
            CREATE TABLE big (id INTEGER PRIMARY KEY, label TEXT);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) INSERT INTO big SELECT i, 'row ' || i FROM n;
            """)
        let bytes = try start.serialize()
        for change in ["UPDATE big SET label = 'changed' WHERE id = 4321", "UPDATE t SET name = 'Soups' WHERE id = 1", "DELETE FROM big WHERE id = 17"] {
            let reference = try Connection.inMemory(copying: bytes)
            let learner = try Connection.inMemory(copying: bytes)
            #expect(try DatabaseComparison().differences(learner: learner, reference: reference) == nil)
            try learner.execute(change)
            let lines = try #require(try DatabaseComparison().differences(learner: learner, reference: reference), "\(change)")
            #expect(lines.first == "The rows of \(change.contains("big") ? "big" : "t") are not right:", "\(change)")
            // The same change on the reference's side too: equal again, though both were written.
            try reference.execute(change)
            #expect(try DatabaseComparison().differences(learner: learner, reference: reference) == nil, "\(change)")
        }
    }
}
