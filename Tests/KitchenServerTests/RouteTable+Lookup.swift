import Testing
@testable import KitchenServer

/// A handler that answers with a fixed body, so a test can tell which route answered.
struct NamedHandler: RouteHandler {
    var name: String
    func respond(to request: ServerRequest, database: DatabaseAccess) async throws -> ServerResponse {
        .text(200, name)
    }
}

func route(_ method: String, _ pattern: String, _ name: String? = nil, origin: RouteOrigin = .practice) -> Route {
    Route(method: method, pattern: PathPattern(pattern), origin: origin, handler: NamedHandler(name: name ?? "\(method) \(pattern)"))
}

extension RouteTable.Lookup {
    /// "METHOD PATTERN" of the route found, nil otherwise.
    var found: String? {
        if case .found(let route, _) = self { return "\(route.method) \(route.pattern)" }
        return nil
    }

    var parameters: [String: String]? {
        if case .found(_, let parameters) = self { return parameters }
        return nil
    }

    var allowed: [String]? {
        if case .methodNotAllowed(let allowed) = self { return allowed }
        return nil
    }

    var isNotFound: Bool {
        if case .notFound = self { return true }
        return false
    }
}

@Suite("RouteTable: looking up the route for a request")
struct RouteTableLookupTests {
    let table = RouteTable([
        route("GET", "/menu"),
        route("POST", "/menu"),
        route("GET", "/menu/:id"),
        route("DELETE", "/menu/:id"),
        route("GET", "/menu/specials"),
    ])

    @Test("a method and path find their route with its parameters")
    func findsRoute() {
        #expect(table.lookup(method: "GET", path: "/menu").found == "GET /menu")
        #expect(table.lookup(method: "POST", path: "/menu").found == "POST /menu")
        #expect(table.lookup(method: "GET", path: "/menu/4").found == "GET /menu/:id")
        #expect(table.lookup(method: "GET", path: "/menu/4").parameters == ["id": "4"])
    }

    @Test("a literal segment beats a parameter, whatever the order the routes were added in")
    func literalBeatsParameter() {
        #expect(table.lookup(method: "GET", path: "/menu/specials").found == "GET /menu/specials")
        let reversed = RouteTable([route("GET", "/menu/specials"), route("GET", "/menu/:id")])
        #expect(reversed.lookup(method: "GET", path: "/menu/specials").found == "GET /menu/specials")
        #expect(reversed.lookup(method: "GET", path: "/menu/9").found == "GET /menu/:id")
    }

    @Test("a path that exists for other methods gives 405's Allow list, with HEAD for GET and OPTIONS")
    func methodNotAllowed() {
        #expect(table.lookup(method: "PUT", path: "/menu").allowed == ["GET", "POST", "HEAD", "OPTIONS"])
        #expect(table.lookup(method: "PATCH", path: "/menu/4").allowed == ["GET", "DELETE", "HEAD", "OPTIONS"])
        #expect(table.allowedMethods(for: "/menu") == ["GET", "POST", "HEAD", "OPTIONS"])
    }

    @Test("a path no route matches is not found")
    func notFound() {
        #expect(table.lookup(method: "GET", path: "/orders").isNotFound)
        #expect(table.lookup(method: "GET", path: "/menu/4/reviews").isNotFound)
        #expect(table.allowedMethods(for: "/orders") == [])
    }

    @Test("HEAD falls back to GET; an explicit HEAD route wins")
    func headFallsBackToGet() {
        #expect(table.lookup(method: "HEAD", path: "/menu/4").found == "GET /menu/:id")
        let withHead = RouteTable([route("GET", "/menu"), route("HEAD", "/menu")])
        #expect(withHead.lookup(method: "HEAD", path: "/menu").found == "HEAD /menu")
    }

    @Test("HEAD on a path without GET is not allowed")
    func headWithoutGet() {
        let table = RouteTable([route("POST", "/orders")])
        #expect(table.lookup(method: "HEAD", path: "/orders").allowed == ["POST", "OPTIONS"])
    }

    @Test("adding a route with the same method and pattern replaces it")
    func addReplaces() async throws {
        let table = RouteTable([route("GET", "/menu", "old")])
        table.add(route("GET", "/menu", "new"))
        #expect(table.all.count == 1)
        guard case .found(let found, _) = table.lookup(method: "GET", path: "/menu") else {
            Issue.record("GET /menu not found")
            return
        }
        let response = try await found.handler.respond(to: ServerRequest(method: "GET", path: "/menu"), database: DatabaseAccess(path: nil))
        #expect(response.bodyText == "new")
    }

    @Test("removing routes by method and pattern, or by origin")
    func removing() {
        let table = RouteTable([route("GET", "/menu", origin: .practice), route("GET", "/echo", origin: .inspection),
                                route("POST", "/echo", origin: .inspection)])
        #expect(table.remove(method: "get", pattern: PathPattern("/menu")))
        #expect(!table.remove(method: "GET", pattern: PathPattern("/menu")), "removing twice reports nothing removed")
        #expect(table.lookup(method: "GET", path: "/menu").isNotFound)
        table.removeAll(origin: .inspection)
        #expect(table.all.isEmpty)
    }

    @Test("precedence: fewer parameters first, then the learner's routes, then the order of the table; HEAD follows the same order among GETs")
    func precedence() {
        let table = RouteTable([
            route("GET", "/dish/:id", "practice item"),
            route("GET", "/dish/:name", "learner item", origin: .learner),
            route("GET", "/dish/:key", "second learner item", origin: .learner),
            route("GET", "/dish/today", "practice literal"),
            route("POST", "/dish/:id", "learner post", origin: .learner),
        ])
        #expect(table.lookup(method: "GET", path: "/dish/7").found == "GET /dish/:name", "the learner's route wins a tie with a practice one")
        #expect(table.lookup(method: "GET", path: "/dish/7").parameters == ["name": "7"])
        #expect(table.lookup(method: "HEAD", path: "/dish/7").found == "GET /dish/:name")
        #expect(table.lookup(method: "GET", path: "/dish/today").found == "GET /dish/today", "a literal beats even the learner's parameter")
        #expect(table.lookup(method: "HEAD", path: "/dish/today").found == "GET /dish/today")
        #expect(table.lookup(method: "POST", path: "/dish/today").found == "POST /dish/:id")
        #expect(table.lookup(method: "PUT", path: "/dish/today").allowed == ["GET", "POST", "HEAD", "OPTIONS"])
    }

    @Test("a route's method is kept in upper case, so lookups by upper-case method find it")
    func methodCase() {
        let table = RouteTable([route("get", "/menu")])
        #expect(table.lookup(method: "GET", path: "/menu").found == "GET /menu")
    }
}
