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

    /// What differs between the two routes' answers to the valid GET on the hidden variant. For an
    /// item route also on other ids that exist there (the target's id may name a row without the
    /// data that shows the difference: a dish without reviews on the variant answers 404 to both).
    func variantProblem(reference: RouteDefinition, learnerRoutes: [RouteDefinition], referenceRoutes: [RouteDefinition],
                        context: GradingContext) throws -> Verdict? {
        guard method == "GET" else { return nil }
        let session = reference.requiresAuth ? user : nil
        var probes = [Probe(name: Self.variantProbeName, method: method, input: example, sessionUser: session)]
        if let (part, id) = numberedParameter {
            // The nearest ids (up to six, within 12 of the target's, as the item probes look) where the
            // reference finds a row on the variant.
            var found = 0
            for distance: Int64 in 1...12 where found < 6 {
                for candidate in [id - distance, id + distance] where candidate > 0 && found < 6 {
                    let other = Self.target(target, replacingPart: part, with: String(candidate))
                    let probe = Probe(name: "a valid request for \(other), on other data (the hidden variant: other rows and ids)",
                                      method: method, input: example, sessionUser: session, target: other)
                    if try sendOnVariant(probe, routes: referenceRoutes, context: context).entry.status < 300 {
                        probes.append(probe)
                        found += 1
                    }
                }
            }
        }
        for probe in probes {
            if let problem = try variantProblem(probe, reference: reference, learnerRoutes: learnerRoutes, referenceRoutes: referenceRoutes, context: context) {
                return problem
            }
        }
        return nil
    }

    private func variantProblem(_ probe: Probe, reference: RouteDefinition, learnerRoutes: [RouteDefinition], referenceRoutes: [RouteDefinition],
                                context: GradingContext) throws -> Verdict? {
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
        let want = try? JSONValue.parse(expected.entry.responseBody)
        if want == nil || (try? JSONValue.parse(learner.entry.responseBody)) == nil {
            // A page (an `html` route): the same text, or it was copied from today's rows.
            guard let page = RouteOptionChecks.pageDifference(expected: expected.entry.responseBody, actual: learner.entry.responseBody),
                  try sendOnVariant(probe, routes: referenceRoutes, context: context).entry.responseBody == expected.entry.responseBody
            else { return nil }
            return failure(exchange, reference: reference, [
                "on other data \(page)",
                "a route must compute its page from the data: no text copied from today's rows",
            ])
        }
        let sortSQL = referenceSQL(in: referenceRoutes)
        var differences = Self.valueDifferences(want, Self.alignedWithinTies(want, try? JSONValue.parse(learner.entry.responseBody), sortSQL: sortSQL))
        guard !differences.isEmpty else { return nil }
        // Values that change from one run of the reference to the next are not the learner's doing.
        let again = try sendOnVariant(probe, routes: referenceRoutes, context: context).entry
        let unstable = Set(Self.valueDifferences(want, Self.alignedWithinTies(want, try? JSONValue.parse(again.responseBody), sortSQL: sortSQL)).map(\.path))
        differences.removeAll { unstable.contains($0.path) }
        guard let first = differences.first else { return nil }
        return failure(exchange, reference: reference, [
            "on other data your route's answer differs: at \(first.path), got \(first.got); expected \(first.expected)"
                + (differences.count > 1 ? " (and \(differences.count - 1) more difference\(differences.count == 2 ? "" : "s"))" : ""),
            "a route must compute its answer from the data: no values copied from today's rows, and an ORDER BY on the column the task names",
        ])
    }

    static let reversedProbeName = "a valid request, with SQLite reading unordered rows the other way round"
    static let tieOrderProbeName = "a valid request, on the same rows stored in the opposite order"
    static let tieOrderVariantProbeName = "a valid request, on the hidden variant's rows stored in the opposite order"

    /// The valid GET once more, with SQLite reading every loop that no ORDER BY orders the other
    /// way round (`Connection.readUnorderedRowsReversed`), then once more on a copy of the data
    /// with the same rows stored the other way round (`GradingContext.freshTieOrderCopy`), where
    /// rows that tie on an ORDER BY come out in another order. A route without the ORDER BY the
    /// task asks for, or without its tie-break, can answer today's order (the rowid's, or an
    /// index's) by chance; then its answer changes, while the reference's does not. A reference
    /// whose answer changes too gives no ruling.
    func unorderedRowsProblem(reference: RouteDefinition, learnerRoutes: [RouteDefinition], referenceRoutes: [RouteDefinition],
                              context: GradingContext) throws -> Verdict? {
        // As on the variant, the learner's route definitions answer in-process here even when the
        // other probes go to an exported app (whose database Kitchen cannot set the pragma on).
        guard method == "GET" else { return nil }
        let reversed = { () throws -> Connection in
            let database = try context.freshCopy()
            try database.readUnorderedRowsReversed()
            return database
        }
        if let problem = try orderProblem(named: Self.reversedProbeName, on: reversed, reference: reference, learnerRoutes: learnerRoutes,
                                          referenceRoutes: referenceRoutes, context: context, advice: [
                                              "without ORDER BY, SQLite promises no order, and reading the rows another way changes your answer: say ORDER BY",
                                          ]) {
            return problem
        }
        // Without ORDER BY there are no ties to lean on, and the pass above covers the order.
        guard learnerRoutes.contains(where: { RowOrderByChance.ordersRows($0.source) }) else { return nil }
        let tieAdvice = ["rows that tie on your ORDER BY (or rows with no ORDER BY) come out in any order, and with the rows stored in another order your answer changes: add a tie-break to ORDER BY"]
        if let problem = try orderProblem(named: Self.tieOrderProbeName, on: { try context.freshTieOrderCopy() }, reference: reference, learnerRoutes: learnerRoutes,
                                          referenceRoutes: referenceRoutes, context: context, advice: tieAdvice) {
            return problem
        }
        // The hidden variant's copies, whose numbers moved, make ties of their own.
        return try orderProblem(named: Self.tieOrderVariantProbeName, on: { try context.freshTieOrderVariant() }, baseline: { try context.freshVariant() },
                                reference: reference, learnerRoutes: learnerRoutes, referenceRoutes: referenceRoutes, context: context, advice: tieAdvice)
    }

    /// The reference's and the learner's answers to the valid GET on `database()`, against the
    /// reference's on `baseline()` (the step's data when nil).
    private func orderProblem(named name: String, on database: () throws -> Connection, baseline: (() throws -> Connection)? = nil,
                              reference: RouteDefinition, learnerRoutes: [RouteDefinition],
                              referenceRoutes: [RouteDefinition], context: GradingContext, advice: [String]) throws -> Verdict? {
        let probe = Probe(name: name, method: method, input: example, sessionUser: reference.requiresAuth ? user : nil)
        let expected = try baseline.map { try send(probe, routes: referenceRoutes, on: try $0(), context: context).entry }
            ?? sendReference(probe, routes: referenceRoutes, context: context).entry
        guard expected.status < 300 else { return nil }
        let referenceAgain = try send(probe, routes: referenceRoutes, on: try database(), context: context).entry
        let want = try? JSONValue.parse(expected.responseBody)
        let sortSQL = referenceSQL(in: referenceRoutes)
        guard referenceAgain.status == expected.status,
              Self.valueDifferences(want, Self.alignedWithinTies(want, try? JSONValue.parse(referenceAgain.responseBody), sortSQL: sortSQL)).isEmpty
        else { return nil }
        let learner = try send(probe, routes: learnerRoutes, on: try database(), context: context)
        let exchange = Exchange(probe: probe, request: learner.request, learner: learner.entry, expected: expected)
        if learner.entry.status != expected.status {
            return failure(exchange, reference: reference, ["expected status \(expected.status), got \(learner.entry.status)"])
        }
        let differences = Self.valueDifferences(want, Self.alignedWithinTies(want, try? JSONValue.parse(learner.entry.responseBody), sortSQL: sortSQL))
        guard let first = differences.first else { return nil }
        return failure(exchange, reference: reference, [
            "your rows come in this order by chance: at \(first.path), got \(first.got); expected \(first.expected)",
        ] + advice)
    }

    private func send(_ probe: Probe, routes: [RouteDefinition], on database: sending Connection, context: GradingContext) throws -> (request: PromptRequest, entry: LoggedRequest) {
        let server = InProcessServer(database: database, spec: context.lesson.server, extraRoutes: routes)
        let request = self.request(for: probe, on: server)
        guard let entry = try server.send([request]).first else { throw HTTPAnswer.Problem(description: "no response") }
        return (request, entry)
    }

    private func sendOnVariant(_ probe: Probe, routes: [RouteDefinition], context: GradingContext) throws -> (request: PromptRequest, entry: LoggedRequest) {
        let server = InProcessServer(database: try context.freshVariant(), spec: context.lesson.server, extraRoutes: routes)
        let request = self.request(for: probe, on: server)
        guard let entry = try server.send([request]).first else { throw HTTPAnswer.Problem(description: "no response") }
        return (request, entry)
    }
}
