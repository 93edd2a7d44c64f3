import KitchenServerChecks
import KitchenSQL
import Testing
@testable import KitchenServer

/// Learner routes answered in process by the real responder, on a fresh database each time.
@Suite("LearnerRoute: parameters, rules, status codes and sessions")
struct LearnerRouteTests {
    static let schema = """
        CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, password_hash TEXT NOT NULL);
        CREATE TABLE notes (id INTEGER PRIMARY KEY, owner_id INTEGER NOT NULL REFERENCES users(id), body TEXT NOT NULL, stars INTEGER CHECK (stars BETWEEN 0 AND 5));
        INSERT INTO users (email, name, password_hash) VALUES
          ('ann@example.com', 'Ann', bcrypt_hash('secret-1')), ('bob@example.com', 'Bob', bcrypt_hash('secret-2'));
        INSERT INTO notes (owner_id, body, stars) VALUES (1, 'Ann''s note', 3), (2, 'Bob''s note', 4);
        """

    static let routes = """
        route GET /notes/:id = SELECT id, body FROM notes WHERE id = :id
        route GET /search unsafe = SELECT id, body FROM notes WHERE body = '{q}'
        route GET /find = SELECT id, body FROM notes WHERE body = :q
        route DELETE /notes/:id = DELETE FROM notes WHERE id = :id
        route POST /notes
          required body text length 1..100
          optional stars integer 0..5
          sql INSERT INTO notes (owner_id, body, stars) VALUES (1, :body, :stars) RETURNING id, body, stars
        end
        route POST /users
          required email email
          required name text
          required password text length 8..
          sql INSERT INTO users (email, name, password_hash) VALUES (:email, :name, bcrypt_hash(:password)) RETURNING id, email
        end
        route POST /login
          required email email
          required password text
          login SELECT id FROM users WHERE email = :email AND bcrypt_verify(:password, password_hash)
        end
        route GET /me
          auth
          sql SELECT id, name FROM users WHERE id = :current_user_id
        end
        route GET /my/notes/:id
          auth
          owner SELECT owner_id FROM notes WHERE id = :id
          sql SELECT id, body FROM notes WHERE id = :id
        end
        route POST /logout
          logout
        end
        """

    let server: InProcessServer

    init() throws {
        let database = try Connection()
        try BcryptFunctions.install(on: database)
        try database.trusted { try database.execute(Self.schema) }
        server = InProcessServer(database: database, spec: nil, extraRoutes: try RouteParser.parse(Self.routes))
    }

    /// Sends one request typed in the prompt's syntax. `InProcessServer.send` blocks its thread
    /// until the async responder answers, so it runs on a thread of its own, off the test pool.
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

    @Test("an item route answers its row, and 404 when there is none")
    func itemRoute() async throws {
        let found = try await send("GET /notes/2")
        #expect(found.status == 200)
        #expect(json(found)?["body"] == .string("Bob's note"))
        #expect(try await send("GET /notes/99").status == 404)
    }

    @Test("an injection string is bound as a value: stored and compared literally")
    func injectionIsLiteral() async throws {
        let injection = "x' OR '1'='1"
        let created = try await send(#"POST /notes {"body": "x' OR '1'='1"}"#)
        #expect(created.status == 201)
        #expect(try rows("SELECT body FROM notes WHERE id = 3") == [[.text(injection)]])
        let search = try await send("GET /find q==\"x' OR '1'='1\"")
        if case .array(let items)? = json(search) { #expect(items.count == 1) } else { Issue.record("not a list: \(search.status)") }
    }

    @Test("the unsafe route splices the input, so the classic injection returns every row")
    func unsafeRouteIsExploitable() async throws {
        let exploited = try await send("GET /search q==\"x' OR '1'='1\"")
        #expect(exploited.responseHeaders.contains { $0.name == "X-Kitchen-Unsafe" && $0.value == "true" })
        if case .array(let items)? = json(exploited) { #expect(items.count == 2) } else { Issue.record("not a list: \(exploited.status)") }
    }

    @Test("POST answers 201 with the row and a Location; failing rules give 422 and leave the table alone")
    func createAndValidate() async throws {
        let created = try await send(#"POST /notes {"body": "Soup", "stars": 5}"#)
        #expect(created.status == 201)
        #expect(created.responseHeaders.first { $0.name == "Location" }?.value == "/notes/3")
        let refused = try await send(#"POST /notes {"body": "", "stars": 9}"#)
        #expect(refused.status == 422)
        #expect(json(refused)?["fields"]?["body"] == .string("must not be empty"))
        #expect(json(refused)?["fields"]?["stars"] == .string("must be between 0 and 5"))
        #expect(try rows("SELECT count(*) FROM notes") == [[.integer(3)]])
    }

    @Test("DELETE answers 204, then 404; a UNIQUE violation answers 409")
    func deleteAndConflict() async throws {
        #expect(try await send("DELETE /notes/1").status == 204)
        #expect(try await send("DELETE /notes/1").status == 404)
        let duplicate = try await send(#"POST /users {"email": "ann@example.com", "name": "Ann 2", "password": "long-enough"}"#)
        #expect(duplicate.status == 409)
    }

    @Test("passwords are stored as bcrypt hashes, never as sent")
    func bcryptStored() async throws {
        #expect(try await send(#"POST /users {"email": "cy@example.com", "name": "Cy", "password": "pumpkin-soup"}"#).status == 201)
        let hash = try #require(try rows("SELECT password_hash FROM users WHERE email = 'cy@example.com'").first?.first?.textValue)
        #expect(hash.hasPrefix("$2") && !hash.contains("pumpkin-soup"))
        #expect(try rows("SELECT bcrypt_verify('pumpkin-soup', '\(hash)'), bcrypt_verify('pumpkin', '\(hash)')") == [[.integer(1), .integer(0)]])
    }

    @Test("login gives a token; auth routes answer 401 without it, and the owner check answers 403 for someone else's row")
    func sessions() async throws {
        #expect(try await send(#"POST /login {"email": "ann@example.com", "password": "wrong"}"#).status == 401)
        let login = try await send(#"POST /login {"email": "ann@example.com", "password": "secret-1"}"#)
        #expect(login.status == 200)
        #expect(login.responseHeaders.contains { $0.name == "Set-Cookie" && $0.value.contains("HttpOnly") })
        let token = try #require(json(login)?["token"]?.stringValue)
        let bearer = PromptRequest.Header(name: "Authorization", value: "Bearer " + token)

        #expect(try await send("GET /me").status == 401)
        let me = try await send("GET /me", headers: [bearer])
        #expect(me.status == 200)
        #expect(String(decoding: me.responseBody, as: UTF8.self).contains("Ann"))
        #expect(try await send("GET /me", headers: [.init(name: "Cookie", value: "session=" + token)]).status == 200)

        #expect(try await send("GET /my/notes/1", headers: [bearer]).status == 200)
        #expect(try await send("GET /my/notes/2", headers: [bearer]).status == 403)
        #expect(try await send("GET /my/notes/99", headers: [bearer]).status == 404)

        #expect(try await send("POST /logout", headers: [bearer]).status == 204)
        #expect(try await send("GET /me", headers: [bearer]).status == 401)
    }
}
