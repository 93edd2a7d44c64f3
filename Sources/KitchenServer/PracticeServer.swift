import KitchenLessons

/// Builds the route table for a lesson's (or the default) server spec: REST resources, the
/// inspection routes, the lesson's own route definitions and its static front end.
public enum PracticeRoutes {
    public static func routes(for spec: ServerSpec?, sessions: SessionStore = SessionStore()) -> [Route] {
        guard let spec else { return InspectionRoutes.routes() }
        var routes = spec.resources.flatMap { TableResource(path: $0.path, table: $0.table).routes(origin: "practice") }
        if spec.inspection { routes += InspectionRoutes.routes() }
        if let directory = spec.staticDirectory {
            let files = StaticFiles(directory: directory)
            routes.append(Route(method: "GET", pattern: PathPattern("/"), origin: "static", handler: files))
            routes.append(Route(method: "GET", pattern: PathPattern("/:file"), origin: "static", handler: files))
        }
        if let text = spec.routes, let definitions = try? RouteParser.parse(text) {
            routes += definitions.map { LearnerRoutes.route(for: $0, origin: "lesson", sessions: sessions) }
        }
        return routes
    }
}

/// Turning route definitions into routes of the table.
public enum LearnerRoutes {
    public static func route(for definition: RouteDefinition, origin: String, sessions: SessionStore) -> Route {
        Route(method: definition.method, pattern: definition.path, origin: origin, handler: LearnerRoute(definition: definition, sessions: sessions), definition: definition)
    }
}
