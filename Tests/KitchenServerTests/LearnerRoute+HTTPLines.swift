import KitchenServerChecks
import KitchenSQL
import Testing
@testable import KitchenServer

/// The HTTP lines on learner routes, answered in process by the real responder over the practice
/// database; a manual clock stands in for the minute of `limit`.
@Suite("LearnerRoute: header, cache, limit and cors lines")
struct LearnerRouteHTTPLinesTests {
    /// A harness whose table also holds `routes`, with `clock` for their limits.
    static func harness(_ routes: String, clock: ManualClock = ManualClock(), sessions: SessionStore = SessionStore()) throws -> ResponderHarness {
        let harness = try ResponderHarness()
        for definition in try RouteParser.parse(routes) {
            harness.responder.routes.add(Route(method: definition.method, pattern: definition.path, origin: .learner,
                                               handler: LearnerRoute(definition: definition, sessions: sessions, clock: clock.now), definition: definition))
        }
        return harness
    }

    @Test("header lines go out on every answer of the route, errors included")
    func headers() async throws {
        let harness = try Self.harness("""
            route GET /dishes/:id
              header X-Content-Type-Options: nosniff
              header Content-Security-Policy: default-src 'self'
              sql SELECT id, name FROM menu_items WHERE id = :id
            end
            """)
        defer { harness.remove() }
        for (target, status) in [("/dishes/3", 200), ("/dishes/99", 404)] {
            let response = await harness.send("GET", target)
            #expect(response.status == status)
            #expect(response.header("X-Content-Type-Options") == "nosniff")
            #expect(response.header("Content-Security-Policy") == "default-src 'self'")
        }
        #expect(await harness.send("GET", "/menu/3").header("X-Content-Type-Options") == nil, "other routes are untouched")
    }

    @Test("limit: exactly N per minute per client, then 429 with Retry-After; the window slides")
    func limit() async throws {
        let clock = ManualClock()
        let harness = try Self.harness("route GET /specials\n  limit 3 per minute\n  sql SELECT id FROM menu_items WHERE id < 3\nend", clock: clock)
        defer { harness.remove() }
        func send(from address: String) async -> ServerResponse {
            var request = ServerRequest(method: "GET", path: "/specials")
            request.clientAddress = address
            return await harness.responder.answer(&request)
        }
        for _ in 0..<3 { #expect(await send(from: "127.0.0.1").status == 200) }
        clock.advance(by: 15)
        let refused = await send(from: "127.0.0.1")
        #expect(refused.status == 429)
        #expect(refused.header("Retry-After") == "45")
        #expect(refused.json?["error"]?.stringValue?.contains("3 per minute") == true)
        #expect(await send(from: "127.0.0.2").status == 200, "another address has its own count")
        clock.advance(by: 45)
        #expect(await send(from: "127.0.0.1").status == 200)
        #expect(await send(from: "127.0.0.1").status == 200)
        #expect(await send(from: "127.0.0.1").status == 200)
        #expect(await send(from: "127.0.0.1").status == 429)
    }

    @Test("limit on an auth route counts per logged-in user, whichever session or address they use")
    func limitPerUser() async throws {
        let sessions = SessionStore()
        let harness = try Self.harness("route GET /mine\n  auth\n  limit 2 per minute\n  sql SELECT :current_user_id AS id\nend", sessions: sessions)
        defer { harness.remove() }
        let first = sessions.open(userID: 1), second = sessions.open(userID: 1), other = sessions.open(userID: 2)
        func send(_ token: String, from address: String) async -> Int {
            var request = ServerRequest(method: "GET", path: "/mine", headers: [("Authorization", "Bearer " + token)])
            request.clientAddress = address
            return await harness.responder.answer(&request).status
        }
        #expect(await send(first, from: "127.0.0.1") == 200)
        #expect(await send(second, from: "127.0.0.2") == 200)
        #expect(await send(first, from: "127.0.0.3") == 429, "a second session of the same user shares the count")
        #expect(await send(other, from: "127.0.0.1") == 200, "another user has their own")
    }

    @Test("cache: max-age and a strong ETag; If-None-Match gets 304 with no body until the data changes")
    func cache() async throws {
        let harness = try Self.harness("route GET /cheap\n  cache 30\n  sql SELECT id, name, price FROM menu_items WHERE price < 7 ORDER BY id\nend")
        defer { harness.remove() }
        let first = await harness.send("GET", "/cheap")
        #expect(first.status == 200)
        #expect(first.header("Cache-Control") == "max-age=30")
        let tag = try #require(first.header("ETag"))
        #expect(tag.hasPrefix("\"") && tag.hasSuffix("\"") && !tag.hasPrefix("W/"))
        #expect(tag == EntityTag.of(first.body))
        let again = await harness.send("GET", "/cheap", headers: [("If-None-Match", tag)])
        #expect(again.status == 304)
        #expect(again.header("ETag") == tag)
        #expect(KitchenResponder.finish(again, method: "GET").body.isEmpty)
        #expect(await harness.send("GET", "/cheap", headers: [("If-None-Match", "\"0000000000000000\", W/\(tag)")]).status == 304)
        #expect(await harness.send("GET", "/cheap", headers: [("If-None-Match", "\"0000000000000000\"")]).status == 200)

        // A write through another route (the practice API) changes the data the route read.
        #expect(await harness.send("PATCH", "/menu/2", body: #"{"price": 4.5}"#).status == 200)
        let changed = await harness.send("GET", "/cheap", headers: [("If-None-Match", tag)])
        #expect(changed.status == 200, "a 304 is never served for changed data")
        #expect(changed.header("ETag") != tag)
        #expect(changed.bodyText.contains("4.5"))
        // A write from outside the server (the prompt, another process) too.
        let connection = try Connection(path: harness.databasePath)
        try connection.execute("UPDATE menu_items SET name = 'Bread' WHERE id = 2")
        let outside = await harness.send("GET", "/cheap", headers: [("If-None-Match", try #require(changed.header("ETag")))])
        #expect(outside.status == 200 && outside.bodyText.contains("Bread"))
        // A write that leaves the route's answer as it was keeps the tag valid.
        try connection.execute("UPDATE menu_items SET name = 'Calzone' WHERE id = 6")
        #expect(await harness.send("GET", "/cheap", headers: [("If-None-Match", try #require(outside.header("ETag")))]).status == 304)
    }

    @Test("cache on an auth route is private to the browser")
    func privateCache() async throws {
        let sessions = SessionStore()
        let harness = try Self.harness("route GET /mine\n  auth\n  cache 10\n  sql SELECT :current_user_id AS id\nend", sessions: sessions)
        defer { harness.remove() }
        let response = await harness.send("GET", "/mine", headers: [("Authorization", "Bearer " + sessions.open(userID: 4))])
        #expect(response.header("Cache-Control") == "private, max-age=10")
        #expect(await harness.send("GET", "/mine").header("ETag") == nil, "a 401 is not tagged")
    }

    @Test("cors: the real answer names a listed origin and varies by Origin; a foreign origin gets nothing")
    func corsResponses() async throws {
        let harness = try Self.harness("""
            route GET /dishes
              cors http://localhost:8080 other-site
              sql SELECT id FROM menu_items WHERE id = 1
            end
            """)
        defer { harness.remove() }
        let allowed = await harness.send("GET", "/dishes", headers: [("Origin", "http://localhost:8080")])
        #expect(allowed.header("Access-Control-Allow-Origin") == "http://localhost:8080")
        #expect(allowed.header("Vary") == "Origin")
        #expect(allowed.header("Access-Control-Allow-Credentials") == nil)
        let foreign = await harness.send("GET", "/dishes", headers: [("Origin", "http://evil.example")])
        #expect(foreign.status == 200 && foreign.header("Access-Control-Allow-Origin") == nil)
        #expect(foreign.header("Vary") == "Origin")
        #expect(await harness.send("GET", "/dishes").header("Access-Control-Allow-Origin") == nil)
        harness.responder.routes.otherSite.set(port: 41234)
        let other = await harness.send("GET", "/dishes", headers: [("Origin", "http://localhost:41234")])
        #expect(other.header("Access-Control-Allow-Origin") == "http://localhost:41234", "other-site names the second site")
    }

    @Test("cors: a preflight gets the Access-Control-* headers only for a listed origin")
    func preflight() async throws {
        let harness = try Self.harness("""
            route GET /dishes
              cors http://localhost:8080
              sql SELECT id FROM menu_items
            end
            route PATCH /dishes/:id
              auth
              cors http://localhost:8080
              required price number
              sql UPDATE menu_items SET price = :price WHERE id = :id
            end
            route DELETE /dishes/:id = DELETE FROM menu_items WHERE id = :id
            """)
        defer { harness.remove() }
        let asking: [(name: String, value: String)] = [("Origin", "http://localhost:8080"), ("Access-Control-Request-Method", "PATCH"),
                                                       ("Access-Control-Request-Headers", "content-type, authorization")]
        let allowed = await harness.send("OPTIONS", "/dishes/3", headers: asking)
        #expect(allowed.status == 204)
        #expect(allowed.header("Access-Control-Allow-Origin") == "http://localhost:8080")
        #expect(allowed.header("Access-Control-Allow-Methods") == "PATCH", "DELETE has no cors line")
        #expect(allowed.header("Access-Control-Allow-Headers") == "Content-Type, Authorization")
        #expect(allowed.header("Access-Control-Max-Age") == "600")
        #expect(allowed.header("Access-Control-Allow-Credentials") == "true", "an auth route may use the session cookie")
        #expect(allowed.header("Allow")?.contains("DELETE") == true)

        var foreignHeaders = asking
        foreignHeaders[0] = ("Origin", "http://evil.example")
        let foreign = await harness.send("OPTIONS", "/dishes/3", headers: foreignHeaders)
        #expect(foreign.status == 204)
        #expect(foreign.header("Access-Control-Allow-Origin") == nil && foreign.header("Access-Control-Allow-Methods") == nil)
        let noCORS = await harness.send("OPTIONS", "/dishes/3", headers: [asking[0], ("Access-Control-Request-Method", "DELETE")])
        #expect(noCORS.header("Access-Control-Allow-Origin") == nil, "the DELETE route has no cors line")
        let plain = await harness.send("OPTIONS", "/dishes")
        #expect(plain.status == 204 && plain.header("Allow") != nil && plain.header("Access-Control-Allow-Origin") == nil)
    }

    @Test("a 429 of a cors route still names the origin, so the page can read it")
    func corsOnRefusal() async throws {
        let harness = try Self.harness("route GET /d\n  limit 1 per minute\n  cors *\n  header X-A: 1\n  sql SELECT 1 AS one\nend")
        defer { harness.remove() }
        _ = await harness.send("GET", "/d")
        let refused = await harness.send("GET", "/d", headers: [("Origin", "http://a.example")])
        #expect(refused.status == 429)
        #expect(refused.header("Access-Control-Allow-Origin") == "*")
        #expect(refused.header("X-A") == "1")
    }
}
