import Testing
@testable import KitchenSQL

@Suite("Connection: the sandbox refuses what could reach outside it")
struct ConnectionSandboxTests {
    /// Runs `sql` and returns the refusal's `what`, checking the error's shape on the way.
    func refusal(_ sql: String, on connection: Connection, sourceLocation: SourceLocation = #_sourceLocation) throws -> (what: String, why: String, error: DatabaseError) {
        let error = try #require(failure(of: sql, on: connection), "expected \(sql) to be refused", sourceLocation: sourceLocation)
        guard case .refused(let what, let why) = error.sandboxReason else {
            Issue.record("expected a refusal, got \(error.sandboxReason.map { "\($0)" } ?? "no sandbox reason"): \(error.message)", sourceLocation: sourceLocation)
            return ("", "", error)
        }
        #expect(error.message.hasPrefix("\(what) is not allowed here: "), sourceLocation: sourceLocation)
        #expect(!why.isEmpty && error.message.hasSuffix(why), sourceLocation: sourceLocation)
        return (what, why, error)
    }

    @Test("ATTACH of a file is refused and creates no file")
    func attachFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let connection = try Connection()
        let refused = try refusal("ATTACH '\(folder.file("other.db"))' AS other", on: connection)
        #expect(refused.what == "ATTACH")
        #expect(!folder.exists("other.db"))
    }

    @Test("ATTACH of a computed file name is refused too")
    func attachExpression() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let connection = try Connection()
        let refused = try refusal("ATTACH '\(folder.path)/' || 'sneaky.db' AS other", on: connection)
        #expect(refused.what == "ATTACH")
        #expect(!folder.exists("sneaky.db"))
    }

    @Test("DETACH is refused")
    func detach() throws {
        let connection = try Connection()
        try connection.execute("ATTACH '' AS scratch")
        #expect(try refusal("DETACH scratch", on: connection).what == "DETACH")
    }

    @Test("load_extension() is refused")
    func loadExtension() throws {
        let connection = try Connection()
        let refused = try refusal("SELECT load_extension('/tmp/evil.so')", on: connection)
        #expect(refused.what == "load_extension()")
    }

    @Test("PRAGMA writable_schema is refused, both setting and reading it", arguments: [
        "PRAGMA writable_schema = ON", "PRAGMA writable_schema", "PRAGMA main.writable_schema = 1",
    ])
    func writableSchema(_ sql: String) throws {
        let connection = try Connection()
        #expect(try refusal(sql, on: connection).what == "PRAGMA writable_schema")
    }

    @Test("VACUUM INTO a path is refused, names VACUUM INTO, and writes no file")
    func vacuumInto() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let connection = try Connection()
        try connection.execute("CREATE TABLE t(a); INSERT INTO t VALUES (1);")
        let refused = try refusal("VACUUM INTO '\(folder.file("copy.db"))'", on: connection)
        #expect(refused.what == "VACUUM INTO")
        #expect(refused.error.message.contains("VACUUM INTO"))
        #expect(!folder.exists("copy.db"))
    }

    @Test("plain VACUUM still works, on a file database too")
    func plainVacuum() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let connection = try Connection(path: folder.file("main.db"))
        try connection.execute("CREATE TABLE t(a); INSERT INTO t VALUES (1); DELETE FROM t; VACUUM;")
        #expect(try scalar("SELECT count(*) FROM t", on: connection) == 0)
        let memory = try Connection()
        try memory.execute("CREATE TABLE t(a); VACUUM;")
    }

    @Test("ATTACH '' (a private temporary database) still works")
    func attachTemporary() throws {
        let connection = try Connection()
        try connection.execute("ATTACH '' AS scratch; CREATE TABLE scratch.notes(x); INSERT INTO scratch.notes VALUES (1);")
        #expect(try scalar("SELECT count(*) FROM scratch.notes", on: connection) == 1)
    }

    @Test("after a refusal the connection runs the next statement normally")
    func refusalIsNotSticky() throws {
        let connection = try Connection()
        _ = try refusal("PRAGMA writable_schema = ON", on: connection)
        #expect(try scalar("SELECT 1 + 1", on: connection) == 2)
        let other = try #require(failure(of: "SELECT * FROM missing", on: connection))
        #expect(other.sandboxReason == nil)
        #expect(other.message == "no such table: missing")
    }

    @Test("defensive mode stops writes to sqlite_schema even without the pragma")
    func defensiveMode() throws {
        let connection = try Connection()
        try connection.execute("CREATE TABLE t(a)")
        let error = try #require(failure(of: "UPDATE sqlite_schema SET sql = 'x'", on: connection))
        #expect(error.message.contains("may not be modified"))
    }

    @Test("trusted {} lets Kitchen's own statements past the authorizer, and only inside it")
    func trustedBypass() throws {
        let connection = try Connection()
        try connection.trusted { try connection.execute("PRAGMA writable_schema") }
        #expect(failure(of: "PRAGMA writable_schema", on: connection)?.sandboxReason != nil)
    }
}

@Suite("Connection: SQL dialect choices made for beginners")
struct ConnectionDialectTests {
    @Test("foreign keys are enforced")
    func foreignKeys() throws {
        let connection = try Connection()
        #expect(try scalar("PRAGMA foreign_keys", on: connection) == 1)
        try connection.execute("CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(p INTEGER REFERENCES p(id)); INSERT INTO p VALUES (1); INSERT INTO c VALUES (1);")
        let error = try #require(failure(of: "INSERT INTO c VALUES (2)", on: connection))
        #expect(error.constraintKind == "FOREIGN KEY")
        #expect(try scalar("SELECT count(*) FROM c", on: connection) == 1)
    }

    @Test("a policy may leave foreign keys off")
    func foreignKeysOptional() throws {
        let connection = try Connection(policy: SandboxPolicy(enforceForeignKeys: false))
        try connection.execute("CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(p INTEGER REFERENCES p(id)); INSERT INTO c VALUES (2);")
    }

    @Test("double-quoted strings are identifiers, not string literals", arguments: [
        "SELECT \"hello\"",
        "CREATE TABLE t(a); SELECT * FROM t WHERE a = \"x\"",
    ])
    func doubleQuotedStrings(_ sql: String) throws {
        let connection = try Connection()
        let error = try #require(failure(of: sql, on: connection))
        #expect(error.message.hasPrefix("no such column: "))
    }

    @Test("double-quoted strings are not accepted in DDL either")
    func doubleQuotedInDDL() throws {
        let connection = try Connection()
        try connection.execute("CREATE TABLE t(a)")
        #expect(failure(of: "CREATE INDEX i ON t(\"nosuch\")", on: connection) != nil)
    }

    @Test("double quotes still name real columns")
    func doubleQuotedIdentifier() throws {
        let connection = try Connection()
        try connection.execute("CREATE TABLE \"order\"(\"select\"); INSERT INTO \"order\" VALUES ('ok');")
        #expect(try scalar("SELECT \"select\" FROM \"order\"", on: connection) == "ok")
    }
}
