import KitchenLessons
import KitchenServer
import KitchenSQL
import KitchenSupport

/// The probe battery: the requests a `route` check sends, made from the reference route.
extension RouteCheck {
    struct Probe {
        var name: String
        var method: String
        var input: JSONValue?
        var rawBody: String?
        /// nil: no session; otherwise the user whose session is sent.
        var sessionUser: Int64?
        /// Another concrete path than the check's target.
        var target: String?
        /// Headers sent besides Content-Type and Authorization (Origin, If-None-Match …).
        var headers: [(name: String, value: String)] = []
    }

    /// The target with its last segment replaced.
    static func target(_ target: String, withLast segment: String) -> String {
        var parts = target.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        parts[parts.count - 1] = segment
        return parts.joined(separator: "/")
    }

    /// The target with its `index`-th "/"-separated part (0 is the empty one before the first
    /// "/") replaced.
    static func target(_ target: String, replacingPart index: Int, with segment: String) -> String {
        var parts = target.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.indices.contains(index) else { return target }
        parts[index] = segment
        return parts.joined(separator: "/")
    }

    /// Where the path's last parameter is in the target, and the number there: the 12 of
    /// `/orders/12/items` for `/orders/:id/items`, as of `/orders/12` for `/orders/:id`. Nil when
    /// the path has no parameter or the target has no number in its place.
    var numberedParameter: (part: Int, id: Int64)? {
        guard let index = PathPattern(path).segments.lastIndex(where: { if case .parameter = $0 { true } else { false } }) else { return nil }
        let parts = target.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.indices.contains(index + 1), let id = Int64(parts[index + 1]) else { return nil }
        return (index + 1, id)
    }

    /// The target with its last segment replaced by an id no table has.
    static func missingTarget(_ target: String) -> String {
        self.target(target, withLast: "987654321")
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
            probes += Self.badValues(for: rule).map { probe($0.name, with(rule.name, $0.value)) }
        }
        probes += requestProbes(for: reference, session: session)
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

    /// Values a rule must refuse: the wrong type, out of range, injection strings, huge values.
    static func badValues(for rule: FieldRule) -> [(name: String, value: JSONValue)] {
        var values: [(name: String, value: JSONValue)] = []
        switch rule.kind {
        case .integer, .number:
            values.append(("\(rule.name) is not a number", .string("abc")))
            // Integers go out as JSON integers, so an integer rule checks the range, not the type.
            let value: (Double) -> JSONValue = { rule.kind == .integer ? .integer(Int64($0)) : .number($0) }
            if let minimum = rule.minimum { values.append(("\(rule.name) below \(FieldValidation.show(minimum))", value(minimum - 1))) }
            if let maximum = rule.maximum { values.append(("\(rule.name) above \(FieldValidation.show(maximum))", value(maximum + 1))) }
            values.append(("\(rule.name) huge", value(1e18)))
            if rule.kind == .integer { values.append(("\(rule.name) with a fraction", .number(2.5))) }
        case .boolean:
            values.append(("\(rule.name) is not true or false", .string("yes")))
        case .text, .email, .date:
            values.append(("\(rule.name) is not text", .integer(12345)))
            values.append(("\(rule.name) holds an injection string", .string("' OR '1'='1")))
            values.append(("\(rule.name) is 10,000 characters long", .string(String(repeating: "x", count: 10_000))))
            if rule.minimumLength != nil { values.append(("\(rule.name) empty", .string(""))) }
            if rule.kind == .email { values.append(("\(rule.name) not an email", .string("not-an-email"))) }
            if rule.kind == .date { values.append(("\(rule.name) not a real date", .string("2024-02-30"))) }
            if let choices = rule.choices { values.append(("\(rule.name) not one of \(choices.joined(separator: "|"))", .string("zzz"))) }
        }
        return values
    }

    /// Probes about the request as a whole: malformed JSON, a missing id, a wrong method, sessions.
    func requestProbes(for reference: RouteDefinition, session: Int64?) -> [Probe] {
        var probes: [Probe] = []
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
        return probes
    }

    var isItemRoute: Bool {
        if case .parameter? = PathPattern(path).segments.last { return true }
        return false
    }

    /// For a route whose target has a number where its path's last parameter is (`/orders/12` for
    /// `/orders/:id`, and `/orders/12/items` for `/orders/:id/items`): a second existing id
    /// (catches a hard-coded id), a missing id between existing ones (catches `WHERE id >= :id`)
    /// and id 0, found by asking the reference route about the ids around the target. A nested
    /// list answers an empty list, not 404, for an id with no rows: every id counts as existing
    /// there, and the nearest other id is the second.
    func itemProbes(for reference: RouteDefinition, routes: [RouteDefinition], context: GradingContext) throws -> (probes: [Probe], secondTarget: String?) {
        guard let (part, id) = numberedParameter else { return ([], nil) }
        let session = reference.requiresAuth ? user : nil
        func probe(_ name: String, _ candidate: Int64) -> Probe {
            Probe(name: name, method: method, input: example, sessionUser: session, target: Self.target(target, replacingPart: part, with: String(candidate)))
        }
        var exists: [Int64: Bool] = [:]
        let lowest = max(1, id - 12)
        for candidate in lowest...max(lowest, id + 12) where candidate != id {
            let status = try sendReference(probe("", candidate), routes: routes, context: context).entry.status
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

}
