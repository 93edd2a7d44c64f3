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

    static let kind = CheckKind(name: "route", options: ["route", "target", "example", "user", "other-user", "users", "tables"]) { options in
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
                          users: users, tables: try options.strings("tables") ?? [])
    }

    var answerKind: AnswerKind { .routes }

    /// A user id no fixture uses: a logged-in user who owns nothing.
    static let userWhoOwnsNothing: Int64 = 900_001

    struct Probe {
        var name: String
        var method: String
        var input: JSONValue?
        var rawBody: String?
        /// nil: no session; otherwise the user whose session is sent.
        var sessionUser: Int64?
        /// Another concrete path than the check's target.
        var target: String?
    }

    /// One probe sent to both route sets.
    struct Exchange {
        var probe: Probe
        var request: PromptRequest
        var learner: LoggedRequest
        var expected: LoggedRequest
    }

    /// The target with its last segment replaced.
    static func target(_ target: String, withLast segment: String) -> String {
        var parts = target.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        parts[parts.count - 1] = segment
        return parts.joined(separator: "/")
    }

    /// The target with its last segment replaced by an id no table has.
    static func missingTarget(_ target: String) -> String {
        self.target(target, withLast: "987654321")
    }

    func grade(_ answer: Answer, in context: GradingContext) throws -> Verdict {
        guard !answer.isEmpty else { return .fail("No route yet: define \(method) \(path) with route \(method) \(path) …") }
        let learnerRoutes: [RouteDefinition]
        do { learnerRoutes = try RouteParser.parse(answer.text) } catch {
            return .fail("Your route definition has a mistake: \(error)")
        }
        let key = "\(method) \(PathPattern(path))"
        guard let learnerRoute = learnerRoutes.last(where: { $0.key == key }) else {
            let yours = learnerRoutes.map(\.key)
            return .fail("You have no route \(key) yet" + (yours.isEmpty ? "." : "; yours: \(yours.joined(separator: ", ")).") )
        }
        let referenceRoutes: [RouteDefinition]
        do { referenceRoutes = try RouteParser.parse(context.step.solution) } catch {
            throw LessonProblem(file: context.lesson.file, line: context.step.line, message: "the solution of step '\(context.step.id)' is not a valid route: \(error)")
        }
        guard let reference = referenceRoutes.first(where: { $0.key == key }) else {
            throw LessonProblem(file: context.lesson.file, line: context.step.line, message: "the solution of step '\(context.step.id)' has no route \(key)")
        }
        if learnerRoute.isUnsafe && !reference.isUnsafe {
            return .fail("Not yet: your route \(key) is marked unsafe: it pastes the raw input into its SQL with {name}.", [
                "Whatever the probes say, a route that splices input can be attacked (' OR '1'='1). Remove `unsafe`",
                "and use a parameter such as :name, which SQLite binds as a plain value.",
            ])
        }
        if let written = RouteOptionChecks.writtenSecret(in: answer.text, spec: context.lesson.server) { return written }
        if learnerRoute.options.bindsUndeclared && !reference.options.bindsUndeclared {
            return .fail("Not yet: your route \(key) has the line bind-undeclared: any field a client adds binds to its SQL.", [
                "That is the mass-assignment demonstration. Remove the line; then only declared inputs bind.",
            ])
        }
        let items = try itemProbes(for: reference, routes: referenceRoutes, context: context)
        let probes = makeProbes(for: reference) + items.probes + userProbes(for: reference, secondTarget: items.secondTarget)
        let comparison = SQLStateCheck(queries: [], tables: tables)
        let startSchemaVersion = try Self.schemaVersion(of: try context.freshCopy())

        // Round one, for every probe in order: the status, the body's fields, the database.
        var exchanges: [Exchange] = []
        for probe in probes {
            let learner = try send(probe, routes: learnerRoutes, context: context)
            let expected = try send(probe, routes: referenceRoutes, context: context)
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
            }
            // Two untouched copies of the same bytes are equal: skip comparing them row by row.
            let learnerTouched = try learner.server.withConnection { try Self.changed($0, schemaVersion: startSchemaVersion) }
            let referenceTouched = try expected.server.withConnection { try Self.changed($0, schemaVersion: startSchemaVersion) }
            let touched = learnerTouched || referenceTouched
            if problems.isEmpty && touched {
                let differences = try learner.server.withConnection { learnerDatabase in
                    try expected.server.withConnection { referenceDatabase in
                        try comparison.compare(learner: learnerDatabase, reference: referenceDatabase)
                    }
                }
                if let differences { problems.append("the database is not as it should be afterwards: " + differences.joined(separator: " ")) }
            }
            if !problems.isEmpty { return failure(exchange, reference: reference, problems) }
            exchanges.append(exchange)
        }
        // Round two: the values in the bodies, and the fields a 422 names.
        for exchange in exchanges where !(exchange.probe.method == "GET" && exchange.expected.status < 300) {
            if let problem = try valueDifference(exchange, routes: referenceRoutes, context: context) {
                return failure(exchange, reference: reference, [problem])
            }
        }
        return .pass("Correct: your route answered all \(probes.count) probe requests like the reference, and left the database the same way.")
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
            "  expected: \(exchange.expected.status) \(String(String(decoding: exchange.expected.responseBody, as: UTF8.self).prefix(200)).trimmed)",
            "  got:      \(exchange.learner.status) \(String(String(decoding: exchange.learner.responseBody, as: UTF8.self).prefix(200)).trimmed)",
        ] + problems.map { "  " + $0 })
    }

    /// Nil when the bodies hold the same values, leaving out values that differ between two runs
    /// of the reference itself (a token, a timestamp); for error answers, the fields a 422 names.
    func valueDifference(_ exchange: Exchange, routes: [RouteDefinition], context: GradingContext) throws -> String? {
        let want = try? JSONValue.parse(exchange.expected.responseBody)
        let got = try? JSONValue.parse(exchange.learner.responseBody)
        if exchange.expected.status >= 300 {
            guard case .object(let wanted)? = want?["fields"] else { return nil }
            let wantedNames = wanted.map(\.0).sorted()
            var gotNames: [String] = []
            if case .object(let received)? = got?["fields"] { gotNames = received.map(\.0).sorted() }
            guard wantedNames != gotNames else { return nil }
            return "the \(exchange.expected.status) answer names the fields \(gotNames.isEmpty ? "none" : gotNames.joined(separator: ", ")); expected \(wantedNames.joined(separator: ", "))"
        }
        if want == nil || got == nil {
            return RouteOptionChecks.pageDifference(expected: exchange.expected.responseBody, actual: exchange.learner.responseBody)
        }
        var differences = Self.valueDifferences(want, got)
        guard !differences.isEmpty else { return nil }
        // Values that change from one run to the next are not the learner's doing.
        let again = try send(exchange.probe, routes: routes, context: context).entry
        let unstable = Set(Self.valueDifferences(want, try? JSONValue.parse(again.responseBody)).map(\.path))
        differences.removeAll { unstable.contains($0.path) }
        guard let first = differences.first else { return nil }
        return "the response body holds other data than expected: at \(first.path), got \(first.got); expected \(first.expected)"
            + (differences.count > 1 ? " (and \(differences.count - 1) more difference\(differences.count == 2 ? "" : "s"))" : "")
    }

    /// Where two JSON values differ, as JSON paths with both values.
    static func valueDifferences(_ expected: JSONValue?, _ actual: JSONValue?, at path: String = "$") -> [(path: String, expected: String, got: String)] {
        func show(_ value: JSONValue?) -> String { value.map { String($0.serialized().prefix(80)) } ?? "nothing" }
        switch (expected, actual) {
        case (.object(let wanted)?, .object(let received)?):
            var differences: [(path: String, expected: String, got: String)] = []
            for (name, value) in wanted {
                differences += valueDifferences(value, received.first { $0.0 == name }?.1, at: path + "." + name)
            }
            for (name, value) in received where !wanted.contains(where: { $0.0 == name }) {
                differences.append((path + "." + name, "nothing", show(value)))
            }
            return differences
        case (.array(let wanted)?, .array(let received)?) where wanted.count == received.count:
            return zip(wanted, received).enumerated().flatMap { index, pair in valueDifferences(pair.0, pair.1, at: path + "[\(index)]") }
        default:
            return expected == actual ? [] : [(path, show(expected), show(actual))]
        }
    }

    func send(_ probe: Probe, routes: [RouteDefinition], context: GradingContext) throws -> (request: PromptRequest, entry: LoggedRequest, server: InProcessServer) {
        let server = InProcessServer(database: try context.freshCopy(), spec: context.lesson.server, extraRoutes: routes)
        var request = PromptRequest(method: probe.method, target: probe.target ?? target, headers: [], body: nil)
        let hasBody = ["POST", "PUT", "PATCH"].contains(probe.method)
        if let raw = probe.rawBody {
            request.body = raw
            request.headers.append(.init(name: "Content-Type", value: "application/json"))
        } else if let input = probe.input, case .object(let fields) = input {
            if hasBody {
                request.body = input.serialized()
                request.headers.append(.init(name: "Content-Type", value: "application/json"))
            } else if !fields.isEmpty {
                request.target += "?" + fields.map { QueryString.encode($0.0) + "=" + QueryString.encode($0.1.stringValue ?? $0.1.serialized()) }.joined(separator: "&")
            }
        }
        if let user = probe.sessionUser {
            request.headers.append(.init(name: "Authorization", value: "Bearer " + server.sessions.open(userID: user)))
        }
        guard let entry = try server.send([request]).first else { throw HTTPAnswer.Problem(description: "no response") }
        return (request, entry, server)
    }

    /// The probes the reference route's rules call for.
    func makeProbes(for reference: RouteDefinition) -> [Probe] {
        let session = reference.requiresAuth ? user : nil
        var probes = [Probe(name: "a valid request", method: method, input: example, sessionUser: session)]
        guard case .object(let fields) = example else { return probes }
        // A second valid request with other values catches a route that hard-codes the example's.
        if !fields.isEmpty {
            let varied = JSONValue.object(fields.map { name, value in (name, Self.vary(value, rule: reference.rules.first { $0.name == name })) })
            probes.append(Probe(name: "another valid request, with other values", method: method, input: varied, sessionUser: session))
        }
        func with(_ name: String, _ value: JSONValue?) -> JSONValue {
            var copy = fields.filter { $0.0 != name }
            if let value { copy.append((name, value)) }
            return .object(copy)
        }
        func probe(_ name: String, _ input: JSONValue) -> Probe {
            Probe(name: name, method: method, input: input, sessionUser: session)
        }
        for rule in reference.rules {
            if rule.required { probes.append(probe("\(rule.name) missing", with(rule.name, nil))) }
            switch rule.kind {
            case .integer, .number:
                probes.append(probe("\(rule.name) is not a number", with(rule.name, .string("abc"))))
                // Integers go out as JSON integers, so an integer rule checks the range, not the type.
                let value: (Double) -> JSONValue = { rule.kind == .integer ? .integer(Int64($0)) : .number($0) }
                if let minimum = rule.minimum {
                    probes.append(probe("\(rule.name) below \(FieldValidation.show(minimum))", with(rule.name, value(minimum - 1))))
                }
                if let maximum = rule.maximum {
                    probes.append(probe("\(rule.name) above \(FieldValidation.show(maximum))", with(rule.name, value(maximum + 1))))
                }
                probes.append(probe("\(rule.name) huge", with(rule.name, value(1e18))))
                if rule.kind == .integer {
                    probes.append(probe("\(rule.name) with a fraction", with(rule.name, .number(2.5))))
                }
            case .boolean:
                probes.append(probe("\(rule.name) is not true or false", with(rule.name, .string("yes"))))
            case .text, .email, .date:
                probes.append(probe("\(rule.name) is not text", with(rule.name, .integer(12345))))
                probes.append(probe("\(rule.name) holds an injection string", with(rule.name, .string("' OR '1'='1"))))
                probes.append(probe("\(rule.name) is 10,000 characters long", with(rule.name, .string(String(repeating: "x", count: 10_000)))))
                if rule.minimumLength != nil { probes.append(probe("\(rule.name) empty", with(rule.name, .string("")))) }
                if rule.kind == .email { probes.append(probe("\(rule.name) not an email", with(rule.name, .string("not-an-email")))) }
                if rule.kind == .date { probes.append(probe("\(rule.name) not a real date", with(rule.name, .string("2024-02-30")))) }
                if let choices = rule.choices { probes.append(probe("\(rule.name) not one of \(choices.joined(separator: "|"))", with(rule.name, .string("zzz")))) }
            }
        }
        if ["POST", "PUT", "PATCH"].contains(method) {
            probes.append(Probe(name: "malformed JSON", method: method, input: nil, rawBody: "{\"oops\": ", sessionUser: session))
        }
        // An item route must answer a row that does not exist.
        if isItemRoute {
            probes.append(Probe(name: "an id that does not exist", method: method, input: example, sessionUser: session, target: Self.missingTarget(target)))
        }
        let otherMethod = method == "DELETE" ? "PATCH" : "DELETE"
        probes.append(Probe(name: "a wrong method (\(otherMethod))", method: otherMethod, input: nil, sessionUser: session))
        if reference.requiresAuth {
            probes.append(Probe(name: "no session", method: method, input: example, sessionUser: nil))
            if let otherUser { probes.append(Probe(name: "someone else's session", method: method, input: example, sessionUser: otherUser)) }
        }
        // The boundaries of every rule, after the probes above so that their findings come first.
        for rule in reference.rules {
            probes += Self.boundaryValues(for: rule, example: fields.first { $0.0 == rule.name }?.1).map { probe($0.name, with(rule.name, $0.value)) }
        }
        let optional = reference.rules.filter { rule in !rule.required && fields.contains { $0.0 == rule.name } }
        for rule in optional {
            probes.append(probe("\(rule.name) left out (it is optional)", with(rule.name, nil)))
        }
        if optional.count > 1 {
            let names = optional.map(\.name)
            probes.append(probe("every optional input left out (\(names.joined(separator: ", ")))", .object(fields.filter { !names.contains($0.0) })))
        }
        return probes
    }

    var isItemRoute: Bool {
        if case .parameter? = PathPattern(path).segments.last { return true }
        return false
    }

    /// For an item route whose target ends in a number: a second existing id (catches a hard-coded
    /// id), a missing id between existing ones (catches `WHERE id >= :id`) and id 0, found by asking
    /// the reference route about the ids around the target.
    func itemProbes(for reference: RouteDefinition, routes: [RouteDefinition], context: GradingContext) throws -> (probes: [Probe], secondTarget: String?) {
        guard isItemRoute, let last = target.split(separator: "/").last, let id = Int64(last) else { return ([], nil) }
        let session = reference.requiresAuth ? user : nil
        func probe(_ name: String, _ candidate: Int64) -> Probe {
            Probe(name: name, method: method, input: example, sessionUser: session, target: Self.target(target, withLast: String(candidate)))
        }
        var exists: [Int64: Bool] = [:]
        let lowest = max(1, id - 12)
        for candidate in lowest...max(lowest, id + 12) where candidate != id {
            let status = try send(probe("", candidate), routes: routes, context: context).entry.status
            exists[candidate] = status != 404
        }
        exists[id] = true
        var probes: [Probe] = []
        var secondTarget: String?
        let present = exists.filter(\.value).keys.sorted()
        if let second = present.filter({ $0 != id }).min(by: { abs($0 - id) < abs($1 - id) }) {
            probes.append(probe("a second existing id (\(second))", second))
            secondTarget = probes.last?.target
        }
        if let low = present.first, let high = present.last,
           let gap = exists.filter({ !$0.value && $0.key > low && $0.key < high }).keys.sorted().min(by: { abs($0 - id) < abs($1 - id) }) {
            probes.append(probe("a missing id (\(gap)) between existing ones", gap))
        }
        probes.append(probe("id 0", 0))
        return (probes, secondTarget)
    }

    /// For `auth` routes: the valid request under the sessions of every user the step names and of
    /// a user who owns nothing (for item routes also on the second id), so an owner check that
    /// only fails for one particular user, or a route that ignores the session, is found.
    func userProbes(for reference: RouteDefinition, secondTarget: String?) -> [Probe] {
        guard reference.requiresAuth else { return [] }
        var probes: [Probe] = []
        let others = ([otherUser].compactMap { $0 } + users).filter { $0 != user }
        let targets: [String?] = [nil] + (secondTarget.map { [$0] } ?? [])
        for target in targets {
            let suffix = target.map { " on \($0)" } ?? ""
            for other in others where target != nil || other != otherUser {
                probes.append(Probe(name: "the valid request as user \(other)\(suffix)", method: method, input: example, sessionUser: other, target: target))
            }
            probes.append(Probe(name: "the valid request as user \(Self.userWhoOwnsNothing), who owns nothing\(suffix)", method: method, input: example,
                                sessionUser: Self.userWhoOwnsNothing, target: target))
        }
        return probes
    }

    /// The values at and around a rule's limits, each named for the probe that sends it.
    static func boundaryValues(for rule: FieldRule, example: JSONValue?) -> [(name: String, value: JSONValue)] {
        var values: [(name: String, value: JSONValue)] = []
        let name = rule.name
        switch rule.kind {
        case .integer, .number:
            let make: (Double) -> JSONValue = { rule.kind == .integer ? .integer(Int64($0)) : .number($0) }
            let step = rule.kind == .integer ? 1.0 : 0.5
            if let choices = rule.choices {
                for choice in choices {
                    if let number = Double(choice) { values.append(("\(name) is \(choice), one of \(choices.joined(separator: "|"))", make(number))) }
                }
            }
            if let minimum = rule.minimum {
                values.append(("\(name) exactly \(FieldValidation.show(minimum)) (the minimum)", make(minimum)))
                values.append(("\(name) just below \(FieldValidation.show(minimum)) (\(FieldValidation.show(minimum - step)))", make(minimum - step)))
                values.append(("\(name) just above \(FieldValidation.show(minimum)) (\(FieldValidation.show(minimum + step)))", make(minimum + step)))
            }
            if let maximum = rule.maximum {
                values.append(("\(name) exactly \(FieldValidation.show(maximum)) (the maximum)", make(maximum)))
                values.append(("\(name) just below \(FieldValidation.show(maximum)) (\(FieldValidation.show(maximum - step)))", make(maximum - step)))
                values.append(("\(name) just above \(FieldValidation.show(maximum)) (\(FieldValidation.show(maximum + step)))", make(maximum + step)))
            }
            if rule.minimum == nil && rule.maximum == nil && rule.choices == nil {
                values.append(("\(name) is 0", make(0)))
                values.append(("\(name) is negative", make(-1)))
            }
        case .boolean:
            values.append(("\(name) is true", .bool(true)))
            values.append(("\(name) is false", .bool(false)))
        case .text, .email, .date:
            if let choices = rule.choices {
                for choice in choices { values.append(("\(name) is \"\(choice)\", one of \(choices.joined(separator: "|"))", .string(choice))) }
                // Near misses catch a loosened list (A|B|C|D for A|B|C).
                var nearMisses: [String] = []
                for choice in choices {
                    for candidate in patternVariants(of: choice) + [choice + "x"] where !choices.contains(candidate) && !nearMisses.contains(candidate) {
                        nearMisses.append(candidate)
                    }
                }
                for miss in nearMisses.prefix(4) { values.append(("\(name) is \"\(miss)\", not one of \(choices.joined(separator: "|"))", .string(miss))) }
                values.append(("\(name) is \"\(choices[0].uppercased() == choices[0] ? choices[0].lowercased() : choices[0].uppercased())\" (another case)",
                               .string(choices[0].uppercased() == choices[0] ? choices[0].lowercased() : choices[0].uppercased())))
            }
            if let pattern = rule.pattern, let regex = try? Regex(pattern) {
                let seed = example?.stringValue ?? ""
                let matches: (String) -> Bool = { (try? regex.wholeMatch(in: $0)) != nil }
                if let valid = patternVariants(of: seed).first(where: { $0 != seed && matches($0) }) {
                    values.append(("\(name) \"\(valid.prefix(40))\", which matches the pattern", .string(valid)))
                }
                for invalid in patternBreakers(of: seed).filter({ !matches($0) }).prefix(4) {
                    values.append(("\(name) \"\(invalid.prefix(40))\", which does not match the pattern", .string(invalid)))
                }
            }
            if rule.kind == .date {
                values.append(("\(name) on a leap day (2024-02-29)", .string("2024-02-29")))
                values.append(("\(name) 2023-02-29 (not a leap year)", .string("2023-02-29")))
                values.append(("\(name) not written YYYY-MM-DD (01/05/2024)", .string("01/05/2024")))
            }
            guard rule.pattern == nil, rule.choices == nil, rule.kind != .date else { break }
            func text(_ length: Int) -> String? {
                guard length >= 0 else { return nil }
                if rule.kind == .email {
                    guard length >= 14 else { return nil }
                    return String(repeating: "a", count: length - 12) + "@example.com"
                }
                return String(repeating: "x", count: length)
            }
            if let minimum = rule.minimumLength {
                for (length, label) in [(minimum, "exactly \(minimum) characters (the minimum)"), (minimum - 1, "\(minimum - 1) characters, one too few")] where minimum > 1 || length == minimum {
                    if let value = text(length) { values.append(("\(name) \(label)", .string(value))) }
                }
            }
            if let maximum = rule.maximumLength {
                for (length, label) in [(maximum, "exactly \(maximum) characters (the maximum)"), (maximum + 1, "\(maximum + 1) characters, one too many")] {
                    if let value = text(length) { values.append(("\(name) \(label)", .string(value))) }
                }
            }
        }
        return values
    }

    /// Texts shaped like `seed` with other characters of the same kinds (digits for digits,
    /// letters for letters), to find a second value a pattern accepts.
    static func patternVariants(of seed: String) -> [String] {
        func shift(_ text: String, by amount: UInt32) -> String {
            String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
                switch scalar.value {
                case 0x30...0x39: return Unicode.Scalar(0x30 + (scalar.value - 0x30 + amount) % 10)!
                case 0x61...0x7A: return Unicode.Scalar(0x61 + (scalar.value - 0x61 + amount) % 26)!
                case 0x41...0x5A: return Unicode.Scalar(0x41 + (scalar.value - 0x41 + amount) % 26)!
                default: return scalar
                }
            }))
        }
        return [shift(seed, by: 1), shift(seed, by: 3), shift(seed, by: 7)]
    }

    /// Near misses of `seed`: a character more or less, a digit turned into a letter and back,
    /// another case, nothing at all. The ones the pattern rejects are the probes.
    static func patternBreakers(of seed: String) -> [String] {
        var candidates: [String] = []
        if let last = seed.last { candidates.append(seed + String(last)) }
        if !seed.isEmpty { candidates.append(String(seed.dropLast())) }
        func replacing(_ index: String.Index, with character: Character) -> String {
            var copy = seed
            copy.replaceSubrange(index...index, with: [character])
            return copy
        }
        if let index = seed.firstIndex(where: \.isNumber) { candidates.append(replacing(index, with: "x")) }
        if let index = seed.firstIndex(where: \.isLetter) { candidates.append(replacing(index, with: "7")) }
        candidates += [seed + " ", " " + seed, seed.uppercased(), seed.lowercased(), seed + "x", "x" + seed, "", "x"]
        var seen: Set<String> = [seed]
        return candidates.filter { seen.insert($0).inserted }
    }

    /// Another value that still satisfies `rule` (when there is one).
    static func vary(_ value: JSONValue, rule: FieldRule?) -> JSONValue {
        switch value {
        case .integer(let number):
            if let maximum = rule?.maximum, Double(number + 1) > maximum {
                return .integer(number - 1 >= Int64(rule?.minimum ?? -Double.infinity) ? number - 1 : number)
            }
            return .integer(number + 1)
        case .number(let number):
            if let maximum = rule?.maximum, number + 0.5 > maximum { return .number(max(number - 0.5, rule?.minimum ?? number - 0.5)) }
            return .number(number + 0.5)
        case .bool(let flag):
            return .bool(!flag)
        case .string(let text):
            if let choices = rule?.choices { return .string(choices.first { $0 != text } ?? text) }
            if rule?.pattern != nil { return value }
            switch rule?.kind {
            case .email?: return .string("v." + text)
            case .date?:
                let parts = text.split(separator: "-")
                if parts.count == 3, let day = Int(parts[2]) {
                    let next = day < 28 ? day + 1 : day - 1
                    return .string("\(parts[0])-\(parts[1])-" + (next < 10 ? "0" : "") + "\(next)")
                }
                return value
            default:
                if let maximum = rule?.maximumLength, text.count + 2 > maximum { return .string(String(text.dropLast())) }
                return .string(text + " 2")
            }
        default:
            return value
        }
    }

    /// The keys of the JSON bodies (of the object, or of an array's first object) must agree.
    static func shapeDifference(_ expected: [UInt8], _ actual: [UInt8]) -> String? {
        let want = try? JSONValue.parse(expected)
        let got = try? JSONValue.parse(actual)
        func keys(_ value: JSONValue?) -> [String]? {
            switch value {
            case .object(let pairs)?: return pairs.map(\.0).sorted()
            case .array(let items)?: return items.isEmpty ? [] : keys(items[0])
            default: return nil
            }
        }
        // An empty list has no fields to compare: say how many items there are instead.
        if case .array(let wantItems)? = want, case .array(let gotItems)? = got, wantItems.isEmpty != gotItems.isEmpty {
            return "the response has \(gotItems.count) items; expected \(wantItems.count)"
        }
        let wantedKeys = keys(want), gotKeys = keys(got)
        if wantedKeys != gotKeys {
            func list(_ keys: [String]?) -> String { keys.map { $0.isEmpty ? "none" : $0.joined(separator: ", ") } ?? "none" }
            return "the response body has the fields \(list(gotKeys)); expected \(list(wantedKeys))"
        }
        if case .array(let wantItems)? = want, case .array(let gotItems)? = got, wantItems.count != gotItems.count {
            return "the response has \(gotItems.count) items; expected \(wantItems.count)"
        }
        return nil
    }
}
