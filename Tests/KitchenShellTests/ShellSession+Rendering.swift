import Foundation
import Testing
import KitchenSQL
@testable import KitchenShell

@Suite("ShellSession: each render mode draws a result exactly")
struct ShellSessionRenderingTests {
    static let query = "SELECT id, name, price FROM menu ORDER BY id;"

    @Test("box: a drawn grid, numbers right-aligned, NULL marked (null) without colour, a row-count footer at a terminal")
    func box() throws {
        let shell = try ShellHarness(ShellHarness.terminal(), setup: menuSetup)
        shell.type(Self.query)
        #expect(shell.output.text == """
            ┌────┬────────┬────────┐
            │ id │ name   │ price  │
            ├────┼────────┼────────┤
            │  1 │ soup   │    4.5 │
            │  2 │ (null) │  12.25 │
            │ 10 │ tea    │ (null) │
            └────┴────────┴────────┘
            3 rows

            """)
        #expect(shell.errors.text.isEmpty)
    }

    @Test("box with colour: NULL is styled differently from the text 'NULL'")
    func boxNullIsDistinct() throws {
        let shell = try ShellHarness(.terminal(width: nil, color: true))
        shell.type("SELECT NULL AS a, 'NULL' AS b;")
        let line = try #require(shell.output.text.split(separator: "\n").dropFirst(3).first)
        #expect(line.contains("\u{1B}[2;3mNULL\u{1B}[0m"))
        #expect(line.components(separatedBy: "\u{1B}[2;3mNULL").count == 2, "only the real NULL is styled: \(line)")
    }

    @Test("box without colour (NO_COLOR): NULL still looks different from the text 'NULL'")
    func boxNullIsDistinctWithoutColour() throws {
        let shell = try ShellHarness(ShellHarness.terminal())
        shell.type("SELECT NULL AS a, 'NULL' AS b;")
        let row = try #require(shell.output.text.split(separator: "\n").dropFirst(3).first)
        let cells = row.split(separator: "│").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(cells.count == 2)
        #expect(cells.first != cells.last, "\(row)")
    }

    @Test("table: the same grid in ASCII")
    func table() throws {
        let shell = try ShellHarness(ShellHarness.terminal(), setup: menuSetup)
        shell.type(".mode table")
        shell.type(Self.query)
        #expect(shell.output.text == """
            +----+--------+--------+
            | id | name   | price  |
            +----+--------+--------+
            |  1 | soup   |    4.5 |
            |  2 | (null) |  12.25 |
            | 10 | tea    | (null) |
            +----+--------+--------+
            3 rows

            """)
    }

    @Test("line: one column = value line each, a blank line between rows")
    func line() throws {
        let shell = try ShellHarness(setup: menuSetup)
        shell.type(".mode line")
        shell.type(Self.query)
        #expect(shell.output.text == """
               id = 1
             name = soup
            price = 4.5

               id = 2
             name = 
            price = 12.25

               id = 10
             name = tea
            price = 

            """)
    }

    @Test("list: values separated by |, NULL empty, headers only when on")
    func list() throws {
        let shell = try ShellHarness(setup: menuSetup)
        shell.type(Self.query)
        #expect(shell.take().output == "1|soup|4.5\n2||12.25\n10|tea|\n")
        shell.type(".headers on")
        shell.type(Self.query)
        #expect(shell.take().output == "id|name|price\n1|soup|4.5\n2||12.25\n10|tea|\n")
    }

    @Test("csv: like sqlite3 -csv -header, quoting only what needs it")
    func csv() throws {
        let shell = try ShellHarness(setup: menuSetup)
        shell.type(".mode csv\n.headers on")
        shell.type(Self.query)
        #expect(shell.take().output == "id,name,price\n1,soup,4.5\n2,,12.25\n10,tea,\n")
        shell.type("SELECT 'a,b' AS \"x y\", 'say \"hi\"', '', 'é', 'line\nbreak', ' pad', 1.0e20, 0.1;")
        #expect(shell.take().output == #"""
            "x y","'say ""hi""'","''","'é'","'line
            break'","' pad'",1.0e20,0.1
            "a,b","say ""hi""","","é","line
            break"," pad",1.0e+20,0.1

            """#)
    }

    @Test("json: an array of objects, NULL as null, numbers as numbers")
    func json() throws {
        let shell = try ShellHarness(setup: menuSetup)
        shell.type(".mode json")
        shell.type(Self.query)
        #expect(shell.output.text == """
            [{"id":1,"name":"soup","price":4.5},
            {"id":2,"name":null,"price":12.25},
            {"id":10,"name":"tea","price":null}]

            """)
    }

    @Test("json escapes quotes, backslashes and control characters")
    func jsonEscapes() throws {
        let shell = try ShellHarness()
        shell.type(".mode json")
        shell.type("SELECT 'a\"b\\c' AS \"k\"\"ey\", char(10, 9, 1) AS ctl;")
        #expect(shell.output.text == "[{\"k\\\"ey\":\"a\\\"b\\\\c\",\"ctl\":\"\\n\\t\\u0001\"}]\n")
    }

    @Test("an empty result prints nothing in batch modes")
    func emptyResult() throws {
        let shell = try ShellHarness(setup: menuSetup)
        for mode in ["list", "csv", "json", "line"] {
            shell.type(".mode \(mode)\n.headers off")
            shell.type("SELECT * FROM menu WHERE id < 0;")
            #expect(shell.take().output == "", "mode \(mode)")
        }
    }

    @Test("at a terminal an empty result still shows its columns, and says 0 rows")
    func emptyResultAtTerminal() throws {
        let shell = try ShellHarness(ShellHarness.terminal(), setup: menuSetup)
        shell.type("SELECT id, name FROM menu WHERE id < 0;")
        #expect(shell.output.text == """
            ┌────┬──────┐
            │ id │ name │
            ├────┼──────┤
            └────┴──────┘
            0 rows

            """)
    }

    @Test("wide and unicode text lines up by display width")
    func unicodeWidths() throws {
        let shell = try ShellHarness(ShellHarness.terminal())
        shell.type("SELECT 'crème' AS dish UNION ALL SELECT '寿司' UNION ALL SELECT 'x';")
        let lines = shell.output.text.split(separator: "\n").dropLast()  // the footer
        #expect(Set(lines.map { displayWidth(String($0)) }).count == 1, "\(lines)")
    }

    @Test("control characters in values do not break the grid")
    func controlCharacters() throws {
        let shell = try ShellHarness(ShellHarness.terminal())
        shell.type("SELECT 'a' || char(10) || 'b' || char(9) || 'c' AS v;")
        #expect(shell.output.text.contains("│ a↵b→c │"))
    }
}

@Suite("ShellSession: footers, limits and cutting to the terminal")
struct ShellSessionFooterTests {
    @Test("a terminal shows row counts and changed rows; batch mode shows neither")
    func footers() throws {
        let terminal = try ShellHarness(ShellHarness.terminal(), setup: menuSetup)
        terminal.type(".mode list\n.headers off")
        terminal.type("SELECT id FROM menu;")
        #expect(terminal.take().output == "1\n2\n10\n3 rows\n")
        terminal.type("SELECT 1;")
        #expect(terminal.take().output == "1\n1 row\n")
        terminal.type("UPDATE menu SET price = 5 WHERE id = 1;")
        #expect(terminal.take().output == "1 row updated\n")
        terminal.type("INSERT INTO menu(name) VALUES ('a'), ('b');")
        #expect(terminal.take().output == "2 rows inserted\n")
        terminal.type("DELETE FROM menu WHERE id < 0;")
        #expect(terminal.take().output == "0 rows deleted\n")
        terminal.type("CREATE TABLE other(x);")
        #expect(terminal.take().output == "")

        let batch = try ShellHarness(setup: menuSetup)
        batch.type("SELECT id FROM menu;\nUPDATE menu SET price = 5 WHERE id = 1;\nINSERT INTO menu(name) VALUES ('a');")
        #expect(batch.output.text == "1\n2\n10\n")
    }

    @Test("past the row limit the rest is cut with a notice, and no row count")
    func rowLimit() throws {
        var settings = ShellHarness.terminal()
        settings.mode = .list
        settings.headers = false
        settings.rowLimit = 2
        let shell = try ShellHarness(settings, setup: menuSetup)
        shell.type("SELECT id FROM menu ORDER BY id;")
        #expect(shell.take().output == "1\n2\nShowing the first 2 rows; the rest were cut. Add a LIMIT, or .limit 0 to show everything.\n")
        shell.type("SELECT id FROM menu WHERE id <= 2 ORDER BY id;")
        #expect(shell.take().output == "1\n2\n2 rows\n")
        shell.type(".limit 0")
        shell.type("SELECT id FROM menu ORDER BY id;")
        #expect(shell.take().output == "1\n2\n10\n3 rows\n")
    }

    @Test("the default terminal row limit is 1,000 rows")
    func defaultRowLimit() throws {
        var settings = ShellHarness.terminal()
        settings.mode = .list
        settings.headers = false
        let shell = try ShellHarness(settings)
        shell.type("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000) SELECT x FROM c;")
        let lines = shell.output.text.split(separator: "\n")
        #expect(lines.count == 1001)
        #expect(lines[999] == "1000")
        #expect(lines[1000].hasPrefix("Showing the first 1000 rows"))
    }

    @Test("batch mode has no row limit")
    func batchHasNoLimit() throws {
        let shell = try ShellHarness()
        shell.type("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000) SELECT x FROM c;")
        #expect(shell.output.text.split(separator: "\n").count == 5000)
    }

    @Test("box mode cuts long values to the terminal width, with a notice")
    func boxCutsToWidth() throws {
        let shell = try ShellHarness(ShellHarness.terminal(width: 40))
        let long = String(repeating: "abcdefghij", count: 8)
        shell.type("SELECT 1 AS id, '\(long)' AS description, 'short' AS note;")
        let lines = shell.output.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let grid = lines.filter { $0.hasPrefix("┌") || $0.hasPrefix("│") || $0.hasPrefix("├") || $0.hasPrefix("└") }
        #expect(grid.count == 5)
        for line in grid {
            #expect(displayWidth(line) <= 40, "\(line) is \(displayWidth(line)) columns")
        }
        #expect(grid[3].contains("…"))
        #expect(!shell.output.text.contains(long))
        #expect(lines.contains("Some values were cut to fit the terminal (…). .mode line shows whole values."))
    }

    @Test("columns that cannot fit at all are hidden and named in a notice")
    func boxHidesColumns() throws {
        let shell = try ShellHarness(ShellHarness.terminal(width: 30))
        shell.type("SELECT 'aaaaaaaa' AS one, 'bbbbbbbb' AS two, 'cccccccc' AS three, 'dddddddd' AS four, 'eeeeeeee' AS five;")
        let text = shell.output.text
        for line in text.split(separator: "\n") where line.hasPrefix("│") || line.hasPrefix("┌") {
            #expect(displayWidth(String(line)) <= 30)
        }
        #expect(text.contains("more column(s) did not fit:"))
        #expect(text.contains("five"))
    }

    @Test("a narrow enough result is not cut and gets no notice")
    func boxFitsUncut() throws {
        let shell = try ShellHarness(ShellHarness.terminal(width: 40), setup: menuSetup)
        shell.type("SELECT * FROM menu;")
        #expect(!shell.output.text.contains("…"))
        #expect(!shell.output.text.contains("cut"))
    }
}
