import Foundation
import Testing

@Suite("kitchen sql with stdin that is not a terminal")
struct KitchenBatchModeTests {
    @Test("plain output: no prompt, no banner, no colour, no footer")
    func plainOutput() throws {
        let result = try KitchenBinary.run(["sql"], input: """
            CREATE TABLE t(a, b);
            INSERT INTO t VALUES (1, 'one'), (2, NULL);
            SELECT a, b FROM t ORDER BY a;

            """)
        #expect(result.status == 0)
        #expect(result.out == "1|one\n2|\n")
        #expect(result.err == "")
        #expect(!result.out.contains("kitchen>"))
        #expect(!result.out.contains("\u{1B}["))
    }

    @Test("processing continues after an error, and the exit status is 1")
    func continuesAfterErrorAndExitsOne() throws {
        let result = try KitchenBinary.run(["sql"], input: "SELECT 1;\nSELECT * FROM nope;\nSELECT 2;\n")
        #expect(result.status == 1)
        #expect(result.out == "1\n2\n")
        #expect(result.err.hasPrefix("Error near line 2: no such table: nope\n"))
        #expect(!result.err.contains("\u{1B}["))
    }

    @Test("a failed dot-command also makes the exit status 1")
    func failedCommandExitsOne() throws {
        let result = try KitchenBinary.run(["sql"], input: ".mode xml\nSELECT 1;\n")
        #expect(result.status == 1)
        #expect(result.out == "1\n")
        #expect(result.err.contains(".mode: xml is not one of"))
    }

    @Test("a statement without its final ; still runs at end of input")
    func lastStatementWithoutSemicolon() throws {
        let result = try KitchenBinary.run(["sql"], input: "SELECT 1;\nSELECT\n  2")
        #expect(result.status == 0)
        #expect(result.out == "1\n2\n")
    }

    @Test(".quit stops reading; what follows does not run")
    func quitStops() throws {
        let result = try KitchenBinary.run(["sql"], input: "SELECT 1;\n.quit\nSELECT 2;\nSELECT * FROM nope;\n")
        #expect(result.status == 0)
        #expect(result.out == "1\n")
    }

    @Test("a runaway statement is stopped by --timeout, the next one runs, and the exit status is 1")
    func timeoutOption() throws {
        let started = Date()
        let result = try KitchenBinary.run(["sql", "--timeout", "0.3"], input: """
            WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c;
            SELECT 'after';

            """)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(result.status == 1)
        #expect(result.out == "after\n")
        #expect(result.err.contains("time limit"))
    }

    @Test("batch mode writes no history")
    func noHistoryInBatchMode() throws {
        let home = try TemporaryFolder()
        defer { home.remove() }
        let result = try KitchenBinary.run(["sql"], input: "SELECT 1;\n.tables\n", home: home.path)
        #expect(result.status == 0)
        #expect(!home.exists("history"))
    }

    @Test("the sandbox refuses ATTACH through the binary and writes no file")
    func sandboxThroughBinary() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let result = try KitchenBinary.run(["sql"], input: "ATTACH '\(folder.file("x.db"))' AS x;\nVACUUM INTO '\(folder.file("y.db"))';\n")
        #expect(result.status == 1)
        #expect(result.err.contains("ATTACH is not allowed here"))
        #expect(result.err.contains("VACUUM INTO is not allowed here"))
        #expect(!folder.exists("x.db") && !folder.exists("y.db"))
    }

    @Test(".read FILE runs the file's statements and commands")
    func readFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try """
            CREATE TABLE dish(name TEXT, price REAL);
            INSERT INTO dish VALUES ('soup', 4.5), ('tea', 2);
            .mode csv
            .headers on
            SELECT name, price FROM dish ORDER BY name;

            """.write(toFile: folder.file("script.sql"), atomically: true, encoding: .utf8)
        let result = try KitchenBinary.run(["sql"], input: ".read \(folder.file("script.sql"))\nSELECT count(*) AS n FROM dish;\n")
        #expect(result.status == 0)
        #expect(result.out == "name,price\nsoup,4.5\ntea,2.0\nn\n2\n")
    }

    @Test(".read of a missing file fails with the path and exit status 1")
    func readMissingFile() throws {
        let result = try KitchenBinary.run(["sql"], input: ".read /nonexistent/kitchen/script.sql\n")
        #expect(result.status == 1)
        #expect(result.err.contains("cannot read /nonexistent/kitchen/script.sql"))
    }
}

@Suite("kitchen sql --db FILE and command-line flags")
struct KitchenDatabaseFileTests {
    @Test("--db creates the file and what is written persists to the next run")
    func createsAndPersists() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("kitchen.db")
        let first = try KitchenBinary.run(["sql", "--db", path], input: "CREATE TABLE notes(text TEXT);\nINSERT INTO notes VALUES ('kept');\n")
        #expect(first.status == 0)
        #expect(folder.exists("kitchen.db"))
        let header = try Data(contentsOf: URL(fileURLWithPath: path)).prefix(15)
        #expect(String(decoding: header, as: UTF8.self) == "SQLite format 3")

        let second = try KitchenBinary.run(["sql", "--db", path], input: "SELECT text FROM notes;\n")
        #expect(second.status == 0)
        #expect(second.out == "kept\n")
    }

    @Test("without --db nothing is saved")
    func scratchDatabaseIsNotSaved() throws {
        let first = try KitchenBinary.run(["sql"], input: "CREATE TABLE notes(text TEXT);\n")
        #expect(first.status == 0)
        let second = try KitchenBinary.run(["sql"], input: "SELECT * FROM notes;\n")
        #expect(second.status == 1)
        #expect(second.err.contains("no such table: notes"))
    }

    @Test("--db on a file that is not a database fails clearly")
    func notADatabase() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try String(repeating: "this is not a database\n", count: 100).write(toFile: folder.file("notes.txt"), atomically: true, encoding: .utf8)
        let result = try KitchenBinary.run(["sql", "--db", folder.file("notes.txt")], input: "SELECT 1;\n")
        #expect(result.status != 0)
        #expect(result.err.contains("is not a SQLite database"))
        #expect(result.out == "")
    }

    @Test("an unknown flag exits non-zero and names the flag", arguments: [["sql", "--bogus"], ["--bogus"], ["sql", "--db"]])
    func badFlag(_ arguments: [String]) throws {
        let result = try KitchenBinary.run(arguments, input: "SELECT 1;\n")
        #expect(result.status != 0)
        #expect(result.out == "")
        let flag = arguments.last!
        #expect(result.err.contains(flag), "stderr: \(result.err)")
        #expect(result.err.lowercased().contains("usage"), "stderr: \(result.err)")
    }

    @Test("a bad --timeout value is refused with the allowed range", arguments: ["0", "-1", "601", "soon"])
    func badTimeout(_ value: String) throws {
        let result = try KitchenBinary.run(["sql", "--timeout", value], input: "SELECT 1;\n")
        #expect(result.status != 0)
        #expect(result.out == "")
        #expect(result.err.contains("timeout"))
    }

    @Test("--help describes kitchen sql and its options")
    func help() throws {
        let result = try KitchenBinary.run(["sql", "--help"])
        #expect(result.status == 0)
        #expect(result.out.contains("--db"))
        #expect(result.out.contains("--timeout"))
    }

    @Test("an unusable KITCHEN_HOME fails with a message naming it")
    func unusableHome() throws {
        let result = try KitchenBinary.run(["sql"], input: "SELECT 1;\n", home: "/proc/kitchen-cannot-be-here")
        #expect(result.status != 0)
        #expect(result.err.contains("/proc/kitchen-cannot-be-here"))
    }
}
