import KitchenLessons
import KitchenServer

extension RouteCheck {
    /// `send` for the reference routes, kept in the step's grading memo: the reference answers a
    /// probe the same way whichever answer is being graded (same start database, same request),
    /// so the solution, every wrong answer and every `.check` share one run of it per probe.
    /// The kept server (and its database after the probe) is only read afterwards.
    ///
    /// Never for the learner's routes, and never for the second run that tells unstable values
    /// (a token, a timestamp) from the learner's mistakes: that one must be a run of its own.
    func sendReference(_ probe: Probe, routes: [RouteDefinition], context: GradingContext) throws -> (request: PromptRequest, entry: LoggedRequest, server: InProcessServer) {
        let key = ["route-reference", method, path, probe.method, probe.target ?? target, probe.sessionUser.map(String.init) ?? "-",
                   probe.rawBody ?? "-", probe.input?.serialized() ?? "-", probe.headers.map { $0.name + ": " + $0.value }.joined(separator: "\n"),
                   routes.map(\.source).joined(separator: "\n")].joined(separator: "\u{1}")
        // A kept answer keeps its server and that server's copy of the database: worth it for a
        // lesson-sized database, not for one with a 100k-row table (SQLite's heap limit is one for
        // the whole process, and a step may send dozens of probes).
        guard context.startDatabase.count <= Self.largestMemoizedDatabase else { return try send(probe, routes: routes, context: context) }
        return try context.memo.value(for: key) { try send(probe, routes: routes, context: context) }
    }

    /// The largest start database (bytes) whose reference answers are kept.
    static let largestMemoizedDatabase = 1 << 20
}
