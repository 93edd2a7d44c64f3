import Testing
@testable import KitchenSQL

@Suite("Statement cache: a connection still closes")
struct StatementCacheLifetimeTests {
    // The cached statements once held their connection strongly while the connection held them:
    // no connection that had used the cache was ever freed, so its database stayed open (file
    // descriptors, WAL) until the process ended, and every server switching lesson kept its old
    // connections. LeakSanitizer found it (`make sanitize`).
    @Test("a connection that ran cached and schema-cached statements is freed when released, and closes its database")
    func releasedConnectionCloses() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        weak var released: Connection?
        do {
            let connection = try Connection(path: folder.file("kitchen.db"))
            try connection.trusted { try connection.execute("PRAGMA journal_mode = WAL") }
            try connection.execute("CREATE TABLE dish(name TEXT); INSERT INTO dish VALUES ('soup')")
            #expect(try connection.fetchAllCached("SELECT name FROM dish WHERE name = ?", arguments: [.text("soup")]) == [[.text("soup")]])
            #expect(try connection.fetchAllSchemaCached("SELECT name FROM pragma_table_info(?)", arguments: [.text("dish")]) == [[.text("name")]])
            #expect(folder.exists("kitchen.db-wal"))
            released = connection
        }
        #expect(released == nil, "the connection outlived its last reference")
        // Closing the last connection to a WAL database checkpoints the log and deletes it.
        #expect(!folder.exists("kitchen.db-wal"), "the database is still open")
    }

    @Test("a statement prepared outside the cache keeps its connection alive")
    func preparedStatementKeepsConnection() throws {
        weak var released: Connection?
        let statement: Statement
        do {
            let connection = try Connection()
            try connection.execute("CREATE TABLE dish(name TEXT); INSERT INTO dish VALUES ('soup')")
            statement = try connection.prepare("SELECT name FROM dish")
            released = connection
        }
        #expect(released != nil)
        #expect(try statement.fetchAll() == [[.text("soup")]])
    }
}
