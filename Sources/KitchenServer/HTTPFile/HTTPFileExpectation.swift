/// Kitchen's addition to the REST Client dialect: after a request's body, `HTTP 201` (or
/// `HTTP/1.1 201`) and optional Hurl-style `[Asserts]` lines say what the response must be.
public enum HTTPFileExpectation: Sendable, Equatable {
    case status(Int)
    case header(name: String, comparison: Comparison)
    case jsonPath(path: String, comparison: Comparison)
    case body(Comparison)

    public enum Comparison: Sendable, Equatable {
        case equals(String)
        case notEquals(String)
        case contains(String)
        case exists
        case notExists
    }

    /// `HTTP 201` or `HTTP/1.1 201`, alone on its line.
    static func status(inLine line: String) -> Int? {
        let words = line.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count == 2, words[0] == "HTTP" || words[0].hasPrefix("HTTP/"), words[1].count == 3, let status = Int(words[1]) else { return nil }
        return status
    }

    /// One `[Asserts]` line: `status == 200`, `header "Location" exists`,
    /// `jsonpath "$.name" == "Soup"`, `body contains "Soup"`. Throws the reason it is not one.
    static func parseAssert(_ line: String) throws(AssertSyntax) -> HTTPFileExpectation {
        var rest = Substring(line)
        func word() -> String {
            while rest.first == " " || rest.first == "\t" { rest = rest.dropFirst() }
            if rest.first == "\"" {
                rest = rest.dropFirst()
                let value = rest.prefix { $0 != "\"" }
                rest = rest.dropFirst(value.count + 1)
                return String(value)
            }
            let value = rest.prefix { $0 != " " && $0 != "\t" }
            rest = rest.dropFirst(value.count)
            return String(value)
        }
        let kind = word()
        guard ["status", "header", "jsonpath", "body"].contains(kind) else {
            throw AssertSyntax(message: "unknown assert '\(kind)': use status, header, jsonpath or body")
        }
        var subject = ""
        if kind == "header" || kind == "jsonpath" { subject = word() }
        let op = word()
        let value = String(rest).blankTrimmed
        let unquoted = value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 ? String(value.dropFirst().dropLast()) : value
        let comparison: Comparison
        switch op {
        case "==": comparison = .equals(unquoted)
        case "!=": comparison = .notEquals(unquoted)
        case "contains": comparison = .contains(unquoted)
        case "exists": comparison = .exists
        case "not" where value == "exists": comparison = .notExists
        default: throw AssertSyntax(message: "unknown comparison '\(op)': use ==, !=, contains, exists or not exists")
        }
        switch kind {
        case "status":
            guard case .equals(let text) = comparison, let status = Int(text) else {
                throw AssertSyntax(message: "write status == CODE")
            }
            return .status(status)
        case "header": return .header(name: subject, comparison: comparison)
        case "jsonpath": return .jsonPath(path: subject, comparison: comparison)
        default: return .body(comparison)
        }
    }

    struct AssertSyntax: Error {
        var message: String
    }

    /// Nil when the response satisfies the expectation; otherwise what differs.
    func failure(against response: ReceivedResponse) -> String? {
        switch self {
        case .status(let status):
            return response.status == status ? nil : "status: expected \(status), got \(response.status)"
        case .header(let name, let comparison):
            return Self.compare(response.header(name), comparison).map { "header \(name): \($0)" }
        case .jsonPath(let path, let comparison):
            let value = response.json.flatMap { try? JSONPath.first(path, in: $0) }
            return Self.compare(value.map(JSONPath.text), comparison).map { "jsonpath \(path): \($0)" }
        case .body(let comparison):
            return Self.compare(response.bodyText, comparison).map { "body: \($0)" }
        }
    }

    static func compare(_ actual: String?, _ comparison: Comparison) -> String? {
        switch comparison {
        case .exists: return actual == nil ? "expected it to exist" : nil
        case .notExists: return actual.map { "expected it to be absent, got \($0)" }
        case .equals(let wanted):
            if actual == wanted { return nil }
            if let actual, let number = Double(actual), Double(wanted) == number { return nil }
            return "expected \(wanted), got \(actual ?? "nothing")"
        case .notEquals(let wanted): return actual == wanted ? "expected anything but \(wanted)" : nil
        case .contains(let wanted): return actual?.contains(wanted) == true ? nil : "expected it to contain \(wanted), got \(actual ?? "nothing")"
        }
    }
}
