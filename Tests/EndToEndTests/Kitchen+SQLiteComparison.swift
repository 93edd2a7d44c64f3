import Foundation
import Testing

/// The reference implementation. `make test` installs it; without it the comparison is skipped.
let sqlite3Path = "/usr/bin/sqlite3"

/// `kitchen sql --db F` in csv and json modes against the sqlite3 CLI on the same generated database.
@Suite("kitchen output matches the sqlite3 CLI", .enabled(if: FileManager.default.isExecutableFile(atPath: sqlite3Path),
                                                          "/usr/bin/sqlite3 is missing: install it (make test installs it) to compare outputs"))
struct KitchenSQLiteComparisonTests {
    static let sqlite3 = sqlite3Path

    /// NULLs, REALs, BLOBs, quotes, commas, newlines, padding, empty strings and unicode.
    static let fixture = """
        CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, price REAL, qty INTEGER, note TEXT, data BLOB);
        INSERT INTO items VALUES
          (1, 'plain', 1.5, 3, NULL, x'DEADBEEF'),
          (2, 'with, comma', 0.1, NULL, 'say "hi"', x''),
          (3, 'it''s quoted', 1e20, -7, 'line1' || char(10) || 'line2', NULL),
          (4, '  padded  ', -0.0, 0, '', x'41424344'),
          (5, '', 1e-7, 9223372036854775807, 'tab' || char(9) || 'here', x'00FF00'),
          (6, 'crème brûlée — 寿司 🍣', 3.0, -9223372036854775808, 'naïve', x'E282AC'),
          (7, NULL, NULL, NULL, NULL, NULL),
          (8, 'CRLF' || char(13, 10) || 'end', 123456789.123, 42, ' lead', x'0A0D'),
          (9, 'semi;colon', 2.5e-300, 1, 'back\\slash', x'22'),
          (10, '"double"', 100.0, 2, 'x,y,z', x'2C');
        CREATE TABLE empty(a, b);
        """

    /// Queries whose output must match; none has a BLOB with a zero byte (see the next list).
    static let queries: [String] = [
        "SELECT id, name, price, qty, note FROM items ORDER BY id",
        "SELECT id, data FROM items WHERE id <> 5 ORDER BY id",
        "SELECT name, length(name), typeof(price), typeof(data) FROM items ORDER BY id",
        "SELECT price, price * 2, price / 3, -price, round(price, 2) FROM items WHERE price IS NOT NULL ORDER BY id",
        "SELECT 1.5, 0.1, 1e20, -0.0, 1e-7, 3.0, 0.1 + 0.2, 1.0 / 3, 2.0 / 3, 1e15, 1e16, 1.7976931348623157e308, 4.9e-324, -1e-10",
        "SELECT count(*), sum(qty), avg(price), total(price), min(name), max(name) FROM items",
        "SELECT group_concat(name, '|') AS names, group_concat(note) FROM items",
        "SELECT id, hex(data), quote(data), quote(name), quote(price) FROM items ORDER BY id",
        "SELECT 1 AS \"a b\", 'x' AS \"quote\"\"d\", NULL AS \"\", 2.0 AS \"é\", 'v' AS \"comma,name\"",
        "SELECT id, upper(name), lower(note), trim(name), ltrim(note) FROM items ORDER BY id DESC",
        "SELECT * FROM items WHERE id < 0",
        "SELECT * FROM empty",
        "SELECT CAST(qty AS REAL), CAST(price AS INTEGER), CAST(name AS BLOB), CAST('12abc' AS NUMERIC) FROM items ORDER BY id",
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200) SELECT x, x * x, x / 7.0, printf('%05.1f', x / 3.0) FROM c",
        "SELECT printf('%5.2f|%-5s|', price, name), char(9786), json_object('n', name, 'p', price) FROM items ORDER BY id",
        "SELECT date('2024-01-31', '+1 month'), NULL, '', ' ', 'a' || char(13) || 'b'",
        "SELECT name, qty FROM items WHERE name LIKE '%e%' ORDER BY qty IS NULL, qty",
        "SELECT a.id, b.id, a.name FROM items a JOIN items b ON b.id = a.id + 1 ORDER BY a.id",
    ]

    /// BLOBs holding a zero byte: sqlite3 prints them as C strings, cut at the zero.
    static let zeroByteBlobQueries: [String] = [
        "SELECT id, data FROM items WHERE id = 5",
        "SELECT x'410042' AS blob, x'00' AS zero",
    ]

    static func makeDatabase(in folder: TemporaryFolder) throws -> String {
        let path = folder.file("compare.db")
        let created = try runTool(sqlite3, [path], input: fixture)
        try #require(created.status == 0, "sqlite3 could not build the fixture: \(created.err)")
        return path
    }

    static func kitchen(_ mode: String, _ query: String, database: String) throws -> KitchenBinary.Result {
        let headers = mode == "csv" ? ".headers on\n" : ""
        return try KitchenBinary.run(["sql", "--db", database], input: ".mode \(mode)\n\(headers)\(query);\n")
    }

    static func describe(_ data: Data) -> String {
        String(decoding: data, as: UTF8.self).debugDescription
    }

    @Test("csv with headers is byte-identical to sqlite3 -csv -header", arguments: queries)
    func csvMatches(_ query: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let database = try Self.makeDatabase(in: folder)
        let expected = try runTool(Self.sqlite3, ["-csv", "-header", database, query])
        try #require(expected.status == 0, "sqlite3 failed: \(expected.err)")
        let actual = try Self.kitchen("csv", query, database: database)
        #expect(actual.status == 0, "kitchen failed: \(actual.err)")
        #expect(actual.stdout == expected.stdout, "\nkitchen: \(Self.describe(actual.stdout))\nsqlite3: \(Self.describe(expected.stdout))")
    }

    @Test("csv of a BLOB with a zero byte stops at the zero like sqlite3", arguments: zeroByteBlobQueries)
    func csvZeroByteBlob(_ query: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let database = try Self.makeDatabase(in: folder)
        let expected = try runTool(Self.sqlite3, ["-csv", "-header", database, query])
        let actual = try Self.kitchen("csv", query, database: database)
        #expect(actual.status == 0)
        #expect(actual.stdout == expected.stdout, "\nkitchen: \(Self.describe(actual.stdout))\nsqlite3: \(Self.describe(expected.stdout))")
    }

    /// Queries whose results hold BLOBs. sqlite3 -json writes a BLOB's bytes as if they were text;
    /// Kitchen writes hex, two uppercase digits per byte (docs/server-rules.md), so each is compared
    /// with sqlite3 running the same query with hex() around the BLOBs.
    static let blobQueries: [(kitchen: String, sqlite3: String)] = [
        ("SELECT id, data FROM items WHERE id <> 5 ORDER BY id",
         "SELECT id, CASE typeof(data) WHEN 'blob' THEN hex(data) ELSE data END AS data FROM items WHERE id <> 5 ORDER BY id"),
        ("SELECT CAST(qty AS REAL), CAST(price AS INTEGER), CAST(name AS BLOB), CAST('12abc' AS NUMERIC) FROM items ORDER BY id",
         "SELECT CAST(qty AS REAL), CAST(price AS INTEGER), CASE WHEN name IS NULL THEN NULL ELSE hex(CAST(name AS BLOB)) END AS \"CAST(name AS BLOB)\", CAST('12abc' AS NUMERIC) FROM items ORDER BY id"),
        ("SELECT id, data FROM items WHERE id = 5", "SELECT id, hex(data) AS data FROM items WHERE id = 5"),
        ("SELECT x'410042' AS blob, x'00' AS zero", "SELECT '410042' AS blob, '00' AS zero"),
    ]

    @Test("json with BLOBs is sqlite3 -json with hex() around them", arguments: blobQueries.indices)
    func jsonBlobsAsHex(_ index: Int) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let database = try Self.makeDatabase(in: folder)
        let expected = try runTool(Self.sqlite3, ["-json", database, Self.blobQueries[index].sqlite3])
        try #require(expected.status == 0, "sqlite3 failed: \(expected.err)")
        let actual = try Self.kitchen("json", Self.blobQueries[index].kitchen, database: database)
        #expect(actual.status == 0, "kitchen failed: \(actual.err)")
        #expect(try JSONValue.parse(actual.stdout) == (try JSONValue.parse(expected.stdout)),
                "\nkitchen: \(Self.describe(actual.stdout))\nsqlite3: \(Self.describe(expected.stdout))")
    }

    @Test("json is equal, as parsed JSON, to sqlite3 -json", arguments: queries.filter { query in !blobQueries.contains { $0.kitchen == query } })
    func jsonMatches(_ query: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let database = try Self.makeDatabase(in: folder)
        let expected = try runTool(Self.sqlite3, ["-json", database, query])
        try #require(expected.status == 0, "sqlite3 failed: \(expected.err)")
        let actual = try Self.kitchen("json", query, database: database)
        #expect(actual.status == 0, "kitchen failed: \(actual.err)")
        let expectedJSON = try JSONValue.parse(expected.stdout)
        let actualJSON = try JSONValue.parse(actual.stdout)
        #expect(actualJSON == expectedJSON, "\nkitchen: \(Self.describe(actual.stdout))\nsqlite3: \(Self.describe(expected.stdout))")
    }
}

/// Parsed JSON, for comparing documents regardless of spacing and number spelling.
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Empty output (no rows) parses to nil. Invalid UTF-8 (a BLOB's raw bytes) is decoded
    /// the same lossy way on both sides.
    static func parse(_ data: Data) throws -> JSONValue? {
        let text = String(decoding: data, as: UTF8.self)
        if text.allSatisfy(\.isWhitespace) { return nil }
        return try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            // Whole numbers compare exactly as integers, others as doubles.
            if let whole = try? container.decode(Int64.self), Double(whole) == value {
                self = .integer(whole)
            } else {
                self = .number(value)
            }
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}
