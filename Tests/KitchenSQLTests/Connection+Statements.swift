import Testing
@testable import KitchenSQL

@Suite("Connection: preparing and running statements")
struct ConnectionStatementTests {
    @Test("forEachStatement hands over each statement in order, with its byte offset in the input")
    func statementsAndOffsets() throws {
        let connection = try Connection()
        let input = "SELECT 1;  SELECT 'é';\n  SELECT 3"
        var seen: [(sql: String, offset: Int)] = []
        try connection.forEachStatement(in: input) { statement in
            seen.append((statement.sql, statement.offset))
        }
        #expect(seen.map(\.sql) == ["SELECT 1;", "SELECT 'é';", "SELECT 3"])
        // Offsets count UTF-8 bytes and skip the white space before each statement.
        #expect(seen.map(\.offset) == [0, 11, 26])
        for (sql, offset) in seen {
            let bytes = Array(input.utf8)
            #expect(String(decoding: bytes[offset..<(offset + sql.utf8.count)], as: UTF8.self) == sql)
        }
    }

    @Test("a later statement sees what an earlier one created")
    func statementsRunInTurn() throws {
        let connection = try Connection()
        try connection.execute("CREATE TABLE t(a); INSERT INTO t VALUES (1), (2); UPDATE t SET a = a * 10;")
        #expect(try connection.fetchAll("SELECT a FROM t ORDER BY a") == [[10], [20]])
        #expect(connection.changes == 2)
    }

    @Test("a trailing comment or white space is not a statement")
    func trailingCommentIsNoStatement() throws {
        let connection = try Connection()
        var count = 0
        try connection.forEachStatement(in: "SELECT 1; -- the end\n  ") { _ in count += 1 }
        #expect(count == 1)
    }

    @Test("prepare of nothing but a comment fails with a clear message")
    func prepareNothing() throws {
        let connection = try Connection()
        let error = #expect(throws: DatabaseError.self) { try connection.prepare("-- nothing") }
        #expect(error?.message == "no SQL statement to run")
    }

    @Test("a preparation error's offset counts from the failing statement; inputOffset places that statement in the input")
    func prepareErrorOffsetsInMultiStatementInput() throws {
        let connection = try Connection()
        try connection.execute("CREATE TABLE t(name)")
        let input = "SELECT 1; SELECT nme FROM t;"
        var ran: [String] = []
        let error = try #require(#expect(throws: DatabaseError.self) {
            try connection.forEachStatement(in: input) { ran.append($0.sql) }
        })
        #expect(ran == ["SELECT 1;"])
        #expect(error.message == "no such column: nme")
        #expect(error.sql == "SELECT nme FROM t;")
        #expect(error.offset == 7)
        #expect(error.inputOffset == 10)
        let bytes = Array(input.utf8)
        let at = try #require(error.inputOffset) + #require(error.offset)
        #expect(String(decoding: bytes[at..<(at + 3)], as: UTF8.self) == "nme")
    }

    @Test("offsets are UTF-8 byte offsets, also after multi-byte text and across lines")
    func offsetsAfterUnicode() throws {
        let connection = try Connection()
        let input = "SELECT 'crème';\nSELECT 'ü', FROM x;"
        let error = try #require(#expect(throws: DatabaseError.self) { try connection.execute(input) })
        #expect(error.message == "near \"FROM\": syntax error")
        #expect(error.sql == "SELECT 'ü', FROM x;")
        #expect(error.inputOffset == 17)
        let sqlBytes = Array(try #require(error.sql).utf8)
        let offset = try #require(error.offset)
        #expect(String(decoding: sqlBytes[offset..<(offset + 4)], as: UTF8.self) == "FROM")
    }

    @Test("an error in the first statement has inputOffset 0 and the same offset as in the statement")
    func firstStatementError() throws {
        let connection = try Connection()
        let error = try #require(#expect(throws: DatabaseError.self) { try connection.execute("SELEC 1; SELECT 2;") })
        #expect(error.code == .error)
        #expect(error.offset == 0)
        #expect(error.inputOffset == 0)
        #expect(error.sql == "SELEC 1;")
    }

    @Test("a runtime error reports the statement that failed")
    func runtimeErrorNamesStatement() throws {
        let connection = try Connection()
        try connection.execute("CREATE TABLE t(a UNIQUE); INSERT INTO t VALUES (1);")
        let error = try #require(#expect(throws: DatabaseError.self) {
            try connection.execute("SELECT 1;  INSERT INTO t VALUES (1);")
        })
        #expect(error.sql == "INSERT INTO t VALUES (1);")
        #expect(error.inputOffset == 11)
    }

    @Test("isComplete follows sqlite3_complete")
    func completeness() {
        #expect(Connection.isComplete("SELECT 1;"))
        #expect(!Connection.isComplete("SELECT 1"))
        #expect(!Connection.isComplete("SELECT ';"))
        #expect(!Connection.isComplete("CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1;"))
    }

    @Test("statement metadata: columns, read-only, explain mode")
    func statementMetadata() throws {
        let connection = try Connection()
        try connection.execute("CREATE TABLE t(id INTEGER, name TEXT)")
        let select = try connection.prepare("SELECT id, name AS label, 1 + 1 FROM t")
        #expect(select.columnNames == ["id", "label", "1 + 1"])
        #expect(select.declaredType(at: 0) == "INTEGER")
        #expect(select.declaredType(at: 2) == nil)
        #expect(select.isReadOnly)
        #expect(try connection.prepare("DELETE FROM t").isReadOnly == false)
        #expect(try connection.prepare("EXPLAIN QUERY PLAN SELECT 1").explainMode == 2)
        #expect(try connection.prepare("EXPLAIN SELECT 1").explainMode == 1)
    }

    @Test("changes, lastInsertRowID and autocommit track what happened")
    func connectionState() throws {
        let connection = try Connection()
        try connection.execute("CREATE TABLE t(a)")
        try connection.execute("INSERT INTO t VALUES (1), (2), (3)")
        #expect(connection.changes == 3)
        #expect(connection.lastInsertRowID == 3)
        #expect(connection.isAutocommit)
        try connection.execute("BEGIN")
        #expect(!connection.isAutocommit)
        try connection.execute("ROLLBACK")
        #expect(connection.isAutocommit)
    }
}
