import KitchenLessons
import KitchenServer
import KitchenSQL
import KitchenSupport

/// A server whose answers the route check compares, and whose database it compares afterwards.
protocol ProbedServer {
    func withConnection<T>(_ body: (Connection) throws -> T) throws -> T
    /// Whether the last probe changed the database: a row written, or the schema altered.
    func changedDatabase(since schemaVersion: DatabaseValue) throws -> Bool
}

extension InProcessServer: ProbedServer {
    func changedDatabase(since schemaVersion: DatabaseValue) throws -> Bool {
        try withConnection { try RouteCheck.changed($0, schemaVersion: schemaVersion) }
    }
}

/// The learner's side of the route check's probes sent to a server outside Kitchen — the app
/// `kitchen routes export` wrote, running on a loopback port — instead of to the learner's
/// routes in-process: the same probe battery, compared with the same reference route.
///
/// The app must read the database at `databasePath`, opening it per request or keeping one
/// connection (the file is rewritten in place, through SQLite, before each probe), and accept
/// the session token `sessionToken(user)` for a user the probe logs in as.
public final class BaseURLServer: Sendable {
    public let port: Int
    public let databasePath: String
    let sessionToken: @Sendable (Int64) -> String

    public init(port: Int, databasePath: String, sessionToken: @escaping @Sendable (Int64) -> String) {
        self.port = port
        self.databasePath = databasePath
        self.sessionToken = sessionToken
    }

    /// One probe: the database file reset to the step's start, the request sent over loopback.
    func send(_ request: PromptRequest, sessionUser: Int64?, context: GradingContext) throws -> (entry: LoggedRequest, server: any ProbedServer) {
        let database = try Connection(path: databasePath)
        try database.restore(from: context.startDatabase)
        let before = try database.serialize()
        var request = request
        if let user = sessionUser {
            request.headers.append(.init(name: "Authorization", value: "Bearer " + sessionToken(user)))
        }
        let port = self.port
        let client = ExchangeClient()
        let sent = request
        let response = try Blocking.run { try await client.send(sent, port: port) }
        let split = request.target.split(separator: "?", maxSplits: 1)
        let entry = LoggedRequest(id: 1, time: 0, method: request.method, path: String(split.first ?? ""),
                                  query: split.count > 1 ? String(split[1]) : "", headers: request.headers.map { ($0.name, $0.value) },
                                  body: Array((request.body ?? "").utf8), status: response.status, responseHeaders: response.headers,
                                  responseBody: response.body, durationMilliseconds: response.milliseconds)
        return (entry, DatabaseFile(path: databasePath, before: before))
    }

    /// The app's database after a probe.
    struct DatabaseFile: ProbedServer {
        var path: String
        var before: [UInt8]

        func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
            try body(try Connection(path: path))
        }

        func changedDatabase(since schemaVersion: DatabaseValue) throws -> Bool {
            try Connection(path: path).serialize() != before
        }
    }
}

extension RouteCheck {
    /// The probe as a request, without a session (the server under test adds its own).
    func probeRequest(_ probe: Probe) -> PromptRequest {
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
        request.headers += probe.headers.map { PromptRequest.Header(name: $0.name, value: $0.value) }
        return request
    }

    /// The learner's side of one probe: their routes in-process, or the server at `baseURL`.
    func sendToLearner(_ probe: Probe, routes: [RouteDefinition], context: GradingContext) throws -> (request: PromptRequest, entry: LoggedRequest, server: any ProbedServer) {
        guard let baseURL else {
            let sent = try send(probe, routes: routes, context: context)
            return (sent.request, sent.entry, sent.server)
        }
        let request = probeRequest(probe)
        let sent = try baseURL.send(request, sessionUser: probe.sessionUser, context: context)
        return (request, sent.entry, sent.server)
    }

    /// This check with the learner's side of every probe sent to `server` (an exported app).
    func aimed(at server: BaseURLServer) -> RouteCheck {
        var copy = self
        copy.baseURL = server
        return copy
    }
}
