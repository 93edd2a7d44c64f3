/// What a load run sends: one request, `requests` times, over `connections` connections at once,
/// to a server on this machine, stopping at `timeLimitSeconds` whatever is left.
///
/// The bounds keep a learner's typo (`-n 10000000`) from tying up the machine, and the host is
/// loopback only: sending a flood of requests to someone else's server is an attack, not a lesson.
public struct LoadPlan: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var method: String
    /// Path and query, e.g. `/menu?limit=2`.
    public var target: String
    public var headers: [PromptRequest.Header]
    public var body: String?
    public var requests: Int
    public var connections: Int
    public var timeLimitSeconds: Int

    /// Replaced in the target by each request's number (1, 2, …): every request then asks for
    /// something else, as a crowd of guests would, and no cache of identical answers can hide
    /// the work (`/cards/{n}/sales`).
    public static let numberPlaceholder = "{n}"

    public static let defaultRequests = 200
    public static let defaultConnections = 10
    public static let defaultTimeLimitSeconds = 10
    public static let requestRange = 1...100_000
    public static let connectionRange = 1...128
    public static let timeLimitRange = 1...60
    /// The names that reach this machine and nothing else.
    public static let loopbackHosts: Set<String> = ["127.0.0.1", "localhost", "::1", "[::1]"]

    public init(host: String = "127.0.0.1", port: Int, method: String = "GET", target: String, headers: [PromptRequest.Header] = [],
                body: String? = nil, requests: Int = defaultRequests, connections: Int = defaultConnections,
                timeLimitSeconds: Int = defaultTimeLimitSeconds) {
        self.host = host
        self.port = port
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.requests = requests
        self.connections = connections
        self.timeLimitSeconds = timeLimitSeconds
    }

    /// A plan Kitchen refuses to run, with the reason in words.
    public struct Refusal: Error, CustomStringConvertible, Equatable {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// Throws when a bound is silly or the host is not this machine.
    public func validate() throws {
        guard Self.loopbackHosts.contains(host.lowercased()) else {
            throw Refusal(description: "load tests go to this machine only (127.0.0.1 or localhost), not \(host): a flood of requests to someone else's server is an attack")
        }
        guard (1...65535).contains(port) else { throw Refusal(description: "the port must be between 1 and 65535") }
        guard Self.requestRange.contains(requests) else {
            throw Refusal(description: "the number of requests (-n) must be between 1 and \(Self.requestRange.upperBound), not \(requests)")
        }
        guard Self.connectionRange.contains(connections) else {
            throw Refusal(description: "the number of connections (-c) must be between 1 and \(Self.connectionRange.upperBound), not \(connections)")
        }
        guard Self.timeLimitRange.contains(timeLimitSeconds) else {
            throw Refusal(description: "the time limit (-t) must be between 1 and \(Self.timeLimitRange.upperBound) seconds, not \(timeLimitSeconds)")
        }
        guard target.hasPrefix("/") else { throw Refusal(description: "the path must start with /, e.g. /menu") }
        guard PromptRequest.methods.contains(method) else { throw Refusal(description: "\(method) is not an HTTP method Kitchen sends (\(PromptRequest.methods.sorted().joined(separator: ", ")))") }
    }

    /// `URL` given on the command line: `http://127.0.0.1:PORT/path?query` (or localhost). Only
    /// plain http on this machine; the port is required (Kitchen's servers take a free one).
    public static func location(of url: String) throws -> (host: String, port: Int, target: String) {
        guard url.lowercased().hasPrefix("http://") else {
            if url.lowercased().hasPrefix("https://") { throw Refusal(description: "Kitchen's servers speak plain http on loopback; use http://127.0.0.1:PORT/…") }
            throw Refusal(description: "\(url) is not an http:// URL; write e.g. http://127.0.0.1:8080/menu")
        }
        let rest = url.dropFirst("http://".count)
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = String(rest[..<authorityEnd])
        var target = String(rest[authorityEnd...])
        if target.isEmpty { target = "/" } else if target.hasPrefix("?") { target = "/" + target }
        let host: String
        let portText: String?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw Refusal(description: "\(url) has an unclosed [ in its host") }
            host = String(authority[...close])
            let after = authority[authority.index(after: close)...]
            portText = after.hasPrefix(":") ? String(after.dropFirst()) : nil
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            portText = String(authority[authority.index(after: colon)...])
        } else {
            host = authority
            portText = nil
        }
        guard loopbackHosts.contains(host.lowercased()) else {
            throw Refusal(description: "load tests go to this machine only (127.0.0.1 or localhost), not \(host.isEmpty ? "an empty host" : host): a flood of requests to someone else's server is an attack")
        }
        guard let portText, let port = Int(portText), (1...65535).contains(port) else {
            throw Refusal(description: "\(url) needs a port, e.g. http://127.0.0.1:8080/menu (kitchen serve prints its address)")
        }
        return (host.lowercased() == "localhost" ? "127.0.0.1" : host, port, target)
    }
}

/// The options of `.load` at the prompt, in the same spelling as `kitchen load`:
/// `[-n N] [-c C] [-t SECONDS] [METHOD] PATH [BODY]`.
public struct LoadArguments: Sendable, Equatable {
    public var method = "GET"
    public var target = ""
    public var body: String?
    public var requests = LoadPlan.defaultRequests
    public var connections = LoadPlan.defaultConnections
    public var timeLimitSeconds = LoadPlan.defaultTimeLimitSeconds
    /// A whole URL instead of a path names its own port (on this machine only).
    public var port: Int?

    public static let usage = "[-n REQUESTS] [-c CONNECTIONS] [-t SECONDS] [METHOD] PATH [JSON BODY]"

    public init() {}

    /// Reads the words typed after `.load`; a JSON body is the rest of the line after the path.
    public static func parse(_ line: String) throws -> LoadArguments {
        var arguments = LoadArguments()
        var rest = Substring(line)
        func nextWord() -> String? {
            rest = rest.drop { $0 == " " || $0 == "\t" }
            guard !rest.isEmpty else { return nil }
            let end = rest.firstIndex { $0 == " " || $0 == "\t" } ?? rest.endIndex
            defer { rest = rest[end...] }
            return String(rest[..<end])
        }
        func number(after flag: String) throws -> Int {
            guard let word = nextWord() else { throw LoadPlan.Refusal(description: "\(flag) needs a number; usage: .load \(usage)") }
            guard let value = Int(word) else { throw LoadPlan.Refusal(description: "\(flag) needs a whole number, not \(word)") }
            return value
        }
        var positional: [String] = []
        while positional.count < 2, let word = nextWord() {
            switch word {
            case "-n": arguments.requests = try number(after: "-n")
            case "-c": arguments.connections = try number(after: "-c")
            case "-t": arguments.timeLimitSeconds = try number(after: "-t")
            default:
                if word.hasPrefix("-") { throw LoadPlan.Refusal(description: "unknown option \(word); usage: .load \(usage)") }
                var word = word
                if word.contains("://") {
                    let location = try LoadPlan.location(of: word)
                    arguments.port = location.port
                    word = location.target
                }
                // A path first means GET; the rest of the line is then the body.
                positional += positional.isEmpty && word.hasPrefix("/") ? ["GET", word] : [word]
            }
        }
        guard positional.count == 2 else { throw LoadPlan.Refusal(description: "which path? usage: .load \(usage), e.g. .load -n 500 -c 20 GET /menu") }
        arguments.method = positional[0].uppercased()
        arguments.target = positional[1]
        let body = rest.drop { $0 == " " || $0 == "\t" }
        if !body.isEmpty { arguments.body = String(body) }
        return arguments
    }

    /// The plan against a server on this machine at `port`.
    public func plan(port: Int) -> LoadPlan {
        var headers: [PromptRequest.Header] = []
        if body != nil { headers.append(.init(name: "Content-Type", value: "application/json")) }
        return LoadPlan(port: self.port ?? port, method: method, target: target, headers: headers, body: body, requests: requests,
                        connections: connections, timeLimitSeconds: timeLimitSeconds)
    }
}
