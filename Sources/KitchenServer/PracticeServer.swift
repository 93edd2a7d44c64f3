/// Builds a server's route table, in one place: REST resources over tables, the inspection
/// routes, a static front end, the routes the lesson defines, then the learner's own on top
/// (replacing any route with the same method and path).
public enum PracticeRoutes {
    public static func routes(resources: [(path: String, table: String)], inspection: Bool, staticDirectory: String?,
                              lessonRoutes: [RouteDefinition], learnerRoutes: [RouteDefinition], sessions: SessionStore,
                              secrets: ServerSecrets = ServerSecrets(configured: [:], environment: [:])) -> [Route] {
        var routes = resources.flatMap { TableResource(path: $0.path, table: $0.table).routes(origin: .practice) }
        if inspection { routes += InspectionRoutes.routes() }
        if let staticDirectory {
            let files = StaticFiles(directory: staticDirectory)
            routes.append(Route(method: "GET", pattern: PathPattern("/"), origin: .staticFiles, handler: files))
            routes.append(Route(method: "GET", pattern: PathPattern("/:file"), origin: .staticFiles, handler: files))
        }
        routes += lessonRoutes.map { route(for: $0, origin: .lesson, sessions: sessions, secrets: secrets) }
        for definition in learnerRoutes {
            let route = route(for: definition, origin: .learner, sessions: sessions, secrets: secrets)
            routes.removeAll { $0.method == route.method && $0.pattern == route.pattern }
            routes.append(route)
        }
        return routes
    }

    /// A route written in the route language.
    public static func route(for definition: RouteDefinition, origin: RouteOrigin, sessions: SessionStore,
                             secrets: ServerSecrets = ServerSecrets(configured: [:], environment: [:])) -> Route {
        var handler = LearnerRoute(definition: definition, sessions: sessions)
        handler.secrets = secrets
        return Route(method: definition.method, pattern: definition.path, origin: origin, handler: handler, definition: definition)
    }
}
