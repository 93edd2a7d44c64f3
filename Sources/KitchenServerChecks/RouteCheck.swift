import KitchenLessons
import KitchenServer
import KitchenSQL
import KitchenSupport

/// `route`: puts the learner's route through a battery of probe requests, as a back-end reviewer
/// would — a valid request, each kind of invalid input the reference route's rules name (missing,
/// wrong type, out of range, too long, malformed), an injection string, huge values, a wrong method,
/// malformed JSON, and for `auth` routes no session and someone else's session — and compares the
/// status, the body's shape and the database afterwards with the reference route's, each probe on
/// fresh copies of the step's database.
struct RouteCheck: Check {
    /// `POST /orders`: the route under test.
    var method: String
    var path: String
    /// The concrete path to send to (`/orders/3` for `/orders/:id`).
    var target: String
    /// A valid input, as JSON.
    var example: JSONValue
    /// A user with a session for `auth` routes, and another user for foreign-session probes.
    var user: Int64?
    var otherUser: Int64?
    var tables: [String]

    static let kind = CheckKind(name: "route", options: ["route", "target", "example", "user", "other-user", "tables"]) { options in
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
        return RouteCheck(method: words[0].uppercased(), path: words[1], target: target, example: example,
                          user: (try options.number("user")).map { Int64($0) }, otherUser: (try options.number("other-user")).map { Int64($0) },
                          tables: try options.strings("tables") ?? [])
    }

    var answerKind: AnswerKind { .routes }

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

    /// The target with its last segment replaced by an id no table has.
    static func missingTarget(_ target: String) -> String {
        var parts = target.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        parts[parts.count - 1] = "987654321"
        return parts.joined(separator: "/")
    }

    func grade(_ answer: Answer, in context: GradingContext) throws -> Verdict {
        guard !answer.isEmpty else { return .fail("No route yet: define \(method) \(path) with route \(method) \(path) …") }
        let learnerRoutes: [RouteDefinition]
        do { learnerRoutes = try RouteParser.parse(answer.text) } catch {
            return .fail("Your route definition has a mistake: \(error)")
        }
        let key = "\(method) \(PathPattern(path))"
        guard learnerRoutes.contains(where: { $0.key == key }) else {
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
        let probes = makeProbes(for: reference)
        let comparison = SQLStateCheck(queries: [], tables: tables)
        for probe in probes {
            let learner = try send(probe, routes: learnerRoutes, context: context)
            let expected = try send(probe, routes: referenceRoutes, context: context)
            var problems: [String] = []
            if learner.entry.status != expected.entry.status {
                problems.append("expected status \(expected.entry.status), got \(learner.entry.status)")
            } else if expected.entry.status < 300, let shapeProblem = Self.shapeDifference(expected.entry.responseBody, learner.entry.responseBody) {
                problems.append(shapeProblem)
            } else if probe.method == "GET", expected.entry.status < 300,
                      (try? JSONValue.parse(expected.entry.responseBody)) != (try? JSONValue.parse(learner.entry.responseBody)) {
                // Reading the same database, a GET must give the same data, not just the same fields.
                problems.append("the response body holds other data than expected")
            }
            if problems.isEmpty {
                let differences = try learner.server.withConnection { learnerDatabase in
                    try expected.server.withConnection { referenceDatabase in
                        try comparison.compare(learner: learnerDatabase, reference: referenceDatabase)
                    }
                }
                if let differences { problems.append("the database is not as it should be afterwards: " + differences.joined(separator: " ")) }
            }
            if !problems.isEmpty {
                let body = learner.request.body.map { " " + $0 } ?? ""
                let session = probe.sessionUser.map { " (logged in as user \($0))" } ?? (reference.requiresAuth ? " (not logged in)" : "")
                return .fail("Not yet: the probe \"\(probe.name)\" gets a different answer from your route.", [
                    "  request:  \(learner.request.method) \(learner.request.target)\(body)\(session)",
                    "  expected: \(expected.entry.status) \(String(String(decoding: expected.entry.responseBody, as: UTF8.self).prefix(200)).trimmed)",
                    "  got:      \(learner.entry.status) \(String(String(decoding: learner.entry.responseBody, as: UTF8.self).prefix(200)).trimmed)",
                ] + problems.map { "  " + $0 })
            }
        }
        return .pass("Correct: your route answered all \(probes.count) probe requests like the reference, and left the database the same way.")
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
        for rule in reference.rules {
            if rule.required { probes.append(Probe(name: "\(rule.name) missing", method: method, input: with(rule.name, nil), sessionUser: session)) }
            switch rule.kind {
            case .integer, .number:
                probes.append(Probe(name: "\(rule.name) is not a number", method: method, input: with(rule.name, .string("abc")), sessionUser: session))
                // Integers go out as JSON integers, so an integer rule checks the range, not the type.
                let value: (Double) -> JSONValue = { rule.kind == .integer ? .integer(Int64($0)) : .number($0) }
                if let minimum = rule.minimum {
                    probes.append(Probe(name: "\(rule.name) below \(FieldValidation.show(minimum))", method: method, input: with(rule.name, value(minimum - 1)), sessionUser: session))
                }
                if let maximum = rule.maximum {
                    probes.append(Probe(name: "\(rule.name) above \(FieldValidation.show(maximum))", method: method, input: with(rule.name, value(maximum + 1)), sessionUser: session))
                }
                probes.append(Probe(name: "\(rule.name) huge", method: method, input: with(rule.name, value(1e18)), sessionUser: session))
                if rule.kind == .integer {
                    probes.append(Probe(name: "\(rule.name) with a fraction", method: method, input: with(rule.name, .number(2.5)), sessionUser: session))
                }
            case .boolean:
                probes.append(Probe(name: "\(rule.name) is not true or false", method: method, input: with(rule.name, .string("yes")), sessionUser: session))
            case .text, .email, .date:
                probes.append(Probe(name: "\(rule.name) is not text", method: method, input: with(rule.name, .integer(12345)), sessionUser: session))
                probes.append(Probe(name: "\(rule.name) holds an injection string", method: method, input: with(rule.name, .string("' OR '1'='1")), sessionUser: session))
                probes.append(Probe(name: "\(rule.name) is 10,000 characters long", method: method, input: with(rule.name, .string(String(repeating: "x", count: 10_000))), sessionUser: session))
                if rule.minimumLength != nil { probes.append(Probe(name: "\(rule.name) empty", method: method, input: with(rule.name, .string("")), sessionUser: session)) }
                if rule.kind == .email { probes.append(Probe(name: "\(rule.name) not an email", method: method, input: with(rule.name, .string("not-an-email")), sessionUser: session)) }
                if rule.kind == .date { probes.append(Probe(name: "\(rule.name) not a real date", method: method, input: with(rule.name, .string("2024-02-30")), sessionUser: session)) }
                if let choices = rule.choices { probes.append(Probe(name: "\(rule.name) not one of \(choices.joined(separator: "|"))", method: method, input: with(rule.name, .string("zzz")), sessionUser: session)) }
            }
        }
        if ["POST", "PUT", "PATCH"].contains(method) {
            probes.append(Probe(name: "malformed JSON", method: method, input: nil, rawBody: "{\"oops\": ", sessionUser: session))
        }
        // An item route must answer a row that does not exist.
        if case .parameter? = PathPattern(path).segments.last {
            probes.append(Probe(name: "an id that does not exist", method: method, input: example, sessionUser: session, target: Self.missingTarget(target)))
        }
        let otherMethod = method == "DELETE" ? "PATCH" : "DELETE"
        probes.append(Probe(name: "a wrong method (\(otherMethod))", method: otherMethod, input: nil, sessionUser: session))
        if reference.requiresAuth {
            probes.append(Probe(name: "no session", method: method, input: example, sessionUser: nil))
            if let otherUser { probes.append(Probe(name: "someone else's session", method: method, input: example, sessionUser: otherUser)) }
        }
        return probes
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
        let wantedKeys = keys(want), gotKeys = keys(got)
        if wantedKeys != gotKeys {
            return "the response body has the fields \(gotKeys?.joined(separator: ", ") ?? "none"); expected \(wantedKeys?.joined(separator: ", ") ?? "none")"
        }
        if case .array(let wantItems)? = want, case .array(let gotItems)? = got, wantItems.count != gotItems.count {
            return "the response has \(gotItems.count) items; expected \(wantItems.count)"
        }
        return nil
    }
}
