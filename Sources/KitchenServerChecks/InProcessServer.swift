import KitchenLessons
import KitchenServer
import KitchenSQL
import KitchenSupport

/// The lesson's server run in-process on a copy of the step's database, for grading: the same
/// routes and responder as the live server, without a socket, so grading is fast and repeatable.
public struct InProcessServer: Sendable {
    public let responder: InProcessResponder
    public let database: DatabaseAccess

    public let sessions: SessionStore
    public let routes: RouteTable

    public init(database: sending Connection, spec: ServerSpec?, extraRoutes: [RouteDefinition] = []) {
        self.database = DatabaseAccess(connection: database)
        let sessions = SessionStore(database: self.database)
        self.sessions = sessions
        let secrets = ServerSecrets(configured: spec?.secrets ?? [:])
        routes = RouteTable(PracticeRoutes.routes(for: spec, learnerRoutes: extraRoutes, sessions: sessions, secrets: secrets))
        routes.otherSite.set(origins: [CORSPolicy.otherSiteStandIn])
        self.responder = InProcessResponder(routes: routes, database: self.database, secrets: secrets)
    }

    /// Sends each request in order and returns the log of what was received and answered.
    public func send(_ requests: [PromptRequest]) throws -> [LoggedRequest] {
        let responder = self.responder
        return try Blocking.run {
            var log: [LoggedRequest] = []
            for (index, request) in requests.enumerated() {
                log.append(await responder.exchange(request, id: index + 1))
            }
            return log
        }
    }

    /// Runs SQL on the server's database (for state checks), under its lock.
    public func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        try database.withConnection(body)
    }
}

/// HTTP answers: requests in the prompt's syntax, separated by lines of `###` (as in .http files).
public enum HTTPAnswer {
    public struct Problem: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    public static func requests(in answer: Answer) throws -> [PromptRequest] {
        try parts(in: answer).requests
    }

    /// The answer's requests, and the routes it defines, if any: a part that starts with `route`
    /// holds route definitions (the learner's routes, for `kitchen check` of an `http-state` step).
    public static func parts(in answer: Answer) throws -> (routes: [RouteDefinition]?, requests: [PromptRequest]) {
        var chunks: [[String]] = [[]]
        for line in answer.text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingPrefix(" ").hasPrefix("###") {
                chunks.append([])
            } else {
                chunks[chunks.count - 1].append(String(line))
            }
        }
        var requests: [PromptRequest] = []
        var routes: [RouteDefinition]?
        for var chunk in chunks {
            while chunk.first?.trimmed.isEmpty == true { chunk.removeFirst() }
            while chunk.last?.trimmed.isEmpty == true { chunk.removeLast() }
            guard !chunk.isEmpty else { continue }
            // A .http file puts a blank line between the headers and the body; at the prompt a
            // blank line sends the request. In an answer, lines after it are the body, never
            // dropped: the blank lines between the headers and the body go.
            if let blank = chunk.firstIndex(where: { $0.trimmed.isEmpty }) {
                let body = chunk[blank...].drop { $0.trimmed.isEmpty }
                chunk = Array(chunk[..<blank]) + body
            }
            if chunk[0].trimmed.hasPrefix("route ") {
                do { routes = (routes ?? []) + (try RouteParser.parse(chunk.joined(separator: "\n"))) } catch {
                    throw Problem(description: "the route definition is not valid: \(error)")
                }
                continue
            }
            switch PromptRequestParser.parse(chunk + [""]) {
            case .complete(let request): requests.append(request)
            case .invalid(let message): throw Problem(description: message)
            case .notARequest: throw Problem(description: "not an HTTP request: \(chunk[0]) (a request starts with a method and a path, e.g. GET /menu)")
            case .needsMore: throw Problem(description: "the request \(chunk[0]) is not finished (an unclosed JSON body?)")
            }
        }
        return (routes, requests)
    }
}
