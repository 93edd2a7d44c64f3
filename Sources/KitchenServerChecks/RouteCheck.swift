import KitchenLessons
import KitchenServer
import KitchenSQL
import KitchenSupport

/// `route`: puts the learner's route through a battery of probe requests, as a back-end reviewer
/// would, and compares each answer (status, body and the database afterwards) with the reference
/// route's, each probe on fresh copies of the step's database.
///
/// The probes come from the reference route: a valid request and a varied one; for every rule its
/// boundaries (exactly the minimum and maximum, one below and one above, for ranges and lengths),
/// each `one-of` value and one outside, a valid and an invalid value for a pattern, each optional
/// input left out, each required one missing, wrong types, injection strings, huge values and
/// malformed JSON; for item routes a second existing id, a missing id between existing ones, id 0
/// and an id no table has; for `auth` routes no session and sessions of several users, one of whom
/// owns nothing. Differences in status, the body's fields and the database are reported first, for
/// every probe in order; then the body's values and a 422's field names.
struct RouteCheck: Check {
    /// `POST /orders`: the route under test.
    var method: String
    var path: String
    /// The concrete path to send to (`/orders/3` for `/orders/:id`).
    var target: String
    /// A valid input, as JSON.
    var example: JSONValue
    /// A user with a session for `auth` routes, another user for foreign-session probes, and more
    /// users whose sessions are probed too.
    var user: Int64?
    var otherUser: Int64?
    var users: [Int64]
    var tables: [String]
    /// SQL that changes the data a `cache` route reads, run between two conditional requests.
    var change: String?
    /// Where the learner's side of the probes goes instead of their routes in-process (an exported app).
    var baseURL: BaseURLServer? = nil

    static let kind = CheckKind(name: "route", options: ["route", "target", "example", "user", "other-user", "users", "tables", "change"]) { options in
        guard let route = try options.string("route") else {
            throw options.problem("a route check needs 'route', e.g. route: POST /orders")
        }
        let words = route.split(separator: " ").map(String.init)
        guard words.count == 2, RouteParser.methods.contains(words[0].uppercased()), words[1].hasPrefix("/") else {
            throw options.problem("'route' is METHOD /path, e.g. POST /orders", key: "route")
        }
        var example: JSONValue = .object([])
        if let text = try options.string("example") {
            do { example = try JSONValue.parse(text) } catch {
                throw options.problem("'example' must be a JSON object: \(error)", key: "example")
            }
            guard case .object = example else { throw options.problem("'example' must be a JSON object", key: "example") }
        }
        let target = try options.string("target") ?? words[1]
        guard PathPattern(words[1]).match(target) != nil else {
            throw options.problem("'target' \(target) does not fit the route's path \(words[1])", key: "target")
        }
        var users: [Int64] = []
        for text in try options.strings("users") ?? [] {
            guard let id = Int64(text) else { throw options.problem("'users' is a list of user ids, e.g. [1, 5, 12]", key: "users") }
            users.append(id)
        }
        return RouteCheck(method: words[0].uppercased(), path: words[1], target: target, example: example,
                          user: (try options.number("user")).map { Int64($0) }, otherUser: (try options.number("other-user")).map { Int64($0) },
                          users: users, tables: try options.strings("tables") ?? [], change: try options.string("change"))
    }

    var answerKind: AnswerKind { .routes }

    /// A user id no fixture uses: a logged-in user who owns nothing.
    static let userWhoOwnsNothing: Int64 = 900_001

    /// One probe sent to both route sets.
    struct Exchange {
        var probe: Probe
        var request: PromptRequest
        var learner: LoggedRequest
        var expected: LoggedRequest
    }

    func grade(_ answer: Answer, in context: GradingContext) throws -> Verdict {
        guard !answer.isEmpty else { return .fail("No route yet: define \(method) \(path) with route \(method) \(path) …") }
        let routes: Routes
        switch try routesToCompare(answer, in: context) {
        case .verdict(let verdict): return verdict
        case .routes(let parsed): routes = parsed
        }
        let (learnerRoutes, learnerRoute, referenceRoutes, reference) = (routes.learner, routes.learnerRoute, routes.reference, routes.referenceRoute)
        if let verdict = forbiddenOptionVerdict(answer, learner: learnerRoute, reference: reference, in: context) { return verdict }
        let items = try itemProbes(for: reference, routes: referenceRoutes, context: context)
        var probes = makeProbes(for: reference) + items.probes + userProbes(for: reference, secondTarget: items.secondTarget)
            + corsProbes(reference: reference, learner: learnerRoute)
        probes += learnerRuleProbes(reference: reference, learner: learnerRoute, existing: probes)
        let headerNames = Self.gradedHeaderNames(reference, learnerRoute)
        let startSchemaVersion = try Self.schemaVersion(of: try context.freshCopy())

        // Round one, for every probe in order: the status, the body's fields, the database.
        var exchanges: [Exchange] = []
        for probe in probes {
            let (exchange, problems) = try firstRound(probe, learnerRoutes: learnerRoutes, referenceRoutes: referenceRoutes,
                                                      context: context, schemaVersion: startSchemaVersion, headerNames: headerNames)
            if !problems.isEmpty { return failure(exchange, reference: reference, problems) }
            exchanges.append(exchange)
        }
        // Round two: the values in the bodies, and the fields a 422 names.
        for exchange in exchanges where !(exchange.probe.method == "GET" && exchange.expected.status < 300) {
            if let problem = try valueDifference(exchange, routes: referenceRoutes, context: context) {
                return failure(exchange, reference: reference, [problem])
            }
        }
        // The valid GET on other data: answers copied from today's rows differ there.
        if let problem = try variantProblem(reference: reference, learnerRoutes: learnerRoutes, referenceRoutes: referenceRoutes, context: context) {
            return problem
        }
        // The valid GET with unordered rows read the other way round: an order by chance changes.
        if let problem = try unorderedRowsProblem(reference: reference, learnerRoutes: learnerRoutes, referenceRoutes: referenceRoutes, context: context) {
            return problem
        }
        // Round three: the requests that need one server in a row (limit, cache).
        if let problem = try sequenceProblem(reference: reference, learner: learnerRoute, learnerRoutes: learnerRoutes,
                                             referenceRoutes: referenceRoutes, context: context) {
            return problem
        }
        // Last, what earlier rounds could not see: values moved the other way, inputs only the
        // learner's route reads, a rule's refusal where the database refused; then a write route
        // on other data.
        let later = try laterProbesProblem(reference: reference, learner: learnerRoute, learnerRoutes: learnerRoutes, referenceRoutes: referenceRoutes,
                                           context: context, earlier: exchanges, schemaVersion: startSchemaVersion, headerNames: headerNames)
        if let problem = later.verdict { return problem }
        if let problem = try writeVariantProblem(reference: reference, learnerRoutes: learnerRoutes, referenceRoutes: referenceRoutes, context: context) {
            return problem
        }
        let count = probes.count + later.sent + sequenceRequestCount(reference: reference, learner: learnerRoute)
        return .pass("Correct: your route answered all \(count) probe requests like the reference, and left the database the same way.")
    }

    /// The learner's and the reference's routes, each with the route this step is about.
    struct Routes {
        var learner: [RouteDefinition]
        var learnerRoute: RouteDefinition
        var reference: [RouteDefinition]
        var referenceRoute: RouteDefinition
    }

    /// Both sides' routes parsed, or the verdict that ends grading first.
    enum RoutesToCompare {
        case routes(Routes)
        case verdict(Verdict)
    }

    /// Parses the answer and the step's solution. A learner's mistake is a verdict; a mistake in
    /// the solution is the lesson's, so it is thrown as a `LessonProblem`.
    func routesToCompare(_ answer: Answer, in context: GradingContext) throws -> RoutesToCompare {
        let learnerRoutes: [RouteDefinition]
        do { learnerRoutes = try RouteParser.parse(answer.text) } catch {
            return .verdict(.fail("Your route definition has a mistake: \(error)"))
        }
        let key = "\(method) \(PathPattern(path))"
        guard let learnerRoute = learnerRoutes.last(where: { $0.key == key }) else {
            let yours = learnerRoutes.map(\.key)
            return .verdict(.fail("You have no route \(key) yet" + (yours.isEmpty ? "." : "; yours: \(yours.joined(separator: ", ")).") ))
        }
        let referenceRoutes: [RouteDefinition]
        do { referenceRoutes = try RouteParser.parse(context.step.solution) } catch {
            throw LessonProblem(file: context.lesson.file, line: context.step.line, message: "the solution of step '\(context.step.id)' is not a valid route: \(error)")
        }
        guard let reference = referenceRoutes.first(where: { $0.key == key }) else {
            throw LessonProblem(file: context.lesson.file, line: context.step.line, message: "the solution of step '\(context.step.id)' has no route \(key)")
        }
        return .routes(Routes(learner: learnerRoutes, learnerRoute: learnerRoute, reference: referenceRoutes, referenceRoute: reference))
    }

    /// A failing verdict for options that are wrong whatever the probes say (`unsafe`, a secret
    /// written into the routes, `bind-undeclared`) unless the reference uses them too.
    func forbiddenOptionVerdict(_ answer: Answer, learner: RouteDefinition, reference: RouteDefinition, in context: GradingContext) -> Verdict? {
        let key = learner.key
        if learner.isUnsafe && !reference.isUnsafe {
            return .fail("Not yet: your route \(key) is marked unsafe: it pastes the raw input into its SQL with {name}.", [
                "Whatever the probes say, a route that splices input can be attacked (' OR '1'='1). Remove `unsafe`",
                "and use a parameter such as :name, which SQLite binds as a plain value.",
            ])
        }
        if let written = RouteOptionChecks.writtenSecret(in: answer.text, spec: context.lesson.server) { return written }
        if learner.options.bindsUndeclared && !reference.options.bindsUndeclared {
            return .fail("Not yet: your route \(key) has the line bind-undeclared: any field a client adds binds to its SQL.", [
                "That is the mass-assignment demonstration. Remove the line; then only declared inputs bind.",
            ])
        }
        return nil
    }

    /// One probe sent to both route sets, and what differs in status, the body's fields (a GET's
    /// values too) and the database afterwards.
    func firstRound(_ probe: Probe, learnerRoutes: [RouteDefinition], referenceRoutes: [RouteDefinition],
                    context: GradingContext, schemaVersion: DatabaseValue, headerNames: Set<String>) throws -> (Exchange, [String]) {
        let learner = try sendToLearner(probe, routes: learnerRoutes, context: context)
        let expected = try sendReference(probe, routes: referenceRoutes, context: context)
        let exchange = Exchange(probe: probe, request: learner.request, learner: learner.entry, expected: expected.entry)
        var problems: [String] = []
        if learner.entry.status != expected.entry.status {
            problems.append("expected status \(expected.entry.status), got \(learner.entry.status)")
        } else if expected.entry.status < 300, let shapeProblem = Self.shapeDifference(expected.entry.responseBody, learner.entry.responseBody) {
            problems.append(shapeProblem)
        } else if probe.method == "GET", expected.entry.status < 300,
                  let difference = try valueDifference(exchange, routes: referenceRoutes, context: context) {
            // Reading the same database, a GET must give the same data, not just the same fields.
            problems.append(difference)
        } else if let difference = Self.headerDifference(expected: expected.entry, got: learner.entry, names: headerNames) {
            problems.append(difference)
        }
        // Two untouched copies of the same bytes are equal: skip comparing them row by row.
        let learnerTouched = try learner.server.changedDatabase(since: schemaVersion)
        let referenceTouched = try expected.server.withConnection { try Self.changed($0, schemaVersion: schemaVersion) }
        if problems.isEmpty && (learnerTouched || referenceTouched) {
            let comparison = SQLStateCheck(queries: [], tables: tables)
            let differences = try learner.server.withConnection { learnerDatabase in
                try expected.server.withConnection { referenceDatabase in
                    try comparison.compare(learner: learnerDatabase, reference: referenceDatabase)
                }
            }
            if let differences { problems.append("the database is not as it should be afterwards: " + differences.joined(separator: " ")) }
        }
        return (exchange, problems)
    }

    static func schemaVersion(of connection: Connection) throws -> DatabaseValue {
        try connection.trusted { try connection.fetchAll("PRAGMA schema_version").first?.first ?? .null }
    }

    /// Whether a probe changed a copy: a row written, or the schema altered.
    static func changed(_ connection: Connection, schemaVersion: DatabaseValue) throws -> Bool {
        if connection.totalChanges > 0 { return true }
        return try Self.schemaVersion(of: connection) != schemaVersion
    }

    func failure(_ exchange: Exchange, reference: RouteDefinition, _ problems: [String]) -> Verdict {
        let body = exchange.request.body.map { " " + $0 } ?? ""
        let session = exchange.probe.sessionUser.map { " (logged in as user \($0))" } ?? (reference.requiresAuth ? " (not logged in)" : "")
        return .fail("Not yet: the probe \"\(exchange.probe.name)\" gets a different answer from your route.", [
            "  request:  \(exchange.request.method) \(exchange.request.target)\(String(body.prefix(200)))\(session)",
        ] + exchange.probe.headers.map { "            \($0.name): \($0.value)" } + [
            "  expected: \(exchange.expected.status) \(String(String(decoding: exchange.expected.responseBody, as: UTF8.self).prefix(200)).trimmed)",
            "  got:      \(exchange.learner.status) \(String(String(decoding: exchange.learner.responseBody, as: UTF8.self).prefix(200)).trimmed)",
        ] + problems.map { "  " + $0 })
    }

    func send(_ probe: Probe, routes: [RouteDefinition], context: GradingContext) throws -> (request: PromptRequest, entry: LoggedRequest, server: InProcessServer) {
        let server = InProcessServer(database: try context.freshCopy(), spec: context.lesson.server, extraRoutes: routes)
        let request = self.request(for: probe, on: server)
        guard let entry = try server.send([request]).first else { throw HTTPAnswer.Problem(description: "no response") }
        return (request, entry, server)
    }

    /// The request a probe sends: its input as a JSON body or a query, its headers, its session.
    func request(for probe: Probe, on server: InProcessServer) -> PromptRequest {
        var request = probeRequest(probe)
        if let user = probe.sessionUser {
            request.headers.append(.init(name: "Authorization", value: "Bearer " + server.sessions.open(userID: user)))
        }
        return request
    }
}
