import KitchenLessons
import KitchenServerChecks
import KitchenSQL
import Testing
@testable import KitchenServer

/// The route lines of "The web half, part 2" answered in process by the real responder, on a
/// fresh database each time: mass assignment and its demonstration, one object, several
/// statements in one transaction, HTML through Mustache, and secrets.
@Suite("LearnerRoute: inputs, one object, several statements, HTML and secrets")
struct LearnerRouteOptionTests {
    static let schema = """
        CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, role TEXT NOT NULL DEFAULT 'customer', password_hash TEXT NOT NULL);
        CREATE TABLE orders (id INTEGER PRIMARY KEY, table_no INTEGER NOT NULL, customer_id INTEGER);
        CREATE TABLE order_items (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id), item TEXT NOT NULL, qty INTEGER NOT NULL CHECK (qty > 0));
        CREATE TABLE reviews (id INTEGER PRIMARY KEY, author TEXT NOT NULL, body TEXT NOT NULL);
        CREATE TABLE tokens (id INTEGER PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO users (email, name, password_hash) VALUES ('ann@example.com', 'Ann', bcrypt_hash('secret-1')), ('bob@example.com', 'Bob', bcrypt_hash('secret-2'));
        INSERT INTO orders (table_no, customer_id) VALUES (4, 1);
        INSERT INTO reviews (author, body) VALUES ('Ann', 'Lovely soup'), ('Mallory', '<script>alert(1)</script>');
        """

    static let routes = """
        route POST /login
          required email email
          required password text
          login SELECT id FROM users WHERE email = :email AND bcrypt_verify(:password, password_hash)
        end
        route PATCH /me
          auth
          optional name text length 1..40
          sql UPDATE users SET name = coalesce(:name, name) WHERE id = :current_user_id RETURNING id, name, role
        end
        route PATCH /careless/me
          auth
          bind-undeclared
          optional name text length 1..40
          sql UPDATE users SET name = coalesce(:name, name), role = coalesce(:role, role) WHERE id = :current_user_id RETURNING id, name, role
        end
        route GET /me
          auth
          one
          sql SELECT id, name FROM users WHERE id = :current_user_id
        end
        route GET /latest-review
          one
          sql SELECT id, author FROM reviews WHERE author = :author ORDER BY id DESC LIMIT 1
          optional author text
        end
        route POST /orders
          required table_no integer
          required item text
          required qty integer
          respond INSERT INTO orders (table_no) VALUES (:table_no) RETURNING id, table_no
          sql INSERT INTO order_items (order_id, item, qty) VALUES (last_insert_rowid(), :item, :qty)
        end
        route GET /reviews
          html <ul>{{#rows}}<li>{{author}}: {{body}}</li>{{/rows}}</ul><p>{{count}} reviews</p>
          sql SELECT author, body FROM reviews ORDER BY id
        end
        route GET /raw-reviews
          html <ul>{{#rows}}<li>{{author}}: {{{body}}}</li>{{/rows}}</ul>
          sql SELECT author, body FROM reviews ORDER BY id
        end
        route GET /reviews/:id
          html <h1>{{author}}</h1><p>{{&body}}</p>
          sql SELECT author, body FROM reviews WHERE id = :id
        end
        route GET /admin/orders
          secret admin_token
          required token text
          sql SELECT id, table_no FROM orders WHERE :token = :admin_token
        end
        route POST /tokens
          secret admin_token
          sql INSERT INTO tokens (value) VALUES (:admin_token) RETURNING *
        end
        route GET /unset
          secret never_set
          sql SELECT 1 AS one WHERE :never_set IS NOT NULL
        end
        """

    static let token = "kitchen-admin-7f3a9c"

    let server: InProcessServer

    init() throws {
        let database = try Connection()
        try BcryptFunctions.install(on: database)
        try database.trusted { try database.execute(Self.schema) }
        var spec = ServerSpec(inspection: false)
        spec.secrets = ["admin_token": Self.token]
        server = InProcessServer(database: database, spec: spec, extraRoutes: try RouteParser.parse(Self.routes))
    }

    func send(_ line: String, headers: [PromptRequest.Header] = []) async throws -> LoggedRequest {
        guard case .complete(var request) = PromptRequestParser.parse([line, ""]) else {
            Issue.record("not a request: \(line)")
            throw HTTPAnswer.Problem(description: line)
        }
        request.headers += headers
        let server = self.server
        let sent = request
        return try #require(try await onOwnThread { try server.send([sent]).first })
    }

    func rows(_ sql: String) throws -> [[DatabaseValue]] {
        try server.withConnection { try $0.fetchAll(sql) }
    }

    func json(_ entry: LoggedRequest) -> JSONValue? { try? JSONValue.parse(entry.responseBody) }
    func text(_ entry: LoggedRequest) -> String { String(decoding: entry.responseBody, as: UTF8.self) }

    func login() async throws -> PromptRequest.Header {
        let login = try await send(#"POST /login {"email": "ann@example.com", "password": "secret-1"}"#)
        let token = try #require(json(login)?["token"]?.stringValue)
        return PromptRequest.Header(name: "Authorization", value: "Bearer " + token)
    }

    @Test("an undeclared body field binds nothing; bind-undeclared lets it reach the column, and says so in a header")
    func massAssignment() async throws {
        let bearer = try await login()
        let safe = try await send(#"PATCH /me {"name": "Annie", "role": "admin"}"#, headers: [bearer])
        #expect(safe.status == 200)
        #expect(json(safe)?["role"] == .string("customer"))
        #expect(try rows("SELECT name, role FROM users WHERE id = 1") == [[.text("Annie"), .text("customer")]])
        #expect(!safe.responseHeaders.contains { $0.name == "X-Kitchen-Unsafe" })

        let careless = try await send(#"PATCH /careless/me {"role": "admin"}"#, headers: [bearer])
        #expect(careless.status == 200)
        #expect(try rows("SELECT role FROM users WHERE id = 1") == [[.text("admin")]], "the exploit works on the demonstration route")
        #expect(careless.responseHeaders.contains { $0.name == "X-Kitchen-Unsafe" && $0.value == "bind-undeclared" })
        // The session's user id cannot be overridden from the body, even there.
        _ = try await send(#"PATCH /careless/me {"name": "Mallory", "current_user_id": 2}"#, headers: [bearer])
        #expect(try rows("SELECT name FROM users ORDER BY id") == [[.text("Mallory")], [.text("Bob")]])
    }

    @Test("one: a GET without a trailing parameter answers an object, and 404 when there is no row")
    func oneObject() async throws {
        let bearer = try await login()
        let me = try await send("GET /me", headers: [bearer])
        #expect(me.status == 200)
        #expect(json(me) == .object([("id", .integer(1)), ("name", .string("Ann"))]))
        #expect(try await send("GET /latest-review?author=Ann").status == 200)
        #expect(json(try await send("GET /latest-review?author=Ann"))?["author"] == .string("Ann"))
        let none = try await send("GET /latest-review?author=Nobody")
        #expect(none.status == 404)
        #expect(json(none)?["error"] == .string("nothing at /latest-review"))
    }

    @Test("several statements: an order and its line land together, the response is the respond statement's row")
    func severalStatements() async throws {
        let created = try await send(#"POST /orders {"table_no": 7, "item": "Soup", "qty": 2}"#)
        #expect(created.status == 201)
        #expect(json(created) == .object([("id", .integer(2)), ("table_no", .integer(7))]))
        #expect(created.responseHeaders.first { $0.name == "Location" }?.value == "/orders/2", "the rowid of the respond statement, not of the last insert")
        #expect(try rows("SELECT order_id, item, qty FROM order_items") == [[.integer(2), .text("Soup"), .integer(2)]])
    }

    @Test("several statements: a failure in the second rolls the first back (all or nothing)")
    func rollback() async throws {
        let refused = try await send(#"POST /orders {"table_no": 8, "item": "Soup", "qty": 0}"#)
        #expect(refused.status == 422, "the CHECK on qty refuses the line")
        #expect(try rows("SELECT count(*) FROM orders") == [[.integer(1)]], "the order of the failed request is gone too")
        #expect(try rows("SELECT count(*) FROM order_items") == [[.integer(0)]])
        // The connection is usable and not stuck in a transaction.
        #expect(try await send(#"POST /orders {"table_no": 8, "item": "Soup", "qty": 1}"#).status == 201)
        #expect(try rows("SELECT count(*) FROM orders") == [[.integer(2)]])
        #expect(try server.withConnection { $0.isAutocommit })
    }

    @Test("html: text/html through the template, stored <script> escaped by {{…}}, raw only with {{{…}}} or {{&…}}")
    func html() async throws {
        let page = try await send("GET /reviews")
        #expect(page.status == 200)
        #expect(page.responseHeaders.first { $0.name == "Content-Type" }?.value == "text/html; charset=utf-8")
        #expect(text(page) == "<ul><li>Ann: Lovely soup</li><li>Mallory: &lt;script&gt;alert(1)&lt;/script&gt;</li></ul><p>2 reviews</p>")
        let raw = try await send("GET /raw-reviews")
        #expect(text(raw).contains("<li>Mallory: <script>alert(1)</script></li>"))
        let item = try await send("GET /reviews/2")
        #expect(text(item) == "<h1>Mallory</h1><p><script>alert(1)</script></p>")
        #expect(try await send("GET /reviews/99").status == 404)
    }

    @Test("a secret binds from the server's secrets and compares; a response never shows its value")
    func secrets() async throws {
        let allowed = try await send("GET /admin/orders?token=\(Self.token)")
        #expect(allowed.status == 200)
        #expect(json(allowed) == .array([.object([("id", .integer(1)), ("table_no", .integer(4))])]))
        #expect(json(try await send("GET /admin/orders?token=guess-guess")) == .array([]))
        // A route that stores the secret and returns the row: the definition check cannot see
        // through RETURNING *, so the response is masked on its way out.
        let stored = try await send("POST /tokens")
        #expect(stored.status == 201)
        #expect(try rows("SELECT value FROM tokens") == [[.text(Self.token)]])
        #expect(!text(stored).contains(Self.token))
        #expect(json(stored)?["value"] == .string("[secret ADMIN_TOKEN]"))
    }

    @Test("a cache line's ETag is computed from the masked body: it tells nothing about the secret")
    func etagOfMaskedBody() async throws {
        var tags: [String] = []
        for value in ["first-secret-value", "other-secret-value"] {
            let database = try Connection()
            try database.trusted { try database.execute("CREATE TABLE tokens (value TEXT); INSERT INTO tokens VALUES ('\(value)')") }
            var spec = ServerSpec(inspection: false)
            spec.secrets = ["admin_token": value]
            let routes = try RouteParser.parse("route GET /tokens\n  cache 60\n  sql SELECT value FROM tokens\nend")
            let server = InProcessServer(database: database, spec: spec, extraRoutes: routes)
            let entry = try #require(try await onOwnThread { try server.send([PromptRequest(method: "GET", target: "/tokens", headers: [], body: nil)]).first })
            #expect(String(decoding: entry.responseBody, as: UTF8.self) == "[{\"value\":\"[secret ADMIN_TOKEN]\"}]\n")
            tags.append(try #require(entry.responseHeaders.first { $0.name == "ETag" }?.value))
        }
        #expect(tags[0] == tags[1], "the same masked body, the same tag, whatever the secret: \(tags)")
    }

    @Test("a secret with no value answers 500, and the learner is told where to set it")
    func missingSecret() async throws {
        let failed = try await send("GET /unset")
        #expect(failed.status == 500)
        #expect(!text(failed).contains("KITCHEN_SECRET"), "the client learns nothing")
        let explanation = try #require(failed.explanation).joined(separator: "\n")
        #expect(explanation.contains("KITCHEN_SECRET_NEVER_SET"), "\(explanation)")
    }

    @Test("ServerSecrets: the environment wins over the lesson; values shorter than 8 characters are refused; masks cover URL forms")
    func secretStore() {
        let secrets = ServerSecrets(configured: ["partner_key": "from-the-lesson", "pin": "1234"],
                                    environment: ["KITCHEN_SECRET_PARTNER_KEY": "from the environment", "HOME": "/root"])
        #expect(secrets.lookup("partner_key") == .value("from the environment"))
        #expect(secrets.lookup("pin") == .tooShort)
        #expect(secrets.lookup("home") == .missing)
        #expect(secrets.mask("GET /x?k=from%20the%20environment and from the environment") == "GET /x?k=[secret PARTNER_KEY] and [secret PARTNER_KEY]")
        #expect(secrets.mask("1234 stays") == "1234 stays")
    }
}
