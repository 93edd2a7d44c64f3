import KitchenLessons
import KitchenServer
import KitchenSQL
import KitchenSupport

/// How two answers to the same probe differ: their JSON fields and values.
extension RouteCheck {
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
        let sortSQL = referenceSQL(in: routes)
        var differences = Self.valueDifferences(want, Self.alignedWithinTies(want, got, sortSQL: sortSQL))
        guard !differences.isEmpty else { return nil }
        // Values that change from one run to the next are not the learner's doing.
        let again = try send(exchange.probe, routes: routes, context: context).entry
        let unstable = Set(Self.valueDifferences(want, Self.alignedWithinTies(want, try? JSONValue.parse(again.responseBody), sortSQL: sortSQL)).map(\.path))
        differences.removeAll { unstable.contains($0.path) }
        guard let first = differences.first else { return nil }
        return "the response body holds other data than expected: at \(first.path), got \(first.got); expected \(first.expected)"
            + (differences.count > 1 ? " (and \(differences.count - 1) more difference\(differences.count == 2 ? "" : "s"))" : "")
    }

    /// The SQL of the route under test among `routes` (the reference's): its ORDER BY says which
    /// items of a list tie (`alignedWithinTies`).
    func referenceSQL(in routes: [RouteDefinition]) -> String? {
        routes.first { $0.key == "\(method) \(path)" }?.sql
    }

    /// `actual` (a list) with the reference's ties taken in any order. Rows that tie under the
    /// reference's ORDER BY (items equal on the fields it sorts by: `ReferenceSort`) may come in
    /// any order among themselves: "cheapest first" is answered by `ORDER BY price` and by
    /// `ORDER BY price, name` alike. Where the items at a tie's places are the same items (for
    /// the last tie, when the reference's LIMIT cut it, any items with the tie's values), they
    /// are put in `expected`'s order, so only a real difference remains. A reference whose ORDER
    /// BY sorts by something its items do not show leaves `actual` as it is.
    static func alignedWithinTies(_ expected: JSONValue?, _ actual: JSONValue?, sortSQL: String?) -> JSONValue? {
        guard let sortSQL, case .array(let want)? = expected, case .array(let got)? = actual, want.count == got.count,
              case .object(let first)? = want.first,
              let sort = ReferenceSort.of(sortSQL, resultColumns: first.map(\.0)) else { return actual }
        let names = sort.columns.map { first[$0].0 }
        func sortValues(_ item: JSONValue) -> [String] { names.map { item[$0].map(canonical) ?? "" } }
        var aligned = got
        var start = 0
        while start < want.count {
            let tie = sortValues(want[start])
            var end = start + 1
            while end < want.count, sortValues(want[end]) == tie { end += 1 }
            let places = start..<end
            if places.allSatisfy({ sortValues(got[$0]) == tie }) {
                let cut = sort.limited && end == want.count
                if cut || places.map({ canonical(got[$0]) }).sorted() == places.map({ canonical(want[$0]) }).sorted() {
                    for place in places { aligned[place] = want[place] }
                }
            }
            start = end
        }
        return .array(aligned)
    }

    /// A JSON value as text with every object's keys sorted, so equal values read the same.
    static func canonical(_ value: JSONValue) -> String {
        switch value {
        case .object(let pairs): "{" + pairs.sorted { $0.0 < $1.0 }.map { JSONValue.string($0.0).serialized() + ":" + canonical($0.1) }.joined(separator: ",") + "}"
        case .array(let items): "[" + items.map(canonical).joined(separator: ",") + "]"
        default: value.serialized()
        }
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
