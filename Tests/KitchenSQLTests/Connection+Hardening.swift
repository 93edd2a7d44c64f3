import Testing
@testable import KitchenSQL
#if canImport(Glibc)
import Glibc
#endif

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

    @Test("printf and format with a huge width or precision are refused at once; ordinary ones work", .timeLimit(.scaledMinutes(1)))
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

    @Test("BLOBs as hex: two uppercase digits per byte, as hex() writes them; linear, and about as cheap as reading the bytes", .timeLimit(.scaledMinutes(1)))
    func blobHex() throws {
        #expect(BlobHex.string([0x00, 0x0A, 0x0B, 0x10, 0xFF]) == "000A0B10FF")
        let connection = try Connection()
        #expect(try connection.fetchAll("SELECT hex(x'000a0b10ff')").first?.first == .text(BlobHex.string([0x00, 0x0A, 0x0B, 0x10, 0xFF])))
        // Wall-clock limits fail on a loaded machine, so both bounds are ratios of this thread's
        // CPU time (which other processes do not inflate, as they do a long run's wall-clock
        // time): 16 MB against 1 MB (linear: 16x; quadratic work would be 256x), and the encoding
        // against a loop that only reads every byte (the old per-byte formatting was ~100x that).
        // The 90 MB figure of issue 15 (seconds at most in a release build) follows from linearity.
        let small = [UInt8](repeating: 0xAB, count: 1 << 20)
        let big = [UInt8](repeating: 0xAB, count: 16 << 20)
        let smallCost = Self.fastest(of: 3) { _ = BlobHex.string(small) }
        let readCost = Self.fastest(of: 3) {
            var sum: UInt8 = 0
            for byte in big { sum &+= byte }
            #expect(sum == UInt8(truncatingIfNeeded: 0xAB * (16 << 20)))
        }
        var hex = ""
        let bigCost = Self.fastest(of: 2) { hex = BlobHex.string(big) }
        #expect(hex.utf8.count == 32 << 20)
        #expect(hex.hasPrefix("ABAB"))
        #expect(bigCost < smallCost * 16 * 4, "16 MB took \(bigCost) s of CPU, 1 MB \(smallCost) s: not linear")
        #expect(bigCost < readCost * 20, "16 MB took \(bigCost) s of CPU to encode, \(readCost) s to read")
    }

    /// The least CPU time of this thread `work` took over `runs` runs, in seconds: the figure least
    /// disturbed by other processes. `work` is synchronous, so it stays on this thread.
    static func fastest(of runs: Int, _ work: () -> Void) -> Double {
        func threadSeconds() -> Double {
            var now = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
            return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
        }
        return (0..<runs).map { _ in
            let started = threadSeconds()
            work()
            return threadSeconds() - started
        }.min() ?? 0
    }
}
