import Foundation
import Testing
@testable import KitchenServer

/// What the exporters write, read as text: parameters found outside literals and comments, a
/// line the export does not know kept as a comment, and the commands that print the app.
@Suite("route export: the source written, and the commands")
struct RouteExportSourceTests {
    @Test("parameters: named ones in order of first use; none from string literals, quoted names or comments")
    func parameterNames() {
        let sql = "SELECT ':no', \"@no\" FROM t WHERE a = :a AND b = @b -- :comment\n AND c = $c AND a2 = :a /* :no */ AND d = [:no]"
        #expect(RouteExport.parameterNames(in: sql) == ["a", "b", "c"])
        #expect(RouteExport.parameterNames(in: "SELECT 1") == [])
    }

    @Test("a block line the export does not know is written into both apps as NOT TRANSLATED, never dropped")
    func unknownLinesKept() throws {
        var definition = try #require(try RouteParser.parse("route GET /menu/:id\n  sql SELECT id FROM menu_items WHERE id = :id\nend").first)
        definition.source = "route GET /menu/:id\n  cache 60\n  sql SELECT id FROM menu_items WHERE id = :id\nend"
        #expect(RouteExport.untranslatedLines(of: definition) == ["cache 60"])
        for framework in RouteExport.Framework.allCases {
            let source = RouteExport.source(of: [definition], for: framework)
            #expect(source.contains("NOT TRANSLATED (the export does not know this line yet): cache 60"), "\(framework)")
            #expect(source.contains("Kitchen: route GET /menu/:id"), "\(framework)")
        }
    }

    @Test("Flask: rules become Field(…) lines, parameters are bound by name, sessions and bcrypt appear only when used")
    func flaskShape() throws {
        let routes = try RouteParser.parse("""
            route POST /orders
              required table_no integer 1..12
              optional note text length ..200
              optional size text one-of small|large
              optional ordered_at date
              sql INSERT INTO orders (table_no, ordered_at) VALUES (:table_no, :ordered_at) RETURNING *
            end
            """)
        let source = RouteExport.source(of: routes, for: .flask)
        #expect(source.contains(#"@app.post("/orders")"#))
        #expect(source.contains(#"Field("table_no", "integer", required=True, minimum=1, maximum=12),"#))
        #expect(source.contains(#"Field("note", "text", max_length=200),"#))
        #expect(source.contains(#"Field("size", "text", one_of=["small", "large"]),"#))
        #expect(source.contains(#"bind(values, "table_no", "ordered_at")"#))
        #expect(!source.contains("SESSIONS") && !source.contains("import bcrypt"))
        let login = try RouteParser.parse("route POST /login\n  required email email\n  required password text\n  login SELECT id FROM users WHERE email = :email AND bcrypt_verify(:password, password_hash)\nend")
        let withSessions = RouteExport.source(of: login, for: .flask)
        #expect(withSessions.contains("SESSIONS = {}") && withSessions.contains("import bcrypt"))
        #expect(withSessions.contains(#"g.db.create_function("bcrypt_verify", 2, bcrypt_verify)"#))
    }

    @Test("an unsafe route is exported unsafe, and says so where it splices")
    func unsafeSaysSo() throws {
        let routes = try RouteParser.parse("route GET /search unsafe = SELECT id FROM menu_items WHERE name = '{name}'")
        for framework in RouteExport.Framework.allCases {
            #expect(RouteExport.source(of: routes, for: framework).contains("UNSAFE: input pasted into the SQL text; never do this"), "\(framework)")
        }
    }
}

@Suite("kitchen routes export and .routes export through the binary", .enabled(if: Tools.kitchen != nil, "needs the kitchen binary"))
struct KitchenRoutesExportTests {
    @Test("kitchen routes export flask FILE prints the app; a bad file exits 2, a bad framework 64", .timeLimit(.scaledMinutes(1)))
    func commandLine() throws {
        let home = try TemporaryFolder()
        defer { home.remove() }
        try "route GET /menu = SELECT id, name FROM menu_items\n".write(toFile: home.file("my.routes"), atomically: true, encoding: .utf8)
        let flask = try KitchenPromptHTTPTests.kitchen(["routes", "export", "flask", home.file("my.routes")], input: "", home: home)
        #expect(flask.status == 0, "\(flask.stderr)")
        #expect(flask.stdout.contains(#"@app.get("/menu")"#) && flask.stdout.contains("from flask import"), "\(flask.stdout)")
        let express = try KitchenPromptHTTPTests.kitchen(["routes", "export", "express", home.file("my.routes")], input: "", home: home)
        #expect(express.status == 0 && express.stdout.contains("app.get(\"/menu\""), "\(express.stdout)\(express.stderr)")
        try "route GET /menu SELECT 1\n".write(toFile: home.file("bad.routes"), atomically: true, encoding: .utf8)
        let bad = try KitchenPromptHTTPTests.kitchen(["routes", "export", "flask", home.file("bad.routes")], input: "", home: home)
        #expect(bad.status == 2 && bad.stderr.contains("bad.routes: line 1"), "\(bad.status) \(bad.stderr)")
        let unknown = try KitchenPromptHTTPTests.kitchen(["routes", "export", "django", home.file("my.routes")], input: "", home: home)
        #expect(unknown.status == 64, "\(unknown.status) \(unknown.stderr)")
    }

    @Test(".routes export flask at the prompt prints the routes being served; kitchen routes export --lesson prints the saved ones", .timeLimit(.scaledMinutes(1)))
    func atThePrompt() throws {
        let home = try TemporaryFolder()
        defer { home.remove() }
        let output = try KitchenPromptHTTPTests.kitchen([], input: """
            .lesson routes
            .routes export flask
            route GET /menu = SELECT id, name, price FROM menu_items WHERE discontinued = 0 ORDER BY id
            .routes export express
            .help routes
            """, home: home)
        #expect(output.stderr.contains("no routes to export yet") == false, "the lesson's own /dishes route is exported: \(output.stderr)")
        #expect(output.stdout.contains(#"@app.get("/dishes")"#), "\(output.stdout)")
        #expect(output.stdout.contains(#"app.get("/menu", (req, res) => {"#), "\(output.stdout)")
        #expect(output.stdout.contains(".routes [export] [flask|express]"), "\(output.stdout)")
        let saved = try KitchenPromptHTTPTests.kitchen(["routes", "export", "flask", "--lesson", "routes"], input: "", home: home)
        #expect(saved.status == 0, "\(saved.stderr)")
        #expect(saved.stdout.contains(#"@app.get("/menu")"#) && saved.stdout.contains(#"@app.get("/dishes")"#), "\(saved.stdout)")
    }

    @Test("with no routes yet, .routes export suggests a first route on a table of the open database, not of one dataset", .timeLimit(.scaledMinutes(1)))
    func nothingToExport() throws {
        let home = try TemporaryFolder()
        defer { home.remove() }
        let output = try KitchenPromptHTTPTests.kitchen([], input: ".lesson select-basics\n.routes export flask\n", home: home)
        #expect(output.stderr.contains("no routes to export yet: write one first, e.g. route GET /categories = SELECT * FROM categories"), "\(output.stderr)")
        #expect(!output.stderr.contains("menu_items"), "\(output.stderr)")
    }
}
