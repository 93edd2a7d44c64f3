import KitchenLessons
import KitchenServer
import KitchenSQL
import KitchenSupport

/// Probes sent once every earlier round agreed, so that a wrong route's first finding stays the
/// one the earlier rounds name:
///
/// - the valid request with each input that **only the learner's route declares** (an `optional
///   patient_id` beside `:current_user_id`, so any client books in another patient's name): no
///   probe made from the reference sends it, so the learner's route was never asked about it;
/// - a write route's valid request **twice** on one server: the second POST of the same booking
///   meets the first (409 from a UNIQUE constraint), where `INSERT OR REPLACE` overwrites it,
///   silently deleting the row that was there; a second DELETE finds nothing (404);
/// - a request the learner's **rule** refused with 422 where the reference let it through to the
///   database, which refused it (a FOREIGN KEY: no doctor 5 today), sent again on the hidden
///   variant, where such a row exists: a bound copied from today's ids (`doctor_id integer 1..4`)
///   refuses it there.
extension RouteCheck {
    func laterProbesProblem(reference: RouteDefinition, learner: RouteDefinition, learnerRoutes: [RouteDefinition],
                            referenceRoutes: [RouteDefinition], context: GradingContext, earlier: [Exchange],
                            schemaVersion: DatabaseValue, headerNames: Set<String>) throws -> (verdict: Verdict?, sent: Int) {
        let probes = learnerInputProbes(reference: reference, learner: learner)
        for probe in probes {
            let (exchange, problems) = try firstRound(probe, learnerRoutes: learnerRoutes, referenceRoutes: referenceRoutes,
                                                      context: context, schemaVersion: schemaVersion, headerNames: headerNames)
            if !problems.isEmpty { return (failure(exchange, reference: reference, problems), probes.count) }
            if !(probe.method == "GET" && exchange.expected.status < 300), let problem = try valueDifference(exchange, routes: referenceRoutes, context: context) {
                return (failure(exchange, reference: reference, [problem]), probes.count)
            }
        }
        if let problem = try twiceProblem(reference: reference, learnerRoutes: learnerRoutes, referenceRoutes: referenceRoutes, context: context) {
            return (problem, probes.count + 2)
        }
        let refusedByRule = earlier.filter(Self.refusedByRuleWhereDatabaseRefused).prefix(3)
        for exchange in refusedByRule {
            if let problem = try otherDataProblem(exchange.probe, on: { try context.freshVariant() }, reference: reference,
                                                  learnerRoutes: learnerRoutes, referenceRoutes: referenceRoutes, context: context,
                                                  advice: "your rule refuses a value that only today's data has no row for; on other data that row exists. Bounds come from the task, not from today's ids: a FOREIGN KEY already refuses a row that does not exist (422)") {
                return (problem, probes.count + 2 + refusedByRule.count)
            }
        }
        return (nil, probes.count + (method == "GET" ? 0 : 2) + refusedByRule.count)
    }

    /// The valid request with each input the learner's route declares and the reference's does
    /// not (nor the example holds), set to a valid value of its rule.
    func learnerInputProbes(reference: RouteDefinition, learner: RouteDefinition) -> [Probe] {
        guard case .object(let fields) = example else { return [] }
        var probes: [Probe] = []
        for rule in learner.rules where !reference.rules.contains(where: { $0.name == rule.name }) && !fields.contains(where: { $0.0 == rule.name }) {
            guard let value = sampleValue(for: rule) else { continue }
            probes.append(Probe(name: "the valid request with \(rule.name) \(value.serialized()) (your route reads \(rule.name); the task's route has no such input)",
                                method: method, input: .object(fields + [(rule.name, value)]), sessionUser: reference.requiresAuth ? user : nil))
        }
        return probes
    }

    /// A value `rule` accepts: for a whole number, another user's id when the step names one (an
    /// id a client could put there), else its minimum or 1.
    func sampleValue(for rule: FieldRule) -> JSONValue? {
        if let choice = rule.choices?.first {
            if rule.kind == .integer, let number = Int64(choice) { return .integer(number) }
            if rule.kind == .number, let number = Double(choice) { return .number(number) }
            return .string(choice)
        }
        switch rule.kind {
        case .integer:
            var candidate = Double(otherUser ?? users.first ?? 1)
            if let minimum = rule.minimum, candidate < minimum { candidate = minimum }
            if let maximum = rule.maximum, candidate > maximum { candidate = maximum }
            return .integer(Int64(candidate))
        case .number:
            var candidate = 1.5
            if let minimum = rule.minimum, candidate < minimum { candidate = minimum }
            if let maximum = rule.maximum, candidate > maximum { candidate = maximum }
            return .number(candidate)
        case .boolean: return .bool(true)
        case .email: return .string("someone@example.org")
        case .date: return .string("2024-01-02")
        case .text:
            guard rule.pattern == nil else { return nil }
            let length = max(1, rule.minimumLength ?? 1)
            if let maximum = rule.maximumLength, length > maximum { return nil }
            return .string(String(repeating: "x", count: length))
        }
    }

    /// The valid request of a write route twice in a row on one server per route set: the status
    /// of each, then the database afterwards.
    func twiceProblem(reference: RouteDefinition, learnerRoutes: [RouteDefinition], referenceRoutes: [RouteDefinition],
                      context: GradingContext) throws -> Verdict? {
        guard method != "GET" else { return nil }
        let probe = Probe(name: "", method: method, input: example, sessionUser: reference.requiresAuth ? user : nil)
        let learnerServer = InProcessServer(database: try context.freshCopy(), spec: context.lesson.server, extraRoutes: learnerRoutes)
        let referenceServer = InProcessServer(database: try context.freshCopy(), spec: context.lesson.server, extraRoutes: referenceRoutes)
        for index in 1...2 {
            var shown = probe
            shown.name = index == 1 ? "the valid request, once" : "the same valid request again, right after the first (on the same data)"
            let learnerRequest = request(for: shown, on: learnerServer)
            guard let learner = try learnerServer.send([learnerRequest]).first,
                  let expected = try referenceServer.send([request(for: shown, on: referenceServer)]).first else {
                throw HTTPAnswer.Problem(description: "no response")
            }
            let exchange = Exchange(probe: shown, request: learnerRequest, learner: learner, expected: expected)
            if learner.status != expected.status {
                let why = expected.status == 409 ? " (the data already holds this row: a UNIQUE constraint refuses it, where INSERT OR REPLACE or OR IGNORE hides the clash)" : ""
                return failure(exchange, reference: reference, ["expected status \(expected.status), got \(learner.status)\(why)"])
            }
            let differences = try learnerServer.withConnection { learnerDatabase in
                try referenceServer.withConnection { referenceDatabase in
                    try SQLStateCheck(queries: [], tables: tables).compare(learner: learnerDatabase, reference: referenceDatabase)
                }
            }
            if let differences {
                return failure(exchange, reference: reference, ["the database is not as it should be afterwards: " + differences.joined(separator: " ")])
            }
        }
        return nil
    }

    /// A probe both routes refused with the same 4xx, the learner's by a rule (its answer names
    /// `fields`) and the reference's by the database (no `fields`: a FOREIGN KEY, a CHECK).
    static func refusedByRuleWhereDatabaseRefused(_ exchange: Exchange) -> Bool {
        guard exchange.expected.status == exchange.learner.status, (400..<500).contains(exchange.expected.status) else { return false }
        let want = try? JSONValue.parse(exchange.expected.responseBody)
        let got = try? JSONValue.parse(exchange.learner.responseBody)
        guard case .object? = got?["fields"] else { return false }
        if case .object? = want?["fields"] { return false }
        return true
    }
}

extension RouteCheck {
    /// A route step whose solution refuses the step's own valid request, or whose valid GET
    /// finds nothing, grades little: every probe compares refusals or empty lists, so a route
    /// that always answers 403 or `[]` passes most of them (the step's `user` does not own the
    /// target, the example names a day with no rows). An item route's 404 is allowed: its probes
    /// ask the ids around the target too.
    func selfTest(in context: GradingContext) throws -> [String] {
        let referenceRoutes: [RouteDefinition]
        do { referenceRoutes = try RouteParser.parse(context.step.solution) } catch { return [] }
        guard let reference = referenceRoutes.first(where: { $0.key == "\(method) \(PathPattern(path))" }) else { return [] }
        let probe = Probe(name: "a valid request", method: method, input: example, sessionUser: reference.requiresAuth ? user : nil)
        let answer = try sendReference(probe, routes: referenceRoutes, context: context).entry
        // An item route may name a row that is not there on purpose (a discontinued dish answers
        // 404): its probes still ask the ids around it, where rows are.
        if answer.status >= 400 && !(answer.status == 404 && numberedParameter != nil) {
            return ["the solution answers the step's valid request (\(method) \(target)) with \(answer.status): every probe then compares refusals; give an example (and target, user) the solution accepts"]
        }
        if method == "GET", numberedParameter == nil, case .array(let items)? = try? JSONValue.parse(answer.responseBody), items.isEmpty {
            return ["the solution answers the step's valid request (\(method) \(target)) with an empty list: a route that answers [] passes the valid request; give an example that finds rows"]
        }
        return []
    }
}
