import KitchenLessons
import KitchenServer
import KitchenSQL

/// The HTTP check kinds, registered beside the SQL ones.
public enum HTTPChecks {
    public static let kinds: [CheckKind] = [HTTPResponseCheck.kind, HTTPRequestCheck.kind, HTTPStateCheck.kind, RouteCheck.kind, InstanceSpreadCheck.kind]

    /// The registry every Kitchen command loads lessons with.
    public static let registry: CheckRegistry = {
        var registry = CheckRegistry.standard
        for kind in kinds { registry.register(kind) }
        registry.routeValidator = { text in
            do {
                _ = try RouteParser.parse(text)
                return nil
            } catch let error as RouteSyntaxError {
                return (error.line, "column \(error.column): \(error.message)")
            } catch {
                return (1, "\(error)")
            }
        }
        return registry
    }()

    /// The key under which the tutor hands the live request log (entries since the step began, from
    /// every client) to the HTTP checks, so a request sent with curl counts like one from the prompt.
    public static let liveLogService = "http.live-log"

    /// The key under which the tutor hands the learner's own routes (those the live server
    /// serves besides the lesson's), so `http-state` replays requests through the routes that
    /// answered them, not through the reference's.
    public static let learnerRoutesService = "http.learner-routes"

    /// The learner's routes, when the tutor handed them over.
    static func liveLearnerRoutes(_ context: GradingContext) -> [RouteDefinition]? {
        context.services[learnerRoutesService] as? [RouteDefinition]
    }

    /// The live log, when the tutor handed one over.
    static func liveLog(_ context: GradingContext) -> [LoggedRequest]? {
        context.services[liveLogService] as? [LoggedRequest]
    }

    /// The routes of the lesson's earlier `route` steps, as their solutions define them: the server
    /// the lesson expects at this step has them (the capstone's page posts to the learner's own
    /// `POST /orders`), so requests are graded on the lesson's server plus these.
    static func earlierRoutes(_ context: GradingContext) -> [RouteDefinition] {
        guard let index = context.lesson.steps.firstIndex(where: { $0.id == context.step.id }) else { return [] }
        return earlierRoutes(in: context.lesson, before: index)
    }

    static func earlierRoutes(in lesson: Lesson, before index: Int) -> [RouteDefinition] {
        lesson.steps[..<index]
            .filter { $0.check.answerKind == .routes }
            .flatMap { (try? RouteParser.parse($0.solution)) ?? [] }
    }

    /// What an HTTP step's solution leaves for the next step (`Check.databaseAfterSolution`): its
    /// requests sent in order to the lesson's server on a copy of the step's start, with the
    /// routes the step's requests would meet (earlier route steps', and any the solution defines).
    static func databaseAfterRequests(_ solution: String, from bytes: [UInt8], lesson: Lesson, step index: Int, policy: SandboxPolicy) throws -> [UInt8] {
        let parts: (routes: [RouteDefinition]?, requests: [PromptRequest])
        do { parts = try HTTPAnswer.parts(in: Answer(solution)) } catch {
            throw LessonProblem(file: lesson.file, line: lesson.steps[index].line, message: "the solution of step '\(lesson.steps[index].id)' cannot be sent: \(error)")
        }
        let server = InProcessServer(database: try Connection.inMemory(copying: bytes, policy: policy), spec: lesson.server,
                                     extraRoutes: earlierRoutes(in: lesson, before: index) + (parts.routes ?? []))
        _ = try server.send(parts.requests)
        return try server.withConnection { try $0.serialize() }
    }

    /// A fresh in-process server for the step: its database copy, the lesson's server and the
    /// routes of earlier route steps.
    static func server(for context: GradingContext) throws -> InProcessServer {
        InProcessServer(database: try context.freshCopy(), spec: context.lesson.server, extraRoutes: earlierRoutes(context))
    }

    /// Sends requests to a fresh server for the step. Returns the log and the server (for state checks).
    static func replay(_ requests: [PromptRequest], in context: GradingContext) throws -> (log: [LoggedRequest], server: InProcessServer) {
        let server = try server(for: context)
        return (try server.send(requests), server)
    }

    /// Sends requests to a fresh copy of the step's database served by the lesson's server plus
    /// `learnerRoutes` (instead of the earlier steps' reference routes).
    static func replay(_ requests: [PromptRequest], through learnerRoutes: [RouteDefinition], in context: GradingContext) throws -> (log: [LoggedRequest], server: InProcessServer) {
        let server = InProcessServer(database: try context.freshCopy(), spec: context.lesson.server, extraRoutes: learnerRoutes)
        return (try server.send(requests), server)
    }

    /// The learner's requests: those the live server received since the step began (any client)
    /// when the tutor handed the log over, else the answer's requests.
    static func learnerRequests(_ answer: Answer, in context: GradingContext) throws -> [PromptRequest] {
        if let live = liveLog(context) { return live.map(PromptRequest.init(replaying:)) }
        return try HTTPAnswer.requests(in: answer)
    }

    static func reference(_ context: GradingContext) throws -> (log: [LoggedRequest], server: InProcessServer) {
        do {
            let replayed = try replay(try HTTPAnswer.requests(in: context.reference), in: context)
            guard !replayed.log.isEmpty else { throw HTTPAnswer.Problem(description: "the solution sends no request") }
            return replayed
        } catch {
            throw LessonProblem(file: context.lesson.file, line: context.step.line, message: "the solution of step '\(context.step.id)' cannot be sent: \(error)")
        }
    }

    /// The request that answers the step: the most recent one to the wanted method and path (an
    /// earlier mistake does not block a later correct request), or the most recent of all.
    static func latest(_ log: [LoggedRequest], like wanted: LoggedRequest) -> LoggedRequest? {
        log.last { $0.method == wanted.method && $0.path == wanted.path } ?? log.last
    }

    static func describe(_ entry: LoggedRequest) -> String {
        "\(entry.method) \(entry.target) → \(entry.status)" + (client(entry).map { " (\($0))" } ?? "")
    }

    /// The client that sent a request, from its User-Agent (`curl`), when it says.
    static func client(_ entry: LoggedRequest) -> String? {
        guard let agent = entry.header("User-Agent"), !agent.isEmpty else { return nil }
        let product = agent.split(separator: " ").first.map(String.init) ?? agent
        return String((product.split(separator: "/").first.map(String.init) ?? product).prefix(40))
    }

    /// What a response said, in a few words: its status and the `error` of a JSON error body.
    static func answered(_ entry: LoggedRequest) -> String {
        var text = "\(entry.status)"
        if entry.status >= 400, let body = try? JSONValue.parse(entry.responseBody), let message = body["error"]?.stringValue {
            text += " (\"\(String(message.prefix(160)))\")"
        }
        return text
    }

    /// How two query strings differ, parameter by parameter (nil when they hold the same
    /// parameters with the same values, in any order and however they were encoded).
    static func queryDifference(_ actual: String, _ expected: String) -> String? {
        let got = QueryString.parse(actual), want = QueryString.parse(expected)
        func values(_ pairs: [(name: String, value: String)], _ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value).sorted() }
        var names: [String] = []
        for pair in want + got where !names.contains(pair.name) { names.append(pair.name) }
        var problems: [String] = []
        for name in names {
            let wanted = values(want, name), received = values(got, name)
            if wanted == received { continue }
            if received.isEmpty {
                problems.append("\(name) is missing")
            } else if wanted.isEmpty {
                problems.append("\(name) should not be there")
            } else {
                problems.append("\(name)=\(received.joined(separator: ",")) is not the value this step asks for")
            }
        }
        guard !problems.isEmpty else { return nil }
        return "the query string ?\(actual) differs: " + problems.joined(separator: "; ")
    }

    /// Compares two databases: first what the step names (for its precise message), then, unless
    /// the step limits it, every table, so collateral damage (an extra DELETE) fails too.
    static func compareDatabases(_ learner: InProcessServer, _ reference: InProcessServer, named: SQLStateCheck, wholeDatabase: Bool) throws -> [String]? {
        try learner.withConnection { learnerDatabase in
            try reference.withConnection { referenceDatabase in
                if let differences = try named.compare(learner: learnerDatabase, reference: referenceDatabase) { return differences }
                let namesSomething = !named.queries.isEmpty || !named.tables.isEmpty
                guard wholeDatabase, namesSomething else { return nil }
                return try SQLStateCheck(queries: [], tables: []).compare(learner: learnerDatabase, reference: referenceDatabase)
            }
        }
    }
}

extension PromptRequest {
    /// A logged request, to be sent again (the live log's requests replayed on a fresh copy).
    init(replaying entry: LoggedRequest) {
        self.init(method: entry.method, target: entry.target,
                  headers: entry.headers.filter { $0.name.lowercased() != "content-length" }.map { Header(name: $0.name, value: $0.value) },
                  body: entry.body.isEmpty ? nil : entry.bodyText)
    }
}
