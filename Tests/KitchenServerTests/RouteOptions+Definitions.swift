import Foundation
import Testing
@testable import KitchenServer

/// The route lines of "The web half, part 2" as the parser reads them: inputs, secrets, one
/// object, several statements, HTML — and the mistakes each one refuses, with their positions.
@Suite("RouteParser: inputs, secrets, one, several statements and html lines")
struct RouteOptionsDefinitionTests {
    func refusal(_ text: String) -> RouteSyntaxError? {
        do {
            _ = try RouteParser.parse(text)
            return nil
        } catch let error as RouteSyntaxError {
            return error
        } catch {
            Issue.record("not a syntax error: \(error)")
            return nil
        }
    }

    static let massAssignment = """
        route POST /accounts
          required name text length 1..40
          sql INSERT INTO accounts (name, role) VALUES (:name, coalesce(:role, 'customer')) RETURNING id, name, role
        end
        """

    @Test("a block whose SQL names a parameter nothing binds is refused, pointing at the parameter")
    func undeclaredParameterRefused() throws {
        let error = try #require(refusal(Self.massAssignment))
        #expect(error.message.contains("the SQL names :role, but nothing binds it"), "\(error.message)")
        #expect(error.line == 3)
        let column = error.text.distance(from: error.text.startIndex, to: try #require(error.text.range(of: ":role")).lowerBound) + 1
        #expect(error.column == column, "the caret stands under :role")
    }

    @Test("bind-undeclared brings the old rule back for that route only")
    func bindUndeclaredAccepted() throws {
        let routes = try RouteParser.parse(Self.massAssignment.replacingOccurrences(of: "  sql INSERT", with: "  bind-undeclared\n  sql INSERT"))
        #expect(routes.first?.options.bindsUndeclared == true)
        #expect(refusal("route GET /x\n  bind-undeclared now\n  sql SELECT 1\nend")?.message == "bind-undeclared takes nothing after it")
    }

    @Test("declared inputs, path parameters, secrets and :current_user_id on auth routes bind; a one-line route's parameters are its inputs")
    func whatBinds() throws {
        let routes = try RouteParser.parse("""
            route PATCH /notes/:id
              auth
              secret signing_key
              optional body text
              sql UPDATE notes SET body = coalesce(:body, body), sig = :signing_key WHERE id = :id AND owner_id = :current_user_id
            end
            route GET /find = SELECT id FROM notes WHERE body = :q AND stars >= :stars
            """)
        #expect(routes.count == 2)
        #expect(RouteInputs.bindableNames(routes[0]) == ["id", "body", "signing_key", "current_user_id"])
        let everything: [String: JSONValue] = ["id": .integer(1), "body": .string("b"), "role": .string("admin"), "current_user_id": .integer(9)]
        #expect(Set(RouteInputs.bindable(everything, for: routes[0]).keys) == ["id", "body", "current_user_id"])
        #expect(Set(RouteInputs.bindable(everything, for: routes[1]).keys) == Set(everything.keys), "a one-line route binds what its SQL names")
    }

    @Test(":current_user_id without auth, and a nameless ?, are refused in both forms")
    func reservedAndPositional() throws {
        let oneLine = try #require(refusal("route GET /mine = SELECT * FROM orders WHERE customer_id = :current_user_id"))
        #expect(oneLine.message.contains("bound only on a route with auth"), "\(oneLine.message)")
        #expect(oneLine.column == 60, "under the colon of :current_user_id")
        let block = try #require(refusal("route GET /mine\n  sql SELECT * FROM orders WHERE customer_id = :current_user_id\nend"))
        #expect(block.line == 2 && block.message.contains("add a line auth"))
        let positional = try #require(refusal("route GET /menu/:id = SELECT * FROM menu_items WHERE id = ?"))
        #expect(positional.message.hasPrefix("? is a parameter without a name"))
        // A parameter-like text inside a string or a comment is no parameter.
        #expect(refusal("route GET /t\n  sql SELECT ':nope', \"@x\" FROM t -- :neither\nend") == nil)
    }

    @Test("one answers one object on GET only")
    func one() throws {
        let routes = try RouteParser.parse("route GET /me\n  auth\n  one\n  sql SELECT id FROM users WHERE id = :current_user_id\nend")
        #expect(routes.first?.options.answersOne == true)
        #expect(refusal("route POST /x\n  one\n  sql SELECT 1\nend")?.message == "one applies to GET routes; POST already answers one object")
    }

    @Test("several statements need one respond line, which becomes the route's sql")
    func severalStatements() throws {
        let routes = try RouteParser.parse("""
            route POST /orders
              required table_no integer 1..12
              required item_id integer
              respond INSERT INTO orders (table_no, ordered_at) VALUES (:table_no, '2024-05-01 12:00') RETURNING *
              sql INSERT INTO order_items (order_id, item_id, qty) VALUES (last_insert_rowid(), :item_id, 1)
            end
            """)
        let route = try #require(routes.first)
        #expect(route.options.statements.count == 2 && route.options.responseIndex == 0)
        #expect(route.sql?.hasPrefix("INSERT INTO orders") == true)
        #expect(route.statementSources.map(\.line) == [4, 5])
        let unmarked = try #require(refusal("route POST /x\n  sql INSERT INTO a VALUES (1)\n  sql INSERT INTO b VALUES (2)\nend"))
        #expect(unmarked.message.contains("runs 2 statements: write the one whose result is the response as respond"), "\(unmarked.message)")
        #expect(refusal("route POST /x\n  respond SELECT 1\n  respond SELECT 2\nend")?.message == "a route has one respond line; this is a second one")
    }

    @Test("a secret may be compared or stored, never returned, and never comes from the request")
    func secrets() throws {
        let compared = try RouteParser.parse("route GET /admin/orders\n  secret admin_token\n  required token text\n  sql SELECT id FROM orders WHERE :token = :admin_token\nend")
        #expect(compared.first?.options.secrets == ["admin_token"])
        for returning in ["SELECT id, :admin_token AS t FROM orders",
                          "SELECT id, (SELECT upper(:admin_token)) FROM orders",
                          "WITH k AS (SELECT :admin_token AS v) SELECT * FROM k",
                          "INSERT INTO log (v) VALUES (1) RETURNING id, :admin_token"] {
            let error = try #require(refusal("route GET /leak\n  secret admin_token\n  sql \(returning)\nend"), "\(returning)")
            #expect(error.message.contains("would send the secret :admin_token back to the client"), "\(error.message)")
            #expect(error.line == 3)
        }
        #expect(refusal("route GET /ok\n  secret admin_token\n  sql SELECT id FROM orders WHERE id IN (SELECT order_id FROM tokens WHERE value = :admin_token)\nend") == nil)
        #expect(refusal("route POST /x\n  secret key\n  required key text\n  sql SELECT :key\nend")?.message.contains("both as a secret and as an input") == true)
        #expect(refusal("route GET /x\n  secret bad-name\n  sql SELECT 1\nend")?.message.hasPrefix("secret takes one name") == true)
    }

    @Test("html lines make an escaped-by-default template; a broken template or a pragma is refused")
    func html() throws {
        let routes = try RouteParser.parse("route GET /page\n  html <ul>{{#rows}}\n  html <li>{{name}}</li>{{/rows}}</ul>\n  sql SELECT name FROM menu_items\nend")
        #expect(routes.first?.options.template == "<ul>{{#rows}}\n<li>{{name}}</li>{{/rows}}</ul>")
        #expect(refusal("route POST /page\n  html <p>x</p>\n  sql SELECT 1\nend")?.message.hasPrefix("html applies to GET routes") == true)
        let broken = try #require(refusal("route GET /page\n  html {{#rows}}<li>{{name}}</li>{{/row}}\n  sql SELECT 1\nend"))
        #expect(broken.message.contains("closed with another name"), "\(broken.message)")
        #expect(broken.line == 2 && broken.text.hasPrefix("  html {{#rows}}"), "the error points at the html line")
        #expect(broken.column > 8 && broken.column <= broken.text.count + 1, "\(broken.column)")
        #expect(refusal("route GET /page\n  html {{%CONTENT_TYPE: TEXT}}{{name}}\n  sql SELECT 1\nend")?.message.contains("pragmas are not available") == true)
    }
}
