import Foundation
import Testing

@Suite("kitchen keeps memory bounded for large results")
struct KitchenLargeOutputTests {
    // The statement limit is raised: these tests are about memory, and on a loaded machine
    // writing a million rows can take longer than the default 2 s.
    static let millionRows = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000) SELECT x, 'row ' || x AS label, x * 0.5 AS half FROM c;"
    static let limitBytes = 100 * 1024 * 1024

    @Test("a 1M-row csv dump produces 1M lines and stays under 100 MB of resident memory",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/time"), "/usr/bin/time is missing"))
    func millionRowCSV() throws {
        let result = try KitchenBinary.run(["sql", "--timeout", "300"], input: ".mode csv\n\(Self.millionRows)\n",
                                           wrapper: ["/usr/bin/time", "-v"], timeout: 120)
        #expect(result.status == 0, "\(result.err)")
        var lines = 0
        result.stdout.withUnsafeBytes { bytes in
            for byte in bytes where byte == UInt8(ascii: "\n") { lines += 1 }
        }
        #expect(lines == 1_000_000)
        #expect(result.stdout.starts(with: Data("1,\"row 1\",0.5\n".utf8)))
        #expect(result.stdout.suffix(24) == Data("1000000,\"row 1000000\",500000.0\n".utf8).suffix(24))

        let report = result.err
        let line = try #require(report.split(separator: "\n").first { $0.contains("Maximum resident set size") })
        let kilobytes = try #require(Int(line.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)))
        #expect(kilobytes * 1024 < Self.limitBytes, "max RSS \(kilobytes) KB")
    }

    @Test("1M rows in the buffering modes (box pages its rows, json) also stay under 100 MB",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/time"), "/usr/bin/time is missing"),
          arguments: ["box", "json"])
    func millionRowsOtherModes(_ mode: String) throws {
        let result = try KitchenBinary.run(["sql", "--timeout", "300"], input: ".mode \(mode)\n\(Self.millionRows)\n",
                                           wrapper: ["/usr/bin/time", "-v"], timeout: 120)
        #expect(result.status == 0)
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n")
        if mode == "box" {
            // Each grid (a new one may start when later rows are wider) has one header row.
            let grids = lines.filter { $0.hasPrefix("┌") }.count
            #expect(grids >= 1)
            #expect(lines.filter { $0.hasPrefix("│") }.count - grids == 1_000_000)
        } else {
            #expect(lines.count == 1_000_000)
        }
        let line = try #require(result.err.split(separator: "\n").first { $0.contains("Maximum resident set size") })
        let kilobytes = try #require(Int(line.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)))
        #expect(kilobytes * 1024 < Self.limitBytes, "max RSS \(kilobytes) KB in \(mode) mode")
    }
}
