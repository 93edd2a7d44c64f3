import KitchenSupport

/// An HTTP request as a learner types it at the prompt:
///
///     GET /menu?limit=2
///     POST /orders {"item_id": 3, "qty": 2}
///     POST /orders item_id:=3 note=extra X-Table:4      (HTTPie style)
///     POST /orders                                       (then headers and a body on
///     Content-Type: application/json                      the next lines, ended by a
///     {"item_id": 3}                                      blank line or the JSON closing)
///
/// The same text is the answer format of HTTP lesson steps.
public struct PromptRequest: Sendable, Equatable {
    public var method: String
    /// Path and query, e.g. `/menu?limit=2`.
    public var target: String
    public var headers: [Header]
    public var body: String?
    /// Body fields written `name=value` (sent as JSON text), for advice when the server wanted a number.
    public var textFields: [(name: String, value: String)] = []

    public init(method: String, target: String, headers: [Header], body: String?) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }

    public static func == (lhs: PromptRequest, rhs: PromptRequest) -> Bool {
        lhs.method == rhs.method && lhs.target == rhs.target && lhs.headers == rhs.headers && lhs.body == rhs.body
    }

    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public static let methods: Set<String> = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

    public var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
    public var query: String { target.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? "" }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Advice for a 422 whose fields complain about a value this request sent as text with
    /// `name=value`: HTTPie's `name:=value` sends it as a JSON number or boolean.
    public func advice(status: Int, body: JSONValue?) -> [String] {
        guard status == 422, let fields = body?["fields"], case .object(let problems) = fields else { return [] }
        var advice: [String] = []
        for (name, problem) in problems {
            guard let message = problem.stringValue, let sent = textFields.first(where: { $0.name == name }) else { continue }
            if message.hasPrefix("must be a whole number") || message.hasPrefix("must be a number") || message.hasPrefix("must be true or false") {
                advice.append("\(name)=\(sent.value) sends the text \(JSONValue.quote(sent.value)); to send a number or true/false, write \(name):=\(sent.value)")
            }
        }
        return advice
    }

    /// The request as text in the prompt's own syntax.
    public var text: String {
        var lines = ["\(method) \(target)"]
        lines += headers.map { "\($0.name): \($0.value)" }
        if let body { lines.append(body) }
        return lines.joined(separator: "\n")
    }
}

/// Turns typed lines into a `PromptRequest`, deciding when the request is complete.
public enum PromptRequestParser {
    public enum Outcome: Equatable {
        /// The lines are not an HTTP request (SQL, a command).
        case notARequest
        case needsMore
        case complete(PromptRequest)
        case invalid(String)
    }

    /// True when `line` starts a request: a method and a path or loopback URL.
    public static func startsRequest(_ line: String) -> Bool {
        let words = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard words.count >= 2, methods.contains(String(words[0]).uppercased()) else { return false }
        let target = words[1]
        // `DELETE /* a comment */ FROM t` is SQL, not a request.
        if target.hasPrefix("/*") { return false }
        return target.hasPrefix("/") || target.hasPrefix("http://") || target.hasPrefix("https://") || target.hasPrefix("localhost") || target.hasPrefix("127.0.0.1")
    }

    static var methods: Set<String> { PromptRequest.methods }

    /// Parses the lines typed so far.
    public static func parse(_ lines: [String]) -> Outcome {
        guard let first = lines.first, startsRequest(first) else { return .notARequest }
        let words = RequestLine.split(first)
        let method = words.method.uppercased()
        let target: String
        switch normalizeTarget(words.target) {
        case .success(let value): target = value
        case .failure(let message): return .invalid(message.text)
        }
        var request = PromptRequest(method: method, target: target, headers: [], body: nil)
        let rest = words.rest.trimmed
        let continued = rest == "\\" || rest.hasSuffix(" \\")
        let inlineRest = continued ? String(rest.dropLast()).trimmed : rest

        if !inlineRest.isEmpty {
            if inlineRest.hasPrefix("{") || inlineRest.hasPrefix("[") {
                // A JSON body on the request line, possibly continued on the next lines.
                let body = ([inlineRest] + lines.dropFirst()).joined(separator: "\n")
                if lines.count > 1 && lines.last?.trimmed == "" { return finish(&request, body: body.trimmed) }
                guard JSONBalance.isClosed(body) else { return .needsMore }
                return finish(&request, body: body.trimmed)
            }
            switch ShorthandItems.apply(inlineRest, to: &request) {
            case .failure(let message): return .invalid(message.text)
            case .success: break
            }
            if !continued && lines.count == 1 { return finish(&request, body: request.body) }
        }
        let expectsBody = ["POST", "PUT", "PATCH"].contains(method) && request.body == nil
        if lines.count == 1 && !continued && !expectsBody {
            return .complete(request)
        }
        // Multi-line: header lines, then a body, ended by a blank line (or the JSON closing).
        var bodyLines: [String] = []
        for line in lines.dropFirst() {
            if !bodyLines.isEmpty {
                bodyLines.append(line)
                continue
            }
            let trimmed = line.trimmed
            if trimmed.isEmpty { return finish(&request, body: request.body) }
            if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") || trimmed.hasPrefix("\"") {
                bodyLines.append(line)
                continue
            }
            guard let colon = trimmed.firstIndex(of: ":"), colon != trimmed.startIndex else {
                return .invalid("expected a header (Name: value), a JSON body, or a blank line to send; got: \(trimmed)")
            }
            request.headers.append(.init(name: String(trimmed[..<colon]).trimmed, value: String(trimmed[trimmed.index(after: colon)...]).trimmed))
        }
        if !bodyLines.isEmpty {
            let body = bodyLines.joined(separator: "\n")
            if bodyLines.last?.trimmed == "" || JSONBalance.isClosed(body) {
                return finish(&request, body: body.trimmed)
            }
        }
        return .needsMore
    }

    static func finish(_ request: inout PromptRequest, body: String?) -> Outcome {
        request.body = body
        if body != nil, request.header("Content-Type") == nil {
            request.headers.append(.init(name: "Content-Type", value: "application/json"))
        }
        return .complete(request)
    }

    struct Message: Error { var text: String }

    /// `/menu`, `http://127.0.0.1:8080/menu` and `localhost:8080/menu` all become `/menu`;
    /// any other host is refused, since Kitchen only talks to its own server.
    static func normalizeTarget(_ raw: String) -> Result<String, Message> {
        if raw.hasPrefix("/") { return .success(raw) }
        var rest = raw
        for scheme in ["http://", "https://"] where rest.hasPrefix(scheme) { rest.removeFirst(scheme.count) }
        // An IPv6 host is in brackets and holds colons itself: [::1]:8080.
        let host = rest.hasPrefix("[") ? rest.prefix { $0 != "]" } + "]" : rest.prefix { $0 != "/" && $0 != ":" && $0 != "?" }
        guard ["127.0.0.1", "localhost", "[::1]"].contains(String(host)) else {
            return .failure(Message(text: "Kitchen only sends requests to its own server on 127.0.0.1; use a path such as /menu"))
        }
        guard let slash = rest.firstIndex(of: "/") else { return .success("/") }
        return .success(String(rest[slash...]))
    }
}

/// HTTPie's request items: `name=text`, `name:=json`, `Header:value`, `name==query`.
enum ShorthandItems {
    static func apply(_ text: String, to request: inout PromptRequest) -> Result<Void, PromptRequestParser.Message> {
        var fields: [(String, String)] = []
        for item in split(text) {
            if let range = item.range(of: "==") {
                let name = String(item[..<range.lowerBound]), value = String(item[range.upperBound...])
                request.target += (request.target.contains("?") ? "&" : "?") + QueryString.encode(name) + "=" + QueryString.encode(value)
            } else if let range = item.range(of: ":=") {
                let value = String(item[range.upperBound...])
                guard (try? JSONValue.parse(value)) != nil else {
                    return .failure(.init(text: "\(item): the value after := must be JSON (a number, true, false, null, \"text\", […] or {…})"))
                }
                fields.append((String(item[..<range.lowerBound]), value))
            } else if let equals = item.firstIndex(of: "="), !item[..<equals].contains(":") {
                let name = String(item[..<equals]), value = String(item[item.index(after: equals)...])
                fields.append((name, JSONValue.quote(value)))
                request.textFields.append((name, value))
            } else if let colon = item.firstIndex(of: ":") {
                request.headers.append(.init(name: String(item[..<colon]), value: String(item[item.index(after: colon)...])))
            } else if item.uppercased().hasPrefix("HTTP/") {
                // A request line copied from curl -v, a log or an .http file.
                return .failure(.init(text: "\(item): leave the version out; the prompt sends every request as HTTP/1.1 (GET /menu/1)"))
            } else {
                return .failure(.init(text: "cannot read \(item): use name=text, name:=json, Header:value or name==query"))
            }
        }
        if !fields.isEmpty {
            request.body = "{" + fields.map { JSONValue.quote($0.0) + ": " + $0.1 }.joined(separator: ", ") + "}"
        }
        return .success(())
    }

    /// Splits on spaces. A value may be quoted (`note="no onions"`, `name=='Garlic Bread'`): the
    /// quotes are dropped. A quote is literal anywhere else, and a value starting with a quote that
    /// never closes runs to the end of the line as typed (`name=' OR '1'='1`).
    static func split(_ text: String) -> [String] {
        var items: [String] = []
        var current = ""
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == " " || character == "\t" {
                if !current.isEmpty { items.append(current); current = "" }
                index += 1
                continue
            }
            if QuotedValue.opens(at: index, in: characters, after: current) {
                let value = QuotedValue.read(from: index, in: characters, endsAt: { $0 == " " || $0 == "\t" })
                current += value.text
                index = value.next
                continue
            }
            current.append(character)
            index += 1
        }
        if !current.isEmpty { items.append(current) }
        return items
    }
}

/// A value in quotes on a request line: `"Garlic Bread"`, `'a b'`.
enum QuotedValue {
    /// A quote opens a value only right after a separator (`=`, `:`) or at the start of an item.
    static func opens(at index: Int, in characters: [Character], after current: String) -> Bool {
        let character = characters[index]
        guard character == "\"" || character == "'" else { return false }
        return current.isEmpty || current.last == "=" || current.last == ":"
    }

    /// The value without its quotes when its closing quote ends the token (`endsAt` or the end
    /// of the line follows it); otherwise the rest of the line, quotes and spaces as typed.
    static func read(from index: Int, in characters: [Character], endsAt: (Character) -> Bool) -> (text: String, next: Int) {
        let quote = characters[index]
        var close = index + 1
        while close < characters.count {
            if characters[close] == quote, close + 1 == characters.count || endsAt(characters[close + 1]) {
                return (String(characters[(index + 1)..<close]), close + 1)
            }
            close += 1
        }
        var rest = characters[index...]
        while rest.last == " " || rest.last == "\t" { rest = rest.dropLast() }
        return (String(rest), characters.count)
    }
}

/// The first line of a typed request: method, target, and the rest (shorthand items or a body).
enum RequestLine {
    /// Query values in the target may be quoted (`/dishes?name="Garlic Bread"`); they are sent
    /// percent-encoded, quotes dropped. An unclosed quote takes the rest of the line as the value.
    static func split(_ line: String) -> (method: String, target: String, rest: String) {
        let characters = Array(line)
        var index = 0
        func skipSpaces() { while index < characters.count && (characters[index] == " " || characters[index] == "\t") { index += 1 } }
        skipSpaces()
        var method = ""
        while index < characters.count && characters[index] != " " && characters[index] != "\t" {
            method.append(characters[index])
            index += 1
        }
        skipSpaces()
        var target = ""
        var inQuery = false
        while index < characters.count && characters[index] != " " && characters[index] != "\t" {
            let character = characters[index]
            if inQuery, character == "\"" || character == "'", target.last == "=" {
                let value = QuotedValue.read(from: index, in: characters, endsAt: { $0 == " " || $0 == "\t" || $0 == "&" })
                target += QueryString.encode(value.text)
                index = value.next
                continue
            }
            if character == "?" { inQuery = true }
            target.append(character)
            index += 1
        }
        return (method, target, String(characters[min(index, characters.count)...]))
    }
}

/// Whether JSON text has closed all its brackets (ignoring brackets inside strings).
enum JSONBalance {
    static func isClosed(_ text: String) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        var sawBracket = false
        for character in text {
            if inString {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
                continue
            }
            switch character {
            case "\"": inString = true
            case "{", "[": depth += 1; sawBracket = true
            case "}", "]": depth -= 1
            default: break
            }
        }
        return sawBracket ? depth <= 0 : !inString
    }
}
