import Testing
import KitchenSQL
@testable import KitchenShell

@Suite("ShellSession: errors with a caret and advice")
struct ShellSessionErrorTests {
    static let tables = """
        CREATE TABLE menu_items(id INTEGER PRIMARY KEY, name TEXT, price REAL);
        CREATE TABLE orders(id INTEGER PRIMARY KEY, item_id INTEGER, quantity INTEGER);
        """

    @Test("at a terminal: the message, the statement, a caret under the offending token")
    func caretInteractive() throws {
        let shell = try ShellHarness(ShellHarness.terminal(), setup: Self.tables)
        shell.type("SELECT nme FROM menu_items;")
        let lines = shell.errors.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "Error: no such column: nme")
        #expect(lines[1] == "  SELECT nme FROM menu_items;")
        #expect(lines[2] == "         ^")
        #expect(shell.output.text.isEmpty)
    }

    @Test("in batch mode: the line number, and the caret under the token")
    func caretBatch() throws {
        let shell = try ShellHarness(setup: Self.tables)
        shell.type("SELECT 1;\nSELECT nme FROM menu_items;")
        #expect(shell.errors.text.hasPrefix("""
            Error near line 2: no such column: nme
              line 2: SELECT nme FROM menu_items;
                             ^

            """))
    }

    @Test("the second statement of a line gets the caret under its own token")
    func caretSecondStatement() throws {
        let shell = try ShellHarness(ShellHarness.terminal(), setup: Self.tables)
        shell.type("SELECT 1 AS one; SELECT id, nme FROM menu_items;")
        #expect(shell.output.text.hasPrefix("┌"))  // the first statement ran
        let lines = shell.errors.text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "Error: no such column: nme")
        let source = lines[1], caret = lines[2]
        let column = try #require(caret.firstIndex(of: "^")).utf16Offset(in: caret)
        let marked = source.dropFirst(column).prefix(3)
        #expect(marked == "nme", "caret under \(marked) in\n\(source)\n\(caret)")
    }

    @Test("a statement that spans lines: the caret goes under the token on its own line")
    func caretOnLaterLine() throws {
        let shell = try ShellHarness(setup: Self.tables)
        #expect(shell.session.feed(line: "SELECT 1; SELECT id,") == .needsMore)
        #expect(shell.session.feed(line: "  nme FROM menu_items;") == .ready)
        #expect(shell.output.text == "1\n")
        #expect(shell.errors.text.hasPrefix("""
            Error near line 1: no such column: nme
              line 2:   nme FROM menu_items;
                        ^

            """))
    }

    /// The column of the caret on the caret line, and the three characters above it.
    static func marked(_ errors: String) throws -> String {
        let lines = errors.split(separator: "\n").map(String.init)
        let source = lines[1], caret = lines[2]
        let column = try #require(caret.firstIndex(of: "^")).utf16Offset(in: caret)
        // Count display columns on the source line: wide characters take two.
        var width = 0
        var index = source.startIndex
        while index < source.endIndex, width < column {
            width += displayWidth(String(source[index]))
            index = source.index(after: index)
        }
        return String(source[index...].prefix(3))
    }

    @Test("the caret lines up after wide characters")
    func caretAfterWideText() throws {
        let shell = try ShellHarness(ShellHarness.terminal(), setup: Self.tables)
        shell.type("SELECT '寿司', nme FROM menu_items;")
        #expect(try Self.marked(shell.errors.text) == "nme")
    }

    @Test("the caret lines up after a tab")
    func caretAfterTab() throws {
        let shell = try ShellHarness(ShellHarness.terminal(), setup: Self.tables)
        shell.type("SELECT\tid,\tnme FROM menu_items;")
        let marked = try Self.marked(shell.errors.text)
        #expect(marked == "nme")
    }

    @Test("syntax errors point at the token SQLite stopped at")
    func syntaxErrorCaret() throws {
        let shell = try ShellHarness(ShellHarness.terminal(), setup: Self.tables)
        shell.type("SELECT id, name, FROM menu_items;")
        let lines = shell.errors.text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "Error: near \"FROM\": syntax error")
        #expect(lines[1] == "  SELECT id, name, FROM menu_items;")
        #expect(lines[2] == "                   ^")
        #expect(lines.contains { $0.contains("comma just before FROM") })
    }

    @Test("no such column suggests the nearest column name")
    func noSuchColumnSuggests() throws {
        let shell = try ShellHarness(setup: Self.tables)
        shell.type("SELECT prize FROM menu_items;")
        #expect(shell.errors.text.contains("Hint: Did you mean price?"))
        #expect(shell.errors.text.contains("Hint: Columns of menu_items: id, name, price."))
    }

    @Test("no such column in a SELECT without FROM, with an alias never given, or from a table not read, says which")
    func noSuchColumnExplainsWhy() throws {
        let cutShort = try ShellHarness(setup: Self.tables)
        cutShort.type("SELECT name, price;")
        #expect(cutShort.errors.text.contains("This SELECT has no FROM, so it reads no table to take name from: it is a column of menu_items, so perhaps SELECT … FROM menu_items."), "\(cutShort.errors.text)")
        #expect(!cutShort.errors.text.contains("Did you mean name?"))
        let cutShortAlias = try ShellHarness(setup: Self.tables)
        cutShortAlias.type("SELECT oi.quantity, m.name;")
        #expect(cutShortAlias.errors.text.contains("This SELECT has no FROM, so it reads no table to take quantity from: oi.quantity needs a table called oi (FROM some_table AS oi)."), "\(cutShortAlias.errors.text)")
        let alias = try ShellHarness(setup: Self.tables)
        alias.type("SELECT oi.quantity FROM orders WHERE 'oi' <> '';")
        #expect(alias.errors.text.contains("Nothing in this statement is called oi: give a table that name after it (FROM orders AS oi), or write the table's own name."), "\(alias.errors.text)")
        let given = try ShellHarness(setup: Self.tables)
        given.type("SELECT o.prize FROM orders o;")
        #expect(!given.errors.text.contains("Nothing in this statement is called"), "\(given.errors.text)")
        let notRead = try ShellHarness(setup: Self.tables)
        notRead.type("SELECT name FROM orders;")
        #expect(notRead.errors.text.contains("name is a column of menu_items, which this statement does not read: add it to FROM or JOIN it."), "\(notRead.errors.text)")
        #expect(!notRead.errors.text.contains("Did you mean name?"))
    }

    @Test("no such table names the nearest table and lists them all")
    func noSuchTableLists() throws {
        let shell = try ShellHarness(setup: Self.tables)
        shell.type("SELECT * FROM menu_item;")
        #expect(shell.errors.text.contains("no such table: menu_item"))
        #expect(shell.errors.text.contains("Hint: Did you mean menu_items?"))
        #expect(shell.errors.text.contains("Hint: Tables here: menu_items, orders."))
    }

    @Test("no such table in an empty database says so")
    func noSuchTableEmpty() throws {
        let shell = try ShellHarness()
        shell.type("SELECT * FROM anything;")
        #expect(shell.errors.text.contains("This database has no tables yet."))
    }

    @Test("a double-quoted string is explained as a column name")
    func doubleQuotedString() throws {
        let shell = try ShellHarness(setup: Self.tables)
        shell.type("SELECT * FROM menu_items WHERE name = \"soup\";")
        #expect(shell.errors.text.contains("no such column: soup"))
        #expect(shell.errors.text.contains("use single quotes: 'soup'"))
    }

    @Test("a constraint failure is explained")
    func constraintAdvice() throws {
        let shell = try ShellHarness(setup: Self.tables)
        shell.type("INSERT INTO menu_items(id) VALUES (1); INSERT INTO menu_items(id) VALUES (1);")
        #expect(shell.errors.text.contains("UNIQUE constraint failed: menu_items.id"))
        #expect(shell.errors.text.contains("already in the table"))
    }

    @Test("a runaway query is stopped with the time limit and a hint about recursive CTEs")
    func timeLimitAdvice() throws {
        let shell = try ShellHarness()
        shell.type(".timeout 0.2")
        shell.type("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c;")
        #expect(shell.errors.text.contains("time limit"))
        #expect(shell.errors.text.contains("stop condition"))
        shell.type("SELECT 'next';")
        #expect(shell.output.text == "next\n")
    }

    @Test("processing goes on after an error, and failureCount counts every failure")
    func failureCount() throws {
        let shell = try ShellHarness(setup: Self.tables)
        #expect(shell.session.failureCount == 0)
        shell.type("SELECT * FROM nope;\nSELECT 1;\n.mode nonsense\n.nosuchcommand\nSELECT 2; SELECT bad syntax here;\nSELECT 3;")
        #expect(shell.output.text == "1\n2\n3\n")
        #expect(shell.session.failureCount == 4)
    }

    @Test("a successful session has no failures")
    func noFailures() throws {
        let shell = try ShellHarness(setup: Self.tables)
        shell.type("SELECT 1;\n.mode csv\n.headers on\n.tables\nSELECT * FROM orders;")
        #expect(shell.session.failureCount == 0)
        #expect(shell.errors.text.isEmpty)
    }
}
