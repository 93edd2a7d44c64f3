import KitchenLessons
import KitchenServer
import KitchenSQL
import KitchenSupport

/// The valid request once more, on the hidden variant of the step's database (other rows, other
/// ids, the same schema and relations). Every other probe reads the step's own data, so a GET
/// route that answers the right rows from a literal (`SELECT 'Margherita' AS name …`), or orders
/// by a column that only happens to follow the wanted order there (`ORDER BY c.id` for
/// `ORDER BY c.position`), passes all of them; on other data its answer differs from the
/// reference's.
extension RouteCheck {
    static let variantProbeName = "a valid request, on other data (the hidden variant: other rows and ids)"

    /// What differs between the two routes' answers to the valid GET on the hidden variant.
    func variantProblem(reference: RouteDefinition, learnerRoutes: [RouteDefinition], referenceRoutes: [RouteDefinition],
                        context: GradingContext) throws -> Verdict? {
        guard method == "GET" else { return nil }
        let probe = Probe(name: Self.variantProbeName, method: method, input: example, sessionUser: reference.requiresAuth ? user : nil)
        let learner = try sendOnVariant(probe, routes: learnerRoutes, context: context)
        let expected = try sendOnVariant(probe, routes: referenceRoutes, context: context)
        let exchange = Exchange(probe: probe, request: learner.request, learner: learner.entry, expected: expected.entry)
        if learner.entry.status != expected.entry.status {
            return failure(exchange, reference: reference, ["expected status \(expected.entry.status), got \(learner.entry.status)"])
        }
        guard expected.entry.status < 300 else { return nil }
        if let shape = Self.shapeDifference(expected.entry.responseBody, learner.entry.responseBody) {
            return failure(exchange, reference: reference, [shape])
        }
        var differences = Self.valueDifferences(try? JSONValue.parse(expected.entry.responseBody), try? JSONValue.parse(learner.entry.responseBody))
        guard !differences.isEmpty else { return nil }
        // Values that change from one run of the reference to the next are not the learner's doing.
        let again = try sendOnVariant(probe, routes: referenceRoutes, context: context).entry
        let unstable = Set(Self.valueDifferences(try? JSONValue.parse(expected.entry.responseBody), try? JSONValue.parse(again.responseBody)).map(\.path))
        differences.removeAll { unstable.contains($0.path) }
        guard let first = differences.first else { return nil }
        return failure(exchange, reference: reference, [
            "on other data your route's answer differs: at \(first.path), got \(first.got); expected \(first.expected)"
                + (differences.count > 1 ? " (and \(differences.count - 1) more difference\(differences.count == 2 ? "" : "s"))" : ""),
            "a route must compute its answer from the data: no values copied from today's rows, and an ORDER BY on the column the task names",
        ])
    }

    private func sendOnVariant(_ probe: Probe, routes: [RouteDefinition], context: GradingContext) throws -> (request: PromptRequest, entry: LoggedRequest) {
        let server = InProcessServer(database: try context.freshVariant(), spec: context.lesson.server, extraRoutes: routes)
        let request = self.request(for: probe, on: server)
        guard let entry = try server.send([request]).first else { throw HTTPAnswer.Problem(description: "no response") }
        return (request, entry)
    }
}
