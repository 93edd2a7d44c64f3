import KitchenSupport

/// A `.http` file as VS Code's REST Client and JetBrains read it — requests separated by `###`,
/// `@name = value` variables and `{{name}}` substitution, `# @name id` to name a request whose
/// response later requests can use (`{{id.response.body.$.id}}`) — plus Hurl-style expectations
/// after a request:
///
///     POST {{host}}/menu
///     Content-Type: application/json
///
///     {"name": "Soup", "category_id": 1, "price": 5}
///
///     HTTP 201
///     [Asserts]
///     header "Location" exists
///     jsonpath "$.name" == "Soup"
public struct HTTPFile: Sendable {
    public struct Entry: Sendable {
        /// The request text with `{{…}}` still in it (substituted when it is sent).
        public var lines: [String]
        public var name: String?
        public var expectations: [Expectation]
        /// 1-based line of the request line in the file.
        public var line: Int
    }

    public enum Expectation: Sendable, Equatable {
        case status(Int)
        case header(name: String, comparison: Comparison)
        case jsonPath(path: String, comparison: Comparison)
        case body(Comparison)
    }

    public enum Comparison: Sendable, Equatable {
        case equals(String)
        case notEquals(String)
        case contains(String)
        case exists
        case notExists
    }

    public var variables: [(String, String)]
    public var entries: [Entry]

    public struct Problem: Error, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    public static func parse(_ text: String) throws -> HTTPFile {
        var file = HTTPFile(variables: [], entries: [])
        var current: Entry?
        var inAsserts = false
        var inBody = false
        func finish() {
            if var entry = current {
                while entry.lines.last?.trimmed.isEmpty == true { entry.lines.removeLast() }
                if !entry.lines.isEmpty { file.entries.append(entry) }
            }
            current = nil
            inAsserts = false
            inBody = false
        }
        var pendingName: String?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = String(raw).replacing("\r", with: "")
            let trimmed = line.trimmed
            if trimmed.hasPrefix("###") {
                finish()
                continue
            }
            if current == nil || current?.lines.isEmpty == true {
                if trimmed.isEmpty { continue }
                if trimmed.hasPrefix("@"), let equals = trimmed.firstIndex(of: "=") {
                    let name = String(trimmed[trimmed.index(after: trimmed.startIndex)..<equals]).trimmed
                    file.variables.append((name, String(trimmed[trimmed.index(after: equals)...]).trimmed))
                    continue
                }
                if trimmed.hasPrefix("#") || trimmed.hasPrefix("//") {
                    let comment = String(trimmed.drop { $0 == "#" || $0 == "/" }).trimmed
                    if comment.hasPrefix("@name ") { pendingName = String(comment.dropFirst(6)).trimmed }
                    continue
                }
                let words = trimmed.split(separator: " ")
                guard words.count >= 2, PromptRequest.methods.contains(String(words[0]).uppercased()) else {
                    throw Problem(line: number, message: "expected a request line such as GET /menu, got: \(trimmed)")
                }
                // "GET /menu HTTP/1.1": the version is allowed and dropped.
                let requestLine = words.count >= 3 && words.last!.hasPrefix("HTTP/") ? words.dropLast().joined(separator: " ") : trimmed
                current = Entry(lines: [requestLine], name: pendingName, expectations: [], line: number)
                pendingName = nil
                continue
            }
            // Comments may sit among the headers; in the body every line is kept.
            if !inBody && (trimmed.hasPrefix("#") || trimmed.hasPrefix("//")) { continue }
            if !inBody && trimmed.isEmpty { inBody = true }
            if let status = Self.expectedStatus(trimmed) {
                current!.expectations.append(.status(status))
                inAsserts = true
                continue
            }
            if inAsserts {
                if trimmed.isEmpty || trimmed == "[Asserts]" || trimmed.hasPrefix("#") { continue }
                current!.expectations.append(try parseAssert(trimmed, line: number))
                continue
            }
            current!.lines.append(line)
        }
        finish()
        return file
    }

    /// A request from an entry's lines: the request line, headers, a blank line, the body.
    static func request(from lines: [String]) -> Result<PromptRequest, PromptRequestParser.Message> {
        guard let first = lines.first else { return .failure(.init(text: "an empty request")) }
        let words = first.split(separator: " ", maxSplits: 1).map(String.init)
        guard words.count == 2 else { return .failure(.init(text: "expected METHOD PATH, got \(first)")) }
        let target: String
        switch PromptRequestParser.normalizeTarget(words[1].trimmed) {
        case .success(let value): target = value
        case .failure(let problem): return .failure(problem)
        }
        var request = PromptRequest(method: words[0].uppercased(), target: target, headers: [], body: nil)
        var index = 1
        while index < lines.count, !lines[index].trimmed.isEmpty {
            let line = lines[index].trimmed
            guard let colon = line.firstIndex(of: ":") else { return .failure(.init(text: "expected a header (Name: value), got \(line)")) }
            request.headers.append(.init(name: String(line[..<colon]).trimmed, value: String(line[line.index(after: colon)...]).trimmed))
            index += 1
        }
        let body = lines.dropFirst(index).joined(separator: "\n").trimmed
        if !body.isEmpty { request.body = body }
        return .success(request)
    }

    /// `HTTP 201` or `HTTP/1.1 201`.
    static func expectedStatus(_ line: String) -> Int? {
        let words = line.split(separator: " ")
        guard words.count == 2, words[0] == "HTTP" || words[0].hasPrefix("HTTP/"), let status = Int(words[1]) else { return nil }
        return status
    }

    static func parseAssert(_ line: String, line number: Int) throws -> Expectation {
        var rest = Substring(line)
        func word() -> String {
            while rest.first == " " { rest = rest.dropFirst() }
            if rest.first == "\"" {
                rest = rest.dropFirst()
                let value = rest.prefix { $0 != "\"" }
                rest = rest.dropFirst(value.count + 1)
                return String(value)
            }
            let value = rest.prefix { $0 != " " }
            rest = rest.dropFirst(value.count)
            return String(value)
        }
        let kind = word()
        var subject = ""
        if kind == "header" || kind == "jsonpath" { subject = word() }
        let op = word()
        let value = String(rest).trimmed
        let unquoted = value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 ? String(value.dropFirst().dropLast()) : value
        let comparison: Comparison
        switch op {
        case "==": comparison = .equals(unquoted)
        case "!=": comparison = .notEquals(unquoted)
        case "contains": comparison = .contains(unquoted)
        case "exists": comparison = .exists
        case "not": comparison = .notExists
        default: throw Problem(line: number, message: "unknown comparison '\(op)': use ==, !=, contains, exists or not exists")
        }
        switch kind {
        case "status":
            guard case .equals(let text) = comparison, let status = Int(text) else {
                throw Problem(line: number, message: "write status == CODE")
            }
            return .status(status)
        case "header": return .header(name: subject, comparison: comparison)
        case "jsonpath": return .jsonPath(path: subject, comparison: comparison)
        case "body": return .body(comparison)
        default: throw Problem(line: number, message: "unknown assert '\(kind)': use status, header, jsonpath or body")
        }
    }
}

/// Runs a `.http` file's requests against a server, in order, checking expectations.
public struct HTTPFileRunner: Sendable {
    public struct Outcome: Sendable {
        public var request: PromptRequest?
        public var response: ReceivedResponse?
        /// Failed expectations, or why the request could not be sent.
        public var failures: [String]
        public var line: Int
        public var passed: Bool { failures.isEmpty }
    }

    public let port: Int
    public let client = ExchangeClient()

    public init(port: Int) {
        self.port = port
    }

    public func run(_ file: HTTPFile) -> [Outcome] {
        var variables: [String: String] = ["host": "http://127.0.0.1:\(port)", "baseUrl": "http://127.0.0.1:\(port)"]
        var named: [String: ReceivedResponse] = [:]
        var outcomes: [Outcome] = []
        for (name, value) in file.variables {
            variables[name] = Self.substitute(value, variables: variables, named: named)
        }
        for entry in file.entries {
            let lines = entry.lines.map { Self.substitute($0, variables: variables, named: named) }
            let request: PromptRequest
            switch HTTPFile.request(from: lines) {
            case .success(let parsed): request = parsed
            case .failure(let problem):
                outcomes.append(Outcome(request: nil, response: nil, failures: [problem.text], line: entry.line)); continue
            }
            let response: ReceivedResponse
            do {
                response = try Blocking.run { [client, port] in try await client.send(request, port: port) }
            } catch {
                outcomes.append(Outcome(request: request, response: nil, failures: ["\(error)"], line: entry.line))
                continue
            }
            if let name = entry.name { named[name] = response }
            outcomes.append(Outcome(request: request, response: response, failures: Self.check(entry.expectations, against: response), line: entry.line))
        }
        return outcomes
    }

    static func check(_ expectations: [HTTPFile.Expectation], against response: ReceivedResponse) -> [String] {
        var failures: [String] = []
        for expectation in expectations {
            switch expectation {
            case .status(let status):
                if response.status != status { failures.append("status: expected \(status), got \(response.status)") }
            case .header(let name, let comparison):
                if let problem = compare(response.header(name), comparison) { failures.append("header \(name): \(problem)") }
            case .jsonPath(let path, let comparison):
                let value = response.json.flatMap { JSONPath.value(at: path, in: $0) }
                let text = value.map { value -> String in
                    if case .string(let string) = value { return string }
                    return value.serialized()
                }
                if let problem = compare(text, comparison) { failures.append("jsonpath \(path): \(problem)") }
            case .body(let comparison):
                if let problem = compare(response.bodyText, comparison) { failures.append("body: \(problem)") }
            }
        }
        return failures
    }

    static func compare(_ actual: String?, _ comparison: HTTPFile.Comparison) -> String? {
        switch comparison {
        case .exists: return actual == nil ? "expected it to exist" : nil
        case .notExists: return actual != nil ? "expected it to be absent, got \(actual!)" : nil
        case .equals(let wanted):
            return actual == wanted || (Double(actual ?? "x") != nil && Double(actual ?? "") == Double(wanted)) ? nil : "expected \(wanted), got \(actual ?? "nothing")"
        case .notEquals(let wanted): return actual == wanted ? "expected anything but \(wanted)" : nil
        case .contains(let wanted): return actual?.contains(wanted) == true ? nil : "expected it to contain \(wanted), got \(actual ?? "nothing")"
        }
    }

    /// `{{name}}` from variables; `{{request.response.body.$.path}}` and
    /// `{{request.response.headers.Name}}` from earlier named responses.
    static func substitute(_ text: String, variables: [String: String], named: [String: ReceivedResponse]) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                result += rest[open.lowerBound...]
                return result
            }
            let name = String(rest[open.upperBound..<close.lowerBound]).trimmed
            if let value = variables[name] {
                result += value
            } else {
                let parts = name.split(separator: ".", maxSplits: 3).map(String.init)
                if parts.count >= 3, let response = named[parts[0]], parts[1] == "response" {
                    if parts[2] == "body", parts.count == 4 {
                        let path = parts[3]
                        let value = response.json.flatMap { JSONPath.value(at: path, in: $0) }
                        if case .string(let string)? = value { result += string } else { result += value?.serialized() ?? "" }
                    } else if parts[2] == "headers", parts.count == 4 {
                        result += response.header(parts[3]) ?? ""
                    }
                } else {
                    result += "{{" + name + "}}"
                }
            }
            rest = rest[close.upperBound...]
        }
        return result + rest
    }
}

extension HTTPFileRunner.Outcome {
    /// One line per request, then its failed expectations, for the prompt and `kitchen http`.
    public func report(file: String) -> [String] {
        let target = request.map { "\($0.method) \($0.target)" } ?? "request at line \(line)"
        let result = response.map { " → \($0.status) \($0.reason) (\(($0.milliseconds * 100).rounded() / 100) ms)" } ?? ""
        var lines = [(passed ? "✓ " : "✗ ") + target + result + (passed ? "" : "  (\(file):\(line))")]
        lines += failures.map { "    " + $0 }
        return lines
    }
}
