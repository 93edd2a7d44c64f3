import KitchenLessons

/// Builds the route table for a lesson's (or the default) server spec.
public enum PracticeRoutes {
    public static func routes(for spec: ServerSpec?) -> [Route] {
        guard let spec else { return InspectionRoutes.routes() }
        var routes = spec.resources.flatMap { TableResource(path: $0.path, table: $0.table).routes(origin: "practice") }
        if spec.inspection { routes += InspectionRoutes.routes() }
        return routes
    }
}
