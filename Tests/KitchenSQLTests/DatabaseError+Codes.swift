import Testing
@testable import KitchenSQL

@Suite("DatabaseError: codes and constraint kinds")
struct DatabaseErrorCodeTests {
    static let setup = """
        CREATE TABLE parent(id INTEGER PRIMARY KEY);
        CREATE TABLE child(
            id INTEGER PRIMARY KEY,
            code TEXT UNIQUE,
            name TEXT NOT NULL,
            price REAL CHECK (price >= 0),
            parent_id INTEGER REFERENCES parent(id)
        );
        CREATE TABLE pairs(a, b, PRIMARY KEY (a, b));
        INSERT INTO parent VALUES (1);
        INSERT INTO child VALUES (1, 'x', 'first', 1.0, 1);
        INSERT INTO pairs VALUES (1, 1);
        """

    @Test("each constraint failure carries its kind and extended code", arguments: [
        ("INSERT INTO child VALUES (2, 'x', 'dup', 1, 1)", "UNIQUE", Int32(2067)),
        ("INSERT INTO child VALUES (2, 'y', NULL, 1, 1)", "NOT NULL", 1299),
        ("INSERT INTO child VALUES (2, 'y', 'neg', -1, 1)", "CHECK", 275),
        ("INSERT INTO child VALUES (2, 'y', 'orphan', 1, 99)", "FOREIGN KEY", 787),
        ("INSERT INTO child VALUES (1, 'z', 'same id', 1, 1)", "PRIMARY KEY", 1555),
        ("INSERT INTO pairs VALUES (1, 1)", "PRIMARY KEY", 1555),
        ("DELETE FROM parent WHERE id = 1", "FOREIGN KEY", 787),
    ])
    func constraintKinds(_ sql: String, _ kind: String, _ extendedCode: Int32) throws {
        let connection = try Connection()
        try connection.execute(Self.setup)
        let error = try #require(#expect(throws: DatabaseError.self) { try connection.execute(sql) })
        #expect(error.code == .constraint)
        #expect(error.codeName == "SQLITE_CONSTRAINT")
        #expect(error.extendedCode == extendedCode)
        #expect(error.constraintKind == kind)
        #expect(error.sandboxReason == nil)
    }

    @Test("errors that are not constraint failures have no constraint kind")
    func otherErrorsHaveNoKind() throws {
        let connection = try Connection()
        let error = try #require(#expect(throws: DatabaseError.self) { try connection.execute("SELECT * FROM missing") })
        #expect(error.constraintKind == nil)
        #expect(error.code == .error)
        #expect(error.codeName == "SQLITE_ERROR")
        #expect(error.message == "no such table: missing")
    }

    @Test("an error's description carries what a log needs: code, message, SQL and position")
    func descriptionForLogs() throws {
        let connection = try Connection()
        try connection.execute("CREATE TABLE dishes (id INTEGER PRIMARY KEY, name TEXT)")
        let missing = try #require(#expect(throws: DatabaseError.self) { try connection.execute("SELECT * FROM missing") })
        #expect("\(missing)" == "SQLite error 1 (SQLITE_ERROR): no such table: missing, in `SELECT * FROM missing`")
        let column = try #require(#expect(throws: DatabaseError.self) { try connection.execute("SELECT nme FROM dishes") })
        #expect("\(column)" == "SQLite error 1 (SQLITE_ERROR): no such column: nme, in `SELECT nme FROM dishes` at byte 7")
        let unique = try #require(#expect(throws: DatabaseError.self) {
            try connection.execute("INSERT INTO dishes VALUES (1, 'Soup'); INSERT INTO dishes VALUES (1, 'Stew')")
        })
        #expect("\(unique)".hasPrefix("SQLite error 1555 (SQLITE_CONSTRAINT): UNIQUE constraint failed: dishes.id"))
    }

    @Test("result codes have SQLite's names")
    func resultCodeNames() {
        #expect(ResultCode.interrupt.name == "SQLITE_INTERRUPT")
        #expect(ResultCode.auth.name == "SQLITE_AUTH")
        #expect(ResultCode(rawValue: 99).name == "SQLITE_99")
        #expect(DatabaseError(extendedCode: 2067, message: "").code == .constraint)
    }

    @Test("opening a path that cannot be a database fails with a DatabaseError naming it")
    func openFailure() throws {
        let error = #expect(throws: DatabaseError.self) { try Connection(path: "/nonexistent-dir-kitchen/x.db") }
        #expect(error?.code == .cantopen)
        #expect(error?.message.contains("/nonexistent-dir-kitchen/x.db") == true)
    }
}
