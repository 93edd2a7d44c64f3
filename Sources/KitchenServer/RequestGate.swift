import Synchronization

/// The port the server is bound to, known once it listens; the responder needs it to check `Host`.
public final class BoundPort: Sendable {
    private let value = Atomic<Int>(0)

    public init() {}

    public var port: Int {
        get { value.load(ordering: .relaxed) }
        set { value.store(newValue, ordering: .relaxed) }
    }
}

/// The checks every request passes before any route sees it, answered the same way whatever
/// route it was for.
///
/// - `Host` must be given once and name this server: `127.0.0.1:PORT` or `localhost:PORT`. A web
///   page on another site can make the browser send requests to a loopback port (DNS rebinding:
///   `evil.example` resolving to 127.0.0.1), but the browser then sends `Host: evil.example`.
/// - Methods HTTP does not define get 501 (RFC 9110 §9.1); `OPTIONS *` is answered for the server.
enum RequestGate {
    /// The methods of RFC 9110 and RFC 5789 (PATCH). Others are answered 501.
    static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"]
    static let loopbackNames: Set<String> = ["127.0.0.1", "localhost"]
    /// What `HTTPConformance` puts in place of several Host headers, which HTTPTypes would merge
    /// into one authority before the gate could count them.
    static let duplicateHostMarker = "several-host-headers.invalid"

    /// The response that refuses the request, or nil when it may go on to the routes.
    static func refusal(method: String, path: String, rawQuery: String = "", headers: [(name: String, value: String)], port: Int) -> ServerResponse? {
        let hosts = headers.filter { $0.name.lowercased() == "host" }.map(\.value)
        if hosts.isEmpty {
            return .error(400, "the request has no Host header; HTTP/1.1 requires one (Host: 127.0.0.1:\(port))")
        }
        if hosts.count > 1 || hosts[0] == duplicateHostMarker {
            return .error(400, "the request has more than one Host header; HTTP allows exactly one")
        }
        if let problem = hostProblem(hosts[0], port: port) {
            return .error(400, problem)
        }
        guard knownMethods.contains(method) else { return unknownMethod(method) }
        if let problem = QueryString.problem(rawQuery) {
            return .error(400, problem)
        }
        if path == "*" {
            guard method == "OPTIONS" else { return .error(400, "only OPTIONS may ask about * (the whole server)") }
            return ServerResponse(status: 204, headers: [("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS")])
        }
        return nil
    }

    /// The 501 for a method HTTP does not define; `UnknownMethodCheck` sends it for methods the
    /// HTTP parser does not know either.
    static func unknownMethod(_ method: String) -> ServerResponse {
        .error(501, "the server does not implement the method \(method); it knows \(knownMethods.sorted().joined(separator: ", "))")
    }

    /// Why `host` does not name this server, or nil when it does.
    static func hostProblem(_ host: String, port: Int) -> String? {
        // Made only for an answer: every request passes here (~1% of the server's CPU under wrk).
        var wanted: String { "use 127.0.0.1:\(port) or localhost:\(port)" }
        let value = host.lowercased()
        var name = value
        var givenPort: Int?
        if let colon = value.lastIndex(of: ":"), !value.hasSuffix("]") {
            name = String(value[..<colon])
            guard let number = Int(value[value.index(after: colon)...]) else {
                return "the Host header \(JSONValue.quote(host)) has no valid port; \(wanted)"
            }
            givenPort = number
        }
        if name.hasSuffix(".") { name.removeLast() }
        guard loopbackNames.contains(name) else {
            return "the Host header names \(JSONValue.quote(host)), not this server: it answers only requests for its own loopback address (\(wanted)), so other web sites cannot reach it through your browser"
        }
        // Without a port the client means port 80.
        guard (givenPort ?? 80) == port else {
            return "the Host header \(JSONValue.quote(host)) names another port; \(wanted)"
        }
        return nil
    }
}
