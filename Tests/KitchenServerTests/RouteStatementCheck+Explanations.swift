import Testing
import KitchenSQL
@testable import KitchenServer
@testable import KitchenServerChecks

/// A route's SQL mistakes shown to the learner: at definition (prepared against the schema, with
/// the position) and when a request makes it fail (explained in the log entry; the client gets a
/// bare 500).
@Suite("RouteStatementCheck: a failing route explained to the learner, not to the client")
struct RouteStatementCheckTests {
    static let schema = """
        CREATE TABLE menu_items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL, discontinued INTEGER NOT NULL DEFAULT 0);
        INSERT INTO menu_items (name, price) VALUES ('Soup', 4.5), ('Tea', 2.0);
        """

    static func database() throws -> Connection {
        let connection = try Connection()
        try connection.trusted { try connection.execute(schema) }
        return connection
    }

    @Test("an unknown column is reported at definition, with the caret under it in the typed line and a did-you-mean")
    func unknownColumnAtDefinition() throws {
        let line = "route GET /menu = SELECT id, name, price FROM menu_items WHERE discontinue = 0"
        let definition = try #require(try RouteParser.parse(line).first)
        let problem = try #require(RouteStatementCheck.problem(in: definition, on: try Self.database()))
        #expect(problem.lines[0] == "in the route GET /menu, no such column: discontinue")
        #expect(problem.lines[1] == "  " + line)
        let caret = try #require(problem.lines[2].firstIndex(of: "^")).utf16Offset(in: problem.lines[2])
        #expect(problem.lines[1].dropFirst(caret).hasPrefix("discontinue = 0"), "\(problem.lines)")
        #expect(problem.lines.contains("Did you mean discontinued?"))
        #expect(problem.lines.contains { $0.hasPrefix("Columns of menu_items: id, name, price, discontinued") })
    }

    @Test("in a block, the line number and the column point into the sql line as typed")
    func blockPosition() throws {
        let text = """
            route POST /menu
              required name text
              sql INSERT INTO menu_itemz (name) VALUES (:name)
            end
            """
        let definition = try #require(try RouteParser.parse(text).first)
        let problem = try #require(RouteStatementCheck.problem(in: definition, on: try Self.database(), multiline: true))
        #expect(problem.lines[0] == "in the route POST /menu, no such table: menu_itemz")
        #expect(problem.lines[1] == "  line 3:   sql INSERT INTO menu_itemz (name) VALUES (:name)")
        let caret = try #require(problem.lines[2].firstIndex(of: "^")).utf16Offset(in: problem.lines[2])
        #expect(problem.lines[1].dropFirst(caret).hasPrefix("menu_itemz"), "\(problem.lines)")
        #expect(problem.lines.contains("Did you mean menu_items?"))
    }

    @Test("a correct route, an owner line and an unsafe route's {splices} pass the check")
    func correctRoutesPass() throws {
        let connection = try Self.database()
        let routes = try RouteParser.parse("""
            route GET /menu/:id = SELECT id, name FROM menu_items WHERE id = :id
            route GET /search unsafe = SELECT id FROM menu_items WHERE name = '{q}' OR id = {n}
            """)
        for definition in routes {
            #expect(RouteStatementCheck.problem(in: definition, on: connection) == nil, "\(definition.key)")
        }
        #expect(RouteStatementCheck.blankingSplices("a = '{q}' OR id = {n}") == "a = '0  ' OR id = 0  ")
    }

    @Test("a syntax error in the sql is reported at definition too")
    func syntaxError() throws {
        let definition = try #require(try RouteParser.parse("route GET /x = SELECT name, FROM menu_items").first)
        let problem = try #require(RouteStatementCheck.problem(in: definition, on: try Self.database()))
        #expect(problem.lines[0].hasPrefix("in the route GET /x, near \"FROM\": syntax error"))
        #expect(problem.lines.contains { $0.contains("comma just before FROM") })
    }

    @Test("a route failing on a request: the client gets a 500 without internals, the log entry explains it")
    func runtimeFailureIsLogged() async throws {
        let database = try Self.database()
        // An unsafe route fails at run time when the spliced input breaks the SQL.
        let server = InProcessServer(database: database, spec: nil,
                                     extraRoutes: try RouteParser.parse("route GET /search unsafe = SELECT id FROM menu_items WHERE name = '{q}'"))
        guard case .complete(let request) = PromptRequestParser.parse(["GET /search q==\"O'Brien\""]) else {
            Issue.record("not a request")
            return
        }
        let entry = try #require(try await onOwnThread { try server.send([request]).first })
        #expect(entry.status == 500)
        let body = String(decoding: entry.responseBody, as: UTF8.self)
        #expect(!body.contains("syntax error") && !body.contains("SELECT"), "the client sees no SQL: \(body)")
        let explanation = try #require(entry.explanation)
        #expect(explanation[0] == "the route GET /search failed: near \"Brien\": syntax error", "\(explanation)")
        #expect(explanation[1] == "  SELECT id FROM menu_items WHERE name = 'O'Brien'")
        #expect(explanation[2].hasSuffix("^") && explanation[2].count == explanation[1].firstRange(of: "Brien")!.lowerBound.utf16Offset(in: explanation[1]) + 1)
    }

    @Test("a constraint failure stays a 409 or 422 and needs no explanation")
    func constraintsKeepTheirStatus() async throws {
        let server = InProcessServer(database: try Self.database(), spec: nil,
                                     extraRoutes: try RouteParser.parse("route POST /menu = INSERT INTO menu_items (name) VALUES (:name) RETURNING id"))
        guard case .complete(let request) = PromptRequestParser.parse(["POST /menu price:=3"]) else { return }
        let entry = try #require(try await onOwnThread { try server.send([request]).first })
        #expect(entry.status == 422)
        #expect(entry.explanation == nil)
    }
}
