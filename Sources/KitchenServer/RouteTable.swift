import Synchronization

/// A path pattern such as `/menu/:id`: literal segments and `:name` parameters.
public struct PathPattern: Sendable, Equatable, CustomStringConvertible {
    public enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    public var segments: [Segment]

    public init(_ text: String) {
        segments = text.split(separator: "/").map { part in
            part.hasPrefix(":") ? .parameter(String(part.dropFirst())) : .literal(String(part))
        }
    }

    /// The parameters when `path` matches, else nil.
    public func match(_ path: String) -> [String: String]? {
        match(parts: path.split(separator: "/"))
    }

    /// The parameters when a path split at its slashes matches, else nil: the route table splits
    /// each request's path once, not once per route.
    func match(parts: [Substring]) -> [String: String]? {
        guard parts.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let literal):
                guard literal == part else { return nil }
            case .parameter(let name):
                parameters[name] = QueryString.decode(String(part))
            }
        }
        return parameters
    }

    public var description: String {
        "/" + segments.map { segment in
            switch segment {
            case .literal(let text): text
            case .parameter(let name): ":" + name
            }
        }.joined(separator: "/")
    }
}

/// Something that answers requests for a route.
public protocol RouteHandler: Sendable {
    func respond(to request: ServerRequest, database: DatabaseAccess) async throws -> ServerResponse
    /// The response when it is ready without waiting for anything (a cached GET), else nil, having
    /// done nothing: the server's event loop asks this first and calls `respond` on a nil.
    func respondAtOnce(to request: ServerRequest, database: DatabaseAccess) -> ServerResponse?
    /// False when `respondAtOnce` always says nil: the event loop then passes the request on at once.
    var mayRespondAtOnce: Bool { get }
}

extension RouteHandler {
    public func respondAtOnce(to request: ServerRequest, database: DatabaseAccess) -> ServerResponse? { nil }
    public var mayRespondAtOnce: Bool { false }
}

/// Who put a route in the table. It decides precedence: the learner's own routes win over every
/// other route under the same path.
public enum RouteOrigin: String, Sendable, CaseIterable {
    /// REST resources over the lesson's tables.
    case practice
    /// `/echo`, `/status/:code`, `/delay/:ms`.
    case inspection
    /// A lesson's static front end.
    case staticFiles = "static"
    /// Routes the lesson itself defines (a login route…).
    case lesson
    /// Routes the learner wrote.
    case learner

    /// Whether routes of this origin win over others that match a request equally well.
    var outranksOthers: Bool { self == .learner }
}

/// One entry of the route table.
public struct Route: Sendable {
    public var method: String
    public var pattern: PathPattern
    public var handler: any RouteHandler
    /// Who put it there: it decides precedence, and `.routes` shows it.
    public var origin: RouteOrigin
    /// The definition, for routes written in the route language.
    public var definition: RouteDefinition?

    public init(method: String, pattern: PathPattern, origin: RouteOrigin, handler: any RouteHandler, definition: RouteDefinition? = nil) {
        self.method = method.uppercased()
        self.pattern = pattern
        self.origin = origin
        self.handler = handler
        self.definition = definition
    }
}

/// The server's routes, consulted on every request, so routes can change while it runs.
public final class RouteTable: Sendable {
    private let routes = Mutex<[Route]>([])
    /// The lesson's second site, for routes with `cors other-site`.
    public let otherSite = OtherSiteOrigins()

    public init(_ routes: [Route] = []) {
        self.routes.withLock { $0 = routes }
    }

    public var all: [Route] { routes.withLock { $0 } }

    public func replaceAll(_ newRoutes: [Route]) {
        routes.withLock { $0 = newRoutes }
    }

    /// Adds a route, replacing one with the same method and pattern.
    public func add(_ route: Route) {
        routes.withLock { routes in
            routes.removeAll { $0.method == route.method && $0.pattern == route.pattern }
            routes.append(route)
        }
    }

    @discardableResult
    public func remove(method: String, pattern: PathPattern) -> Bool {
        routes.withLock { routes in
            let before = routes.count
            routes.removeAll { $0.method == method.uppercased() && $0.pattern == pattern }
            return routes.count != before
        }
    }

    public func removeAll(origin: RouteOrigin) {
        routes.withLock { $0.removeAll { $0.origin == origin } }
    }

    public enum Lookup {
        case found(Route, [String: String])
        /// The path exists but not for this method; these methods are allowed.
        case methodNotAllowed([String])
        case notFound
    }

    /// The route for a method and path. Literal segments win over parameters, so `/menu/new`
    /// beats `/menu/:id`, and the learner's own routes win over the practice ones; HEAD falls
    /// back to GET.
    public func lookup(method: String, path: String) -> Lookup {
        let snapshot = all
        let parts = path.split(separator: "/")
        // The common case in one pass that copies only the route it returns (a `Route` is large:
        // copying every one per request showed in profiles): the best route of the method, or
        // GET's for HEAD. Only a 405 needs every candidate in order.
        var best: (index: Int, parameters: [String: String], rank: Int)?
        var bestGet: (index: Int, parameters: [String: String], rank: Int)?
        var anyMatched = false
        for index in snapshot.indices {
            guard let parameters = snapshot[index].pattern.match(parts: parts) else { continue }
            anyMatched = true
            // Fewer parameters first, then the learner's routes; the first in the table on a tie
            // (as the stable sort below orders them).
            let rank = parameters.count * 2 + (snapshot[index].origin.outranksOthers ? 0 : 1)
            if snapshot[index].method == method {
                if best == nil || rank < best!.rank { best = (index, parameters, rank) }
            } else if snapshot[index].method == "GET", bestGet == nil || rank < bestGet!.rank {
                bestGet = (index, parameters, rank)
            }
        }
        if let best { return .found(snapshot[best.index], best.parameters) }
        if method == "HEAD", let bestGet { return .found(snapshot[bestGet.index], bestGet.parameters) }
        guard anyMatched else { return .notFound }
        let candidates = snapshot.compactMap { route -> (Route, [String: String])? in
            route.pattern.match(parts: parts).map { (route, $0) }
        }.sorted { first, second in
            if first.1.count != second.1.count { return first.1.count < second.1.count }
            return first.0.origin.outranksOthers && !second.0.origin.outranksOthers
        }
        var allowed: [String] = []
        for (route, _) in candidates where !allowed.contains(route.method) { allowed.append(route.method) }
        if allowed.contains("GET") && !allowed.contains("HEAD") { allowed.append("HEAD") }
        allowed.append("OPTIONS")
        return .methodNotAllowed(allowed)
    }

    /// The methods a path answers, for OPTIONS and 405's Allow header.
    public func allowedMethods(for path: String) -> [String] {
        if case .methodNotAllowed(let allowed) = lookup(method: "\u{0}", path: path) { return allowed }
        return []
    }
}
