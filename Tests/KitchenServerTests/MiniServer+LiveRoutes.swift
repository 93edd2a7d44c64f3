import KitchenLessons
import KitchenServerChecks
import KitchenSQL
import Testing
@testable import KitchenServer

/// A learner's own route: answers with a fixed JSON body.
struct FixedReply: RouteHandler {
    var status: Int
    var message: String
    func respond(to request: ServerRequest, database: DatabaseAccess) async throws -> ServerResponse {
        .json(status, .object([("message", .string(message)), ("id", .string(request.pathParameters["id"] ?? ""))]))
    }
}

struct Failing: RouteHandler {
    struct Broken: Error {}
    func respond(to request: ServerRequest, database: DatabaseAccess) async throws -> ServerResponse { throw Broken() }
}

@Suite("MiniServer: routes changed while it runs take effect on the next request")
struct MiniServerLiveRouteTests {
    @Test("adding, replacing and removing a route, without a restart")
    func addReplaceRemove() async throws {
        try await withLiveServer { live async throws in
            #expect(try await live.send("GET", "/specials/1").status == 404)
            live.server.routes.add(Route(method: "GET", pattern: PathPattern("/specials/:id"), origin: .learner, handler: FixedReply(status: 200, message: "soup")))
            let added = try await live.send("GET", "/specials/1")
            #expect(added.status == 200)
            #expect(added.json?["message"] == .string("soup"))
            #expect(added.json?["id"] == .string("1"))

            live.server.routes.add(Route(method: "GET", pattern: PathPattern("/specials/:id"), origin: .learner, handler: FixedReply(status: 202, message: "stew")))
            let replaced = try await live.send("GET", "/specials/1")
            #expect(replaced.status == 202)
            #expect(replaced.json?["message"] == .string("stew"))

            #expect(live.server.routes.remove(method: "GET", pattern: PathPattern("/specials/:id")))
            #expect(try await live.send("GET", "/specials/1").status == 404)
        }
    }

    @Test("replacing the whole table switches the API: the practice routes go, inspection stays")
    func replaceAll() async throws {
        try await withLiveServer { live async throws in
            #expect(try await live.send("GET", "/menu").status == 200)
            live.server.routes.replaceAll(PracticeRoutes.routes(for: ServerSpec(resources: [.init(path: "/dishes", table: "menu_items")], inspection: true)))
            #expect(try await live.send("GET", "/menu").status == 404)
            #expect(try await live.send("GET", "/dishes/3").json?["name"] == .string("Margherita"))
            #expect(try await live.send("GET", "/echo").status == 200)
            live.server.routes.removeAll(origin: .inspection)
            #expect(try await live.send("GET", "/echo").status == 404)
        }
    }

    @Test("without a spec only the inspection routes are served")
    func noSpec() async throws {
        try await withLiveServer { live async throws in
            live.server.routes.replaceAll(PracticeRoutes.routes(for: nil))
            #expect(try await live.send("GET", "/menu").status == 404)
            #expect(try await live.send("GET", "/status/201").status == 201)
        }
    }

    @Test("a literal route added at run time beats the resource's item route")
    func literalBeatsItemRoute() async throws {
        try await withLiveServer { live async throws in
            live.server.routes.add(Route(method: "GET", pattern: PathPattern("/menu/today"), origin: .learner, handler: FixedReply(status: 200, message: "today")))
            #expect(try await live.send("GET", "/menu/today").json?["message"] == .string("today"))
            #expect(try await live.send("GET", "/menu/3").json?["name"] == .string("Margherita"))
        }
    }

    @Test("a route that throws answers 500 naming the route, and the server goes on")
    func failingRoute() async throws {
        try await withLiveServer { live async throws in
            live.server.routes.add(Route(method: "GET", pattern: PathPattern("/broken"), origin: .learner, handler: Failing()))
            let response = try await live.send("GET", "/broken")
            #expect(response.status == 500)
            #expect(response.json?["error"]?.stringValue?.contains("GET /broken") == true)
            #expect(try await live.send("GET", "/menu/1").status == 200)
        }
    }

    @Test("switching the database takes effect on the next request")
    func switchDatabase() async throws {
        try await withLiveServer { live async throws in
            let other = try TemporaryFolder()
            defer { other.remove() }
            let path = try PracticeDatabase.create(in: other, name: "other.db")
            let connection = try Connection(path: path)
            try connection.trusted { try connection.execute("UPDATE menu_items SET name = 'Other Soup' WHERE id = 1") }
            #expect(try await live.send("GET", "/menu/1").json?["name"] == .string("Tomato Soup"))
            live.server.database.switchTo(path: path)
            #expect(try await live.send("GET", "/menu/1").json?["name"] == .string("Other Soup"))
            live.server.database.switchTo(path: nil)
            #expect(try await live.send("GET", "/menu/1").status == 500, "no database: the route fails cleanly")
        }
    }
}
