import Testing
@testable import KitchenSQL

@Suite("Connection: journal and locking modes stay, printf stays interruptible, results can be bounded")
struct ConnectionHardeningTests {
    @Test("setting locking_mode or journal_mode is refused with a reason; reading them is allowed", arguments: [
        "PRAGMA locking_mode = EXCLUSIVE", "PRAGMA journal_mode = DELETE", "PRAGMA main.journal_mode = OFF", "PRAGMA journal_mode(MEMORY)",
    ])
    func modesRefused(sql: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let connection = try Connection(path: folder.file("shared.db"))
        try connection.trusted { try connection.execute("PRAGMA journal_mode = WAL") }
        let error = try #require(failure(of: sql, on: connection), "\(sql) was allowed")
        #expect(error.message.contains("is not allowed here"), "\(error.message)")
        #expect(error.message.contains("lock one of them out"), "\(error.message)")
        #expect(try connection.fetchAll("PRAGMA journal_mode").first?.first == .text("wal"))
        #expect(try connection.fetchAll("PRAGMA locking_mode").first?.first == .text("normal"))
        // Another connection still reads and writes.
        try connection.execute("CREATE TABLE t (x)")
        let other = try Connection(path: folder.file("shared.db"))
        try other.execute("INSERT INTO t VALUES (1)")
    }

    @Test("printf and format with a huge width or precision are refused at once; ordinary ones work", .timeLimit(.minutes(1)))
    func printfCapped() throws {
        let connection = try Connection()
        for sql in ["SELECT printf('%.*c', 1500000000, 'x')", "SELECT format('%2000000000d', 1)", "SELECT printf('%*s', -1500000000, 'x')",
                    "SELECT printf('%.60000c%.60000c', 'a', 'b')"] {
            let started = ContinuousClock.now
            let error = try #require(failure(of: sql, on: connection), "\(sql) was allowed")
            #expect(ContinuousClock.now - started < .seconds(1), "\(sql)")
            #expect(error.message.contains("the sandbox allows at most 100000"), "\(error.message)")
        }
        #expect(try connection.fetchAll("SELECT printf('%5.2f|%-4s|%d|%q', 3.14159, 'ab', 42, 'it''s')").first?.first == .text(" 3.14|ab  |42|it''s"))
        #expect(try connection.fetchAll("SELECT format('%s and %s', 'soup', NULL)").first?.first == .text("soup and "))
        #expect(try connection.fetchAll("SELECT printf('%.*c', 3, 'x'), printf(NULL), printf('100%%')").first == [.text("xxx"), .null, .text("100%")])
        #expect(try connection.fetchAll("SELECT length(printf('%.*c', 100000, 'x'))").first?.first == .integer(100000))
        // Usable where the schema needs an innocuous function, as the built-in is.
        try connection.execute("CREATE TABLE t (n INTEGER, label TEXT GENERATED ALWAYS AS (printf('#%03d', n)))")
        try connection.execute("INSERT INTO t (n) VALUES (7)")
        #expect(try connection.fetchAll("SELECT label FROM t").first?.first == .text("#007"))
    }

    @Test("the padding count reads * arguments and skips %%")
    func paddingCount() {
        func padding(_ format: String, _ arguments: [Int64] = []) -> Int {
            PrintfGuard.padding(format: Array(format.utf8)) { $0 < arguments.count ? arguments[$0] : 0 }
        }
        #expect(padding("%5.2f") == 7)
        #expect(padding("%%%10d") == 10)
        #expect(padding("%s %*.*s", [0, 4, 6]) == 10)
        #expect(padding("%lld %-08.3lf") == 11)
        #expect(padding("%99999999999999999999d") == Int(Int32.max))
    }

    @Test("fetchAll(maximumBytes:) stops as soon as the rows cross the limit, naming it")
    func boundedFetch() throws {
        let connection = try Connection()
        let statement = try connection.prepare("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) SELECT i, 'label ' || i FROM n")
        #expect(throws: ResultTooLarge.self) { try statement.fetchAll(maximumBytes: 1 << 20) }
        do {
            _ = try connection.prepare("SELECT zeroblob(3 * 1048576)").fetchAll(maximumBytes: 2 << 20)
            Issue.record("a 3 MB blob passed a 2 MB limit")
        } catch let error as ResultTooLarge {
            #expect(error.description.contains("larger than 2 MB"))
            #expect(error.rowsRead == 1)
        }
        #expect(try connection.prepare("SELECT 1, 'two'").fetchAll(maximumBytes: 100).count == 1)
    }

    @Test("BLOBs as hex: two uppercase digits per byte, as hex() writes them; 90 MB in well under a few seconds", .timeLimit(.minutes(1)))
    func blobHex() throws {
        #expect(BlobHex.string([0x00, 0x0A, 0x0B, 0x10, 0xFF]) == "000A0B10FF")
        let connection = try Connection()
        #expect(try connection.fetchAll("SELECT hex(x'000a0b10ff')").first?.first == .text(BlobHex.string([0x00, 0x0A, 0x0B, 0x10, 0xFF])))
        let big = [UInt8](repeating: 0xAB, count: 90 << 20)
        let started = ContinuousClock.now
        let hex = BlobHex.string(big)
        #expect(ContinuousClock.now - started < .seconds(10), "debug build; release takes a fraction of this")
        #expect(hex.utf8.count == 180 << 20)
        #expect(hex.hasPrefix("ABAB"))
    }
}
