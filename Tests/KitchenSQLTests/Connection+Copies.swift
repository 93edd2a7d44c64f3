import Testing
@testable import KitchenSQL

@Suite("Connection: serialize, copy and restore")
struct ConnectionCopyTests {
    static let contents = """
        CREATE TABLE dish(id INTEGER PRIMARY KEY, name TEXT, price REAL, photo BLOB);
        CREATE INDEX dish_name ON dish(name);
        INSERT INTO dish VALUES (1, 'soup', 4.5, x'00FF'), (2, 'crème brûlée', 6.0, NULL);
        """

    @Test("serialize then inMemory(copying:) gives an equal, independent database")
    func copyIsEqualAndIndependent() throws {
        let original = try Connection()
        try original.execute(Self.contents)
        let bytes = try original.serialize()
        #expect(bytes.count > 0)
        #expect(Array(bytes.prefix(15)) == Array("SQLite format 3".utf8))

        let copy = try Connection.inMemory(copying: bytes)
        #expect(try copy.fetchAll("SELECT * FROM dish ORDER BY id") == original.fetchAll("SELECT * FROM dish ORDER BY id"))
        #expect(try copy.schema() == original.schema())

        try copy.execute("DELETE FROM dish")
        #expect(try scalar("SELECT count(*) FROM dish", on: original) == 2)
        // The copy is writable and grows past its original size.
        try copy.execute("INSERT INTO dish(name) SELECT hex(randomblob(100)) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000) SELECT x FROM c)")
        #expect(try scalar("SELECT count(*) FROM dish", on: copy) == 2000)
    }

    @Test("a restored copy still enforces foreign keys")
    func copyEnforcesForeignKeys() throws {
        let original = try Connection()
        try original.execute("CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(p INTEGER REFERENCES p(id));")
        let bytes = try original.serialize()
        let copy = try Connection.inMemory(copying: bytes)
        let error = try #require(#expect(throws: DatabaseError.self) { try copy.execute("INSERT INTO c VALUES (5)") })
        #expect(error.constraintKind == "FOREIGN KEY")
    }

    @Test("restore(from:) takes an in-memory database back to a snapshot")
    func restoreInMemory() throws {
        let connection = try Connection()
        try connection.execute(Self.contents)
        let snapshot = try connection.serialize()
        try connection.execute("DROP TABLE dish; CREATE TABLE other(x);")
        try connection.restore(from: snapshot)
        #expect(try connection.schema().tableNames == ["dish"])
        #expect(try scalar("SELECT name FROM dish WHERE id = 2", on: connection) == "crème brûlée")
    }

    @Test("restore(from:) rolls back an open transaction first")
    func restoreInsideTransaction() throws {
        let connection = try Connection()
        try connection.execute(Self.contents)
        let snapshot = try connection.serialize()
        try connection.execute("BEGIN; DELETE FROM dish;")
        try connection.restore(from: snapshot)
        #expect(connection.isAutocommit)
        #expect(try scalar("SELECT count(*) FROM dish", on: connection) == 2)
    }

    @Test("restoring an empty snapshot empties the database")
    func restoreEmpty() throws {
        let empty = try Connection().serialize()
        let connection = try Connection()
        try connection.execute(Self.contents)
        try connection.restore(from: empty)
        #expect(try connection.schema().tables.isEmpty)
    }

    @Test("restore(from:) on a file database replaces the file's content")
    func restoreFileDatabase() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let source = try Connection()
        try source.execute(Self.contents)
        let path = folder.file("kitchen.db")
        do {
            let file = try Connection(path: path)
            try file.execute("CREATE TABLE stale(x); INSERT INTO stale VALUES (1);")
            let bytes = try source.serialize()
            try file.restore(from: bytes)
        }
        let reopened = try Connection(path: path)
        #expect(try reopened.schema().tableNames == ["dish"])
        #expect(try scalar("SELECT count(*) FROM dish", on: reopened) == 2)
    }

    @Test("clear() drops every table, view, index and trigger")
    func clearDropsEverything() throws {
        let connection = try Connection()
        try connection.execute(Self.contents + """
            CREATE VIEW cheap AS SELECT * FROM dish WHERE price < 5;
            CREATE TABLE log(x);
            CREATE TRIGGER t AFTER INSERT ON dish BEGIN INSERT INTO log VALUES (new.id); END;
            """)
        try connection.clear()
        #expect(try connection.schema().statements.isEmpty)
    }
}

@Suite("Connection: telling copies' tables apart by their pages")
struct ConnectionSameTableTests {
    static let contents = """
        CREATE TABLE big (id INTEGER PRIMARY KEY, label TEXT, body TEXT);
        CREATE TABLE small (id INTEGER PRIMARY KEY, name TEXT);
        WITH RECURSIVE n(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM n WHERE value < 3000)
        INSERT INTO big (label, body) SELECT 'row ' || value, CASE WHEN value % 50 = 0 THEN hex(zeroblob(3000)) ELSE 'short' END FROM n;
        INSERT INTO small VALUES (1, 'a'), (2, 'b');
        """

    func copies() throws -> (Connection, Connection) {
        let original = try Connection()
        try original.trusted { try original.execute(Self.contents) }
        let bytes = try original.serialize()
        return (try Connection.inMemory(copying: bytes), try Connection.inMemory(copying: bytes))
    }

    @Test("untouched tables of two copies are the same; a written one is not, wherever the write landed")
    func writtenTableDiffers() throws {
        for change in ["UPDATE big SET label = 'x' WHERE id = 1500", "UPDATE big SET body = 'changed' WHERE id = 100",
                       "DELETE FROM big WHERE id = 3000", "INSERT INTO big (label) VALUES ('new')", "UPDATE big SET label = label"] {
            let (one, other) = try copies()
            #expect(one.storesSameTable("big", as: other))
            try other.execute(change)
            #expect(one.storesSameTable("small", as: other), "\(change)")
            if change != "UPDATE big SET label = label" {
                #expect(!one.storesSameTable("big", as: other), "\(change)")
                #expect(!other.storesSameTable("big", as: one), "\(change)")
            }
        }
    }

    @Test("an open transaction, a database not made from bytes, or a missing table: not known to be the same")
    func unknownCases() throws {
        let (one, other) = try copies()
        try other.execute("BEGIN")
        #expect(!one.storesSameTable("small", as: other))
        try other.execute("ROLLBACK")
        #expect(one.storesSameTable("small", as: other))
        let plain = try Connection()
        try plain.trusted { try plain.execute(Self.contents) }
        #expect(!one.storesSameTable("small", as: plain))
        #expect(!one.storesSameTable("nothing", as: other))
    }
}
