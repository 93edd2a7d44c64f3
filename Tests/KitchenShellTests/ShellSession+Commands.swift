import Foundation
import Testing
import KitchenSQL
@testable import KitchenShell

@Suite("ShellSession: dot-commands from one command table")
struct ShellSessionCommandTests {
    static let tables = """
        CREATE TABLE menu_items(id INTEGER PRIMARY KEY, name TEXT, price REAL, category TEXT);
        CREATE INDEX menu_items_category ON menu_items(category);
        CREATE TABLE orders(id INTEGER PRIMARY KEY, item_id INTEGER, quantity INTEGER);
        """

    @Test("arguments are checked against the command's definition", arguments: [
        (".mode xml", "Error: .mode: xml is not one of box, table, csv, json, line, list; usage: .mode [box|table|csv|json|line|list]"),
        (".headers", "Error: .headers: missing SWITCH; usage: .headers on|off"),
        (".headers on off", "Error: .headers: too many arguments; usage: .headers on|off"),
        (".timer maybe", "Error: .timer: maybe is not one of on, off; usage: .timer on|off"),
        (".eqp", "Error: .eqp: missing SWITCH; usage: .eqp on|off"),
        (".read", "Error: .read: missing FILE; usage: .read FILE"),
        (".limit many", "Error: .limit: ROWS must be a whole number, 0 for no limit"),
        (".timeout 0", "Error: .timeout: SECONDS must be a number between 0 and 600"),
        (".schema nope", "Error: .schema: no table named nope. Tables here: menu_items, orders."),
        (".mod csv", "Error: unknown command .mod. Did you mean .mode? .help lists them all."),
        (".", "Error: a dot-command needs a name; .help lists them"),
    ])
    func argumentErrors(_ line: String, _ message: String) throws {
        let shell = try ShellHarness(setup: Self.tables)
        #expect(shell.session.feed(line: line) == .ready)
        #expect(shell.errors.text == message + "\n")
        #expect(shell.session.failureCount == 1)
        #expect(shell.session.settings == .batch, "a failed command changes nothing")
    }

    @Test("choices are accepted in any case and set the setting")
    func choicesSetSettings() throws {
        let shell = try ShellHarness()
        shell.type(".mode JSON\n.headers ON\n.timer on\n.eqp on")
        #expect(shell.session.settings.mode == .json)
        #expect(shell.session.settings.headers)
        #expect(shell.session.settings.timer)
        #expect(shell.session.settings.showQueryPlan)
        shell.type(".mode")
        #expect(shell.output.text == "current output mode: json\n")
        #expect(shell.session.failureCount == 0)
    }

    @Test(".help lists every command of the table with its usage and summary")
    func helpListsEverything() throws {
        let shell = try ShellHarness()
        shell.type(".help")
        let help = shell.output.text
        #expect(!shell.session.commands.commands.isEmpty)
        for command in shell.session.commands.commands {
            #expect(help.contains(command.usage), "missing \(command.usage)")
            #expect(help.contains(command.summary), "missing summary of .\(command.name)")
        }
        for name in ["help", "tables", "schema", "mode", "headers", "timer", "eqp", "read", "quit"] {
            #expect(help.contains(".\(name)"), "the issue asks for .\(name)")
        }
    }

    @Test(".help follows the table: a command added to it shows up")
    func helpFollowsTable() throws {
        let shell = try ShellHarness()
        shell.session.commands.add(DotCommand("serve", group: "Server", summary: "Start the practice server") { _, _ in .done })
        shell.type(".help")
        #expect(shell.output.text.contains(".serve"))
        #expect(shell.output.text.contains("Start the practice server"))
        #expect(shell.output.text.contains("Server\n"))
        #expect(shell.session.completions(lineBeforeCursor: ".se", word: ".se") == [".serve"])
    }

    @Test(".help at a terminal's width: no line is wider, summaries hang at one column, a long usage gets its own line")
    func helpFitsTheWidth() throws {
        let shell = try ShellHarness()
        var commands = shell.session.commands
        commands.add(DotCommand("load", arguments: [.text("[-n REQUESTS] [-c CONNECTIONS] [-t SECONDS] PATH", rest: true)], group: "Server",
                                summary: "Send many requests at once to a route and show requests per second, errors and latency (p50/p95/p99)") { _, _ in .done })
        let help = BuiltinCommands.help(commands, pattern: nil, style: Style(enabled: false), width: 60)
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { DisplayWidth.of(String($0)) <= 60 }, "\(help)")
        let load = try #require(lines.firstIndex { $0.hasPrefix("  .load ") })
        #expect(lines[load] == "  .load [-n REQUESTS] [-c CONNECTIONS] [-t SECONDS] PATH…", "\(help)")
        let column = 2 + BuiltinCommands.helpUsageColumn + 2
        #expect(lines[load + 1].hasPrefix(String(repeating: " ", count: column) + "Send many requests"), "\(help)")
        let timer = try #require(lines.first { $0.hasPrefix("  .timer ") })
        #expect(timer.dropFirst(column).hasPrefix("Show how long"), "the summary starts at the column: \(timer)")
        // Without a width (batch output), every summary stays whole on one line.
        let batch = BuiltinCommands.help(commands, pattern: nil, style: Style(enabled: false))
        for command in commands.commands { #expect(batch.contains(command.summary)) }
    }

    @Test("exit, quit and help typed alone at a terminal do what they say, as in psql; in a script they are SQL")
    func bareWords() throws {
        let shell = try ShellHarness(ShellHarness.terminal())
        #expect(shell.session.feed(line: "help") == .ready)
        #expect(shell.output.text.contains(".quit"), "help showed the commands: \(shell.output.text)")
        #expect(!shell.session.isContinuing)
        #expect(shell.session.feed(line: "  EXIT;") == .quit)
        #expect(shell.session.feed(line: "quit") == .quit)
        // Inside a statement the word is part of it; in batch mode it is SQL (and fails as SQL).
        #expect(shell.session.feed(line: "SELECT 1 AS") == .needsMore)
        #expect(shell.session.feed(line: "quit") == .needsMore)
        let batch = try ShellHarness()
        #expect(batch.session.feed(line: "exit") == .needsMore)
    }

    @Test(".help PATTERN shows only matching commands")
    func helpPattern() throws {
        let shell = try ShellHarness()
        shell.type(".help mode")
        #expect(shell.output.text.contains(".mode"))
        #expect(!shell.output.text.contains(".tables"))
    }

    @Test(".tables lists tables and views; a pattern filters them")
    func tables() throws {
        let shell = try ShellHarness(setup: Self.tables + "CREATE VIEW cheap AS SELECT * FROM menu_items;")
        shell.type(".tables")
        #expect(shell.take().output == "menu_items  orders      cheap\n")
        shell.type(".tables menu%")
        #expect(shell.take().output == "menu_items\n")
    }

    @Test(".schema shows CREATE statements, of one table with its indexes")
    func schema() throws {
        let shell = try ShellHarness(setup: Self.tables)
        shell.type(".schema menu_items")
        #expect(shell.take().output == """
            CREATE TABLE menu_items(id INTEGER PRIMARY KEY, name TEXT, price REAL, category TEXT);
            CREATE INDEX menu_items_category ON menu_items(category);

            """)
        shell.type(".schema")
        #expect(shell.take().output.components(separatedBy: "CREATE ").count == 4)
    }

    @Test(".eqp on shows the query plan before the results")
    func eqp() throws {
        let shell = try ShellHarness(setup: Self.tables)
        shell.type(".eqp on\nSELECT name FROM menu_items WHERE category = 'x' UNION ALL SELECT 'row';")
        #expect(shell.output.text.hasPrefix("QUERY PLAN\n"))
        #expect(shell.output.text.contains("USING INDEX menu_items_category"))
        #expect(shell.output.text.hasSuffix("row\n"))
    }

    @Test(".timer on prints the time of each statement")
    func timer() throws {
        let shell = try ShellHarness()
        shell.type(".timer on\nSELECT 1;")
        let lines = shell.output.text.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[1].hasPrefix("Time: ") && lines[1].hasSuffix(" ms"))
    }

    @Test(".timeout sets the connection's time limit")
    func timeout() throws {
        let shell = try ShellHarness()
        shell.type(".timeout 7.5")
        #expect(shell.connection.policy.timeLimit == 7.5)
        shell.type(".timeout")
        #expect(shell.output.text == "time limit: 7.5 s\n")
    }

    @Test(".read runs a file's statements and commands; a missing file is an error")
    func read() throws {
        let path = FileManager.default.temporaryDirectory.path + "/kitchen-read-\(UUID().uuidString).sql"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "CREATE TABLE t(a);\nINSERT INTO t\n  VALUES (1), (2);\n.mode csv\nSELECT sum(a) AS total FROM t\n".write(toFile: path, atomically: true, encoding: .utf8)
        let shell = try ShellHarness()
        shell.type(".read '\(path)'")
        #expect(shell.output.text == "3\n")
        #expect(shell.session.settings.mode == .csv)
        #expect(shell.session.failureCount == 0)

        shell.type(".read /nonexistent/kitchen.sql")
        #expect(shell.errors.text == "Error: .read: cannot read /nonexistent/kitchen.sql: No such file or directory\n")
        #expect(shell.session.failureCount == 1)
    }

    @Test(".read of a file that reads itself stops instead of recursing forever")
    func readRecursion() throws {
        let path = FileManager.default.temporaryDirectory.path + "/kitchen-loop-\(UUID().uuidString).sql"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "SELECT 1;\n.read \(path)\n".write(toFile: path, atomically: true, encoding: .utf8)
        let shell = try ShellHarness()
        shell.type(".read \(path)")
        #expect(shell.errors.text.contains("nested too deeply"))
        #expect(shell.output.text.split(separator: "\n").count == 8)
    }
}

@Suite("ShellSession: tab completion")
struct ShellSessionCompletionTests {
    static let tables = """
        CREATE TABLE menu_items(id INTEGER PRIMARY KEY, name TEXT, price REAL);
        CREATE TABLE orders(id INTEGER PRIMARY KEY, item_id INTEGER, quantity INTEGER);
        """

    @Test("dot-command names", arguments: [
        (".mo", [".mode"]), (".ta", [".tables"]), (".he", [".headers", ".help"]), (".e", [".eqp", ".erd", ".exit"]),
        (".zzz", []),
    ])
    func commandNames(_ typed: String, _ expected: [String]) throws {
        let shell = try ShellHarness(setup: Self.tables)
        #expect(shell.session.completions(lineBeforeCursor: typed, word: typed).sorted() == expected)
    }

    @Test("choices of a command's argument")
    func choices() throws {
        let shell = try ShellHarness(setup: Self.tables)
        #expect(shell.session.completions(lineBeforeCursor: ".mode j", word: "j") == ["json"])
        #expect(shell.session.completions(lineBeforeCursor: ".mode l", word: "l").sorted() == ["line", "list"])
        #expect(shell.session.completions(lineBeforeCursor: ".headers o", word: "o").sorted() == ["off", "on"])
        #expect(shell.session.completions(lineBeforeCursor: ".mode ", word: "").count == RenderMode.allCases.count)
        #expect(shell.session.completions(lineBeforeCursor: ".mode json x", word: "x").isEmpty)
    }

    @Test("table names after .schema")
    func schemaTables() throws {
        let shell = try ShellHarness(setup: Self.tables)
        #expect(shell.session.completions(lineBeforeCursor: ".schema me", word: "me") == ["menu_items"])
    }

    @Test("SQL keywords, in the case typed")
    func keywords() throws {
        let shell = try ShellHarness(setup: Self.tables)
        #expect(shell.session.completions(lineBeforeCursor: "SEL", word: "SEL") == ["SELECT"])
        let lower = shell.session.completions(lineBeforeCursor: "sel", word: "sel")
        #expect(lower.map { $0.uppercased() } == ["SELECT"])
        #expect(lower == ["SELECT"])
    }

    @Test("table and column names of the open database")
    func schemaNames() throws {
        let shell = try ShellHarness(setup: Self.tables)
        #expect(shell.session.completions(lineBeforeCursor: "SELECT * FROM men", word: "men") == ["menu_items"])
        #expect(shell.session.completions(lineBeforeCursor: "SELECT pri", word: "pri").contains("price"))
        #expect(shell.session.completions(lineBeforeCursor: "SELECT quan", word: "quan") == ["quantity"])
        #expect(shell.session.completions(lineBeforeCursor: "SELECT * FROM ord", word: "ord").contains("orders"))
    }

    @Test("a table created during the session is completed at once")
    func newTables() throws {
        let shell = try ShellHarness()
        #expect(shell.session.completions(lineBeforeCursor: "SELECT * FROM dish", word: "dish").isEmpty)
        shell.type("CREATE TABLE dishes(x);")
        #expect(shell.session.completions(lineBeforeCursor: "SELECT * FROM dish", word: "dish") == ["dishes"])
    }

    @Test("inside a continued statement a leading . is not a command")
    func continuationIsSQL() throws {
        let shell = try ShellHarness(setup: Self.tables)
        _ = shell.session.feed(line: "SELECT")
        #expect(shell.session.completions(lineBeforeCursor: "qua", word: "qua") == ["quantity"])
    }

    @Test("nothing typed completes to nothing")
    func emptyWord() throws {
        let shell = try ShellHarness(setup: Self.tables)
        #expect(shell.session.completions(lineBeforeCursor: "SELECT ", word: "").isEmpty)
    }
}
