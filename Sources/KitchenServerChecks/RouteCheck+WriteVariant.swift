import KitchenLessons
import KitchenServer
import KitchenSQL
import KitchenSupport

/// A write route (POST, PUT, PATCH, DELETE) asked once more on the hidden variant, as the valid
/// GET is. Every other probe reads the step's own data, where a teacher's first rows often line
/// up by chance: appointment k belongs to patient k, each patient has one appointment. A route
/// whose `owner` line reads the wrong table (`SELECT id FROM patients WHERE id = :id`), or whose
/// DELETE picks rows by the wrong column (`WHERE patient_id = :id`), or whose UPDATE leaves out
/// a condition (`WHERE patient_id = :current_user_id` for "this appointment"), then answers and
/// writes exactly as the reference does. On the variant, other ids and copied rows break the
/// coincidence: the valid request (and the varied one) is compared there by status, body and
/// the database afterwards.
///
/// An `auth` route is asked on two variants: the renumbered one (a wrong owner check lets the
/// user through where the reference answers 403), and the one with the step's ids, where the
/// step's user still owns the target and a copy of it sits beside it (an UPDATE of all of the
/// user's rows changes both).
extension RouteCheck {
    static let writeVariantProbeName = "a valid request, on other data (the hidden variant: other rows and ids)"
    static let writeVariantWithStepIDsProbeName = "a valid request, on other data with today's ids (the hidden variant: more rows beside the same ones)"

    func writeVariantProblem(reference: RouteDefinition, learnerRoutes: [RouteDefinition], referenceRoutes: [RouteDefinition],
                             context: GradingContext) throws -> Verdict? {
        guard method != "GET" else { return nil }
        var databases: [(name: String, make: () throws -> Connection)] = [(Self.writeVariantProbeName, { try context.freshVariant() })]
        if reference.requiresAuth {
            databases.append((Self.writeVariantWithStepIDsProbeName, { try context.freshVariantWithStepIDs() }))
        }
        let session = reference.requiresAuth ? user : nil
        // The valid request and, when the example has inputs, the one with other values.
        let valid = makeProbes(for: reference).prefix(2).filter { $0.name == "a valid request" || $0.name.hasPrefix("another valid request") }
        for (name, make) in databases {
            for (index, base) in valid.enumerated() {
                var probe = base
                probe.name = index == 0 ? name : name.replacingOccurrences(of: "a valid request", with: "another valid request, with other values")
                probe.sessionUser = session
                if let problem = try otherDataProblem(probe, on: make, reference: reference, learnerRoutes: learnerRoutes,
                                                      referenceRoutes: referenceRoutes, context: context) {
                    return problem
                }
            }
        }
        return nil
    }

    /// The probe sent to both route sets, each on its own fresh copy of `database()`: the status,
    /// the body's fields and values (values that differ between two runs of the reference left
    /// out), and the database afterwards.
    func otherDataProblem(_ probe: Probe, on database: () throws -> Connection, reference: RouteDefinition,
                          learnerRoutes: [RouteDefinition], referenceRoutes: [RouteDefinition], context: GradingContext,
                          advice: String = "a route must act on the rows the request names, found by the condition the task gives: no ids or values that only line up with today's rows") throws -> Verdict? {
        let learner = try send(probe, routes: learnerRoutes, onDatabase: try database(), context: context)
        let expected = try send(probe, routes: referenceRoutes, onDatabase: try database(), context: context)
        let exchange = Exchange(probe: probe, request: learner.request, learner: learner.entry, expected: expected.entry)
        if learner.entry.status != expected.entry.status {
            return failure(exchange, reference: reference, ["on other data, expected status \(expected.entry.status), got \(learner.entry.status)", advice])
        }
        if expected.entry.status < 300 {
            if let shape = Self.shapeDifference(expected.entry.responseBody, learner.entry.responseBody) {
                return failure(exchange, reference: reference, ["on other data, " + shape, advice])
            }
            let want = try? JSONValue.parse(expected.entry.responseBody)
            let sortSQL = referenceSQL(in: referenceRoutes)
            var differences = Self.valueDifferences(want, Self.alignedWithinTies(want, try? JSONValue.parse(learner.entry.responseBody), sortSQL: sortSQL))
            if !differences.isEmpty {
                let again = try send(probe, routes: referenceRoutes, onDatabase: try database(), context: context).entry
                let unstable = Set(Self.valueDifferences(want, Self.alignedWithinTies(want, try? JSONValue.parse(again.responseBody), sortSQL: sortSQL)).map(\.path))
                differences.removeAll { unstable.contains($0.path) }
            }
            if let first = differences.first {
                return failure(exchange, reference: reference, [
                    "on other data your route's answer differs: at \(first.path), got \(first.got); expected \(first.expected)"
                        + (differences.count > 1 ? " (and \(differences.count - 1) more difference\(differences.count == 2 ? "" : "s"))" : ""),
                    advice,
                ])
            }
        }
        let comparison = SQLStateCheck(queries: [], tables: tables)
        let differences = try learner.server.withConnection { learnerDatabase in
            try expected.server.withConnection { referenceDatabase in
                try comparison.compare(learner: learnerDatabase, reference: referenceDatabase)
            }
        }
        if let differences {
            return failure(exchange, reference: reference, ["on other data, the database is not as it should be afterwards: " + differences.joined(separator: " "), advice])
        }
        return nil
    }

    /// Sends one probe in-process to `routes` over `database` (the learner's route definitions
    /// answer in-process here even when the other probes go to an exported app, as on the variant
    /// of a GET), and keeps the server for comparing its database.
    func send(_ probe: Probe, routes: [RouteDefinition], onDatabase database: sending Connection,
              context: GradingContext) throws -> (request: PromptRequest, entry: LoggedRequest, server: InProcessServer) {
        let server = InProcessServer(database: database, spec: context.lesson.server, extraRoutes: routes)
        let request = self.request(for: probe, on: server)
        guard let entry = try server.send([request]).first else { throw HTTPAnswer.Problem(description: "no response") }
        return (request, entry, server)
    }
}
