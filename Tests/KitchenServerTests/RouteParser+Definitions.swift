import Testing
@testable import KitchenServer

@Suite("RouteParser: route definitions and mistakes with their positions")
struct RouteParserTests {
    @Test("a one-line route: method, path with a parameter, SQL")
    func oneLine() throws {
        let routes = try RouteParser.parse("route GET /menu/:id = SELECT * FROM menu_items WHERE id = :id")
        #expect(routes.count == 1)
        #expect(routes[0].key == "GET /menu/:id")
        #expect(routes[0].sql == "SELECT * FROM menu_items WHERE id = :id")
        #expect(routes[0].rules.isEmpty && !routes[0].isUnsafe)
    }

    @Test("a block: rules with types, ranges, length, pattern and one-of, then sql")
    func block() throws {
        let routes = try RouteParser.parse("""
            route POST /orders
              required table_no integer 1..12
              optional note text length ..200
              optional code text pattern [A-Z]{3}
              required size text one-of small|large
              sql INSERT INTO orders (table_no) VALUES (:table_no) RETURNING *
            end
            """)
        let rules = try #require(routes.first).rules
        #expect(rules.map(\.name) == ["table_no", "note", "code", "size"])
        #expect(rules[0].required && rules[0].kind == .integer && rules[0].minimum == 1 && rules[0].maximum == 12)
        #expect(!rules[1].required && rules[1].maximumLength == 200 && rules[1].minimumLength == nil)
        #expect(rules[2].pattern == "[A-Z]{3}")
        #expect(rules[3].choices == ["small", "large"])
    }

    @Test("a long statement continues on the lines indented deeper than its sql, owner or login line")
    func continuedStatements() throws {
        let text = """
            route GET /orders/:id/items
              auth
              owner SELECT customer_id
                FROM orders WHERE id = :id
              sql SELECT oi.id, m.name, oi.qty, m.price
                  FROM order_items AS oi JOIN menu_items AS m ON m.id = oi.item_id
                  WHERE oi.order_id = :id ORDER BY oi.id
              limit 10 per minute
            end
            """
        let route = try #require(try RouteParser.parse(text).first)
        #expect(route.sql == "SELECT oi.id, m.name, oi.qty, m.price FROM order_items AS oi JOIN menu_items AS m ON m.id = oi.item_id WHERE oi.order_id = :id ORDER BY oi.id")
        #expect(route.ownerSQL == "SELECT customer_id FROM orders WHERE id = :id")
        // A line at the statement's own depth is a line of the block again (`limit` here is the
        // rate limit, not SQL's LIMIT).
        #expect(route.http.limitPerMinute == 10)
        #expect(route.statementSources.map(\.line) == [3, 5])
        // The source keeps the lines, and reads back as the same route (a saved routes file).
        #expect(route.source.split(separator: "\n").count == 9)
        let again = try #require(try RouteParser.parse(route.source).first)
        #expect(again.sql == route.sql && again.ownerSQL == route.ownerSQL)
        #expect(RouteExport.untranslatedLines(of: route) == ["limit 10 per minute"])
    }

    @Test("a -- comment in a statement on several lines is refused where it is, since joined it would hide the rest")
    func continuedStatementComment() throws {
        let text = "route GET /menu\n  sql SELECT id, name -- the columns\n    FROM menu_items\nend"
        #expect(throws: RouteSyntaxError.self) { try RouteParser.parse(text) }
        do {
            _ = try RouteParser.parse(text)
        } catch let error as RouteSyntaxError {
            #expect(error.line == 2)
            #expect(error.message.contains("/* … */"), "\(error.message)")
        }
        // On one line, a comment at the end hides nothing that matters.
        #expect(try RouteParser.parse("route GET /menu\n  sql SELECT id, name FROM menu_items -- all\nend").first?.sql == "SELECT id, name FROM menu_items -- all")
    }

    @Test("sessions: auth, owner, login and logout lines")
    func sessions() throws {
        let routes = try RouteParser.parse("""
            route POST /login
              required email email
              login SELECT id FROM users WHERE email = :email
            end
            route GET /orders/:id
              auth
              owner SELECT customer_id FROM orders WHERE id = :id
              sql SELECT * FROM orders WHERE id = :id
            end
            route POST /logout
              logout
            end
            """)
        #expect(routes.map(\.key) == ["POST /login", "GET /orders/:id", "POST /logout"])
        #expect(routes[0].loginSQL != nil && routes[1].requiresAuth && routes[1].ownerSQL != nil && routes[2].isLogout)
    }

    /// The mistake `text` makes, as (line, column, message).
    func mistake(_ text: String) throws -> RouteSyntaxError {
        do {
            _ = try RouteParser.parse(text)
        } catch let error as RouteSyntaxError {
            return error
        }
        Issue.record("no mistake reported for: \(text)")
        throw RouteSyntaxError(line: 0, column: 0, message: "", text: "")
    }

    @Test("an unknown method is pointed at")
    func unknownMethod() throws {
        let error = try mistake("route FETCH /menu = SELECT 1")
        #expect(error.line == 1 && error.column == 7)
        #expect(error.message.contains("FETCH is not a method"))
    }

    @Test("a path without / is pointed at")
    func badPath() throws {
        let error = try mistake("route GET menu = SELECT 1")
        #expect(error.line == 1 && error.column == 11)
    }

    @Test("a misspelled block line names its line and column")
    func unknownBlockLine() throws {
        let error = try mistake("route POST /x\n  requird name text\n  sql SELECT 1\nend")
        #expect(error.line == 2 && error.column == 3)
        #expect(error.message.contains("unknown line requird"))
    }

    @Test("a block without end, and a block without sql, are mistakes")
    func unfinishedBlocks() throws {
        #expect(try mistake("route POST /x\n  sql SELECT 1").message.contains("has no end"))
        #expect(try mistake("route POST /x\n  required a text\nend").message.contains("has no sql line"))
    }

    @Test("{name} splices are refused on a safe route, accepted on an unsafe one")
    func splices() throws {
        let error = try mistake("route GET /search = SELECT * FROM t WHERE name = '{name}'")
        #expect(error.message.contains("only allowed on a route marked unsafe"))
        #expect(error.column == 51)
        #expect(try RouteParser.parse("route GET /search unsafe = SELECT * FROM t WHERE name = '{name}'")[0].isUnsafe)
    }

    @Test("a range on text, a bad regular expression and an unknown type are mistakes")
    func badRules() throws {
        #expect(try mistake("route POST /x\n  required a text 1..5\n  sql SELECT 1\nend").message.contains("length MIN..MAX"))
        #expect(try mistake("route POST /x\n  required a text pattern [\n  sql SELECT 1\nend").message.contains("not a valid regular expression"))
        let type = try mistake("route POST /x\n  required a str\n  sql SELECT 1\nend")
        #expect(type.line == 2 && type.column == 14)
    }

    @Test("isComplete waits for end, but not after a one-line route")
    func completeness() {
        #expect(RouteParser.isComplete(["route GET /a = SELECT 1"]))
        #expect(!RouteParser.isComplete(["route POST /a", "  sql SELECT 1"]))
        #expect(RouteParser.isComplete(["route POST /a", "  sql SELECT 1", "end"]))
    }
}
