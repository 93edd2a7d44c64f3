import KitchenLessons
import KitchenServer

extension PracticeRoutes {
    /// The routes of a lesson's (or the playground's) server spec, with the learner's routes on
    /// top; without a spec, the inspection routes alone. `sessions` takes the spec's storage.
    public static func routes(for spec: ServerSpec?, learnerRoutes: [RouteDefinition] = [], sessions: SessionStore = SessionStore(),
                              secrets: ServerSecrets? = nil) -> [Route] {
        sessions.storage = spec?.sessions == .database ? .database : .memory
        // The lesson's routes were checked when it loaded; a broken text serves none.
        let lessonRoutes = spec?.routes.flatMap { try? RouteParser.parse($0) } ?? []
        return routes(resources: spec?.resources.map { ($0.path, $0.table) } ?? [], inspection: spec?.inspection ?? true,
                      staticDirectory: spec?.staticDirectory, lessonRoutes: lessonRoutes, learnerRoutes: learnerRoutes, sessions: sessions,
                      secrets: secrets ?? ServerSecrets(configured: spec?.secrets ?? [:]))
    }
}
