import KitchenLessons
import KitchenServer
import KitchenSQL

/// The HTTP check kinds, registered beside the SQL ones.
public enum HTTPChecks {
    public static let kinds: [CheckKind] = [HTTPResponseCheck.kind, HTTPRequestCheck.kind, HTTPStateCheck.kind, RouteCheck.kind]

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

    /// The live log, when the tutor handed one over.
    static func liveLog(_ context: GradingContext) -> [LoggedRequest]? {
        context.services[liveLogService] as? [LoggedRequest]
    }

    /// The routes of the lesson's earlier `route` steps, as their solutions define them: the server
    /// the lesson expects at this step has them (the capstone's page posts to the learner's own
    /// `POST /orders`), so requests are graded on the lesson's server plus these.
    static func earlierRoutes(_ context: GradingContext) -> [RouteDefinition] {
        guard let index = context.lesson.steps.firstIndex(where: { $0.id == context.step.id }) else { return [] }
        return context.lesson.steps[..<index]
            .filter { $0.check.answerKind == .routes }
            .flatMap { (try? RouteParser.parse($0.solution)) ?? [] }
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

/// `http-response`: the learner's response must match the reference's: the method and path, the
/// query's parameters, the status, the headers the step names, and the JSON body (whole, or the
/// fields the step names). The response graded is the most recent one to the reference's method
/// and path: at the prompt, as the live server answered it (whichever client sent it); for
/// `kitchen check`, the answer's requests replayed on a fresh copy.
struct HTTPResponseCheck: Check {
    var compareStatus: Bool
    var compareQuery: Bool
    var headers: [String]
    var fields: [String]
    var compareBody: Bool

    static let kind = CheckKind(name: "http-response", options: ["status", "query", "headers", "fields", "body"]) { options in
        let fields = try options.strings("fields") ?? []
        for field in fields {
            // A path the grader cannot follow would make every answer look right (both sides "missing").
            do { _ = try JSONPath.all(field, in: .null) } catch let error as JSONPath.Unsupported { throw options.problem(error.message, key: "fields") }
        }
        return HTTPResponseCheck(compareStatus: try options.bool("status") ?? true, compareQuery: try options.bool("query") ?? true,
                                 headers: try options.strings("headers") ?? [],
                                 fields: fields, compareBody: try options.bool("body") ?? true)
    }

    var answerKind: AnswerKind { .http }

    func grade(_ answer: Answer, in context: GradingContext) throws -> Verdict {
        let received: [LoggedRequest]
        if let live = HTTPChecks.liveLog(context), !live.isEmpty {
            received = live
        } else {
            guard !answer.isEmpty else { return .fail("No answer yet: send a request, e.g. GET /menu") }
            do { received = try HTTPChecks.replay(try HTTPAnswer.requests(in: answer), in: context).log } catch {
                return .fail("Your request could not be sent: \(error)")
            }
        }
        guard let expected = try HTTPChecks.reference(context).log.last else { return .fail("the step has no reference request") }
        guard let actual = HTTPChecks.latest(received, like: expected) else { return .fail("No answer yet: send a request, e.g. GET /menu") }
        if actual.method != expected.method || actual.path != expected.path {
            return .fail("Not yet: the response is not the one asked for.",
                         ["You sent \(actual.method) \(actual.target); this step wants a \(expected.method) request to a path like \(expected.path)."])
        }
        var problems: [String] = []
        if compareQuery, let difference = HTTPChecks.queryDifference(actual.query, expected.query) {
            problems.append("In \(actual.method) \(actual.target), \(difference).")
        }
        if compareStatus && actual.status != expected.status {
            problems.append("The response status is \(HTTPChecks.answered(actual)); expected \(expected.status).")
        }
        for name in headers {
            let want = expected.responseHeaders.first { $0.name.lowercased() == name.lowercased() }?.value
            let got = actual.responseHeaders.first { $0.name.lowercased() == name.lowercased() }?.value
            if want != got {
                problems.append("The response header \(name) is \(got ?? "missing"); expected \(want ?? "none").")
            }
        }
        if compareBody {
            let want = try? JSONValue.parse(expected.responseBody)
            let got = try? JSONValue.parse(actual.responseBody)
            if fields.isEmpty {
                if want != got {
                    problems.append("The response body differs from the expected one:")
                    problems.append("  expected: " + String((want?.serialized() ?? String(decoding: expected.responseBody, as: UTF8.self)).prefix(300)))
                    problems.append("  got:      " + String((got?.serialized() ?? String(decoding: actual.responseBody, as: UTF8.self)).prefix(300)))
                }
            } else {
                for field in fields {
                    let wanted = want.flatMap { try? JSONPath.first(field, in: $0) }
                    let received = got.flatMap { try? JSONPath.first(field, in: $0) }
                    if wanted != received {
                        problems.append("In the body, \(field) is \(received?.serialized() ?? "missing"); expected \(wanted?.serialized() ?? "missing").")
                    }
                }
            }
        }
        if problems.isEmpty {
            return .pass("Correct: \(actual.method) \(actual.target) answered \(actual.status) as it should.")
        }
        return .fail("Not yet: the response to \(actual.method) \(actual.target) is not the one asked for.", problems)
    }
}

/// `http-request`: the server must have received a request like the reference's (method, path,
/// the query, the headers the step names, the JSON body), from any client, curl included, and
/// answered it as it answers the reference (the same status class: a POST refused with 415
/// created nothing and does not count). The most recent such request decides.
struct HTTPRequestCheck: Check {
    var headers: [String]
    var compareQuery: Bool
    var compareBody: Bool

    static let kind = CheckKind(name: "http-request", options: ["headers", "query", "body"]) { options in
        HTTPRequestCheck(headers: try options.strings("headers") ?? [], compareQuery: try options.bool("query") ?? true,
                         compareBody: try options.bool("body") ?? true)
    }

    var answerKind: AnswerKind { .http }

    func grade(_ answer: Answer, in context: GradingContext) throws -> Verdict {
        guard let wanted = try HTTPChecks.reference(context).log.last else { return .fail("the step has no reference request") }
        let received: [LoggedRequest]
        if let live = HTTPChecks.liveLog(context) {
            received = live
        } else {
            guard !answer.isEmpty else { return .fail("No request received yet: send \(wanted.method) \(wanted.path) (from the prompt, or with curl).") }
            do { received = try HTTPChecks.replay(try HTTPAnswer.requests(in: answer), in: context).log } catch {
                return .fail("Your request could not be sent: \(error)")
            }
        }
        guard !received.isEmpty else {
            return .fail("No request received yet: send \(wanted.method) \(wanted.path) (from the prompt, or with curl).")
        }
        if let match = received.last(where: { mismatch($0, wanted) == nil }) {
            if match.status / 100 == wanted.status / 100 {
                return .pass("Correct: the server received \(match.method) \(match.target)" + (HTTPChecks.client(match).map { " (from \($0))" } ?? "")
                             + " and answered \(match.status).")
            }
            return .fail("Not yet: the server received \(match.method) \(match.target)" + (HTTPChecks.client(match).map { " (from \($0))" } ?? "")
                         + ", but answered it \(HTTPChecks.answered(match)).", [
                "This step's request should be answered \(wanted.status)" + (match.status >= 400
                    ? "; a \(match.status / 100)xx answer means the server refused it and changed nothing."
                    : "; this answer is of another kind (\(match.status / 100)xx)."),
                "Requests received: " + received.suffix(5).map(HTTPChecks.describe).joined(separator: "; "),
            ])
        }
        let close = received.last { $0.method == wanted.method && $0.path == wanted.path }
        var details = close.flatMap { mismatch($0, wanted) }.map { [$0] } ?? []
        details.append("Requests received: " + received.suffix(5).map(HTTPChecks.describe).joined(separator: "; "))
        return .fail("Not yet: the server has not received the request this step asks for.", details)
    }

    /// Nil when `entry` is the wanted request; otherwise what differs.
    func mismatch(_ entry: LoggedRequest, _ wanted: LoggedRequest) -> String? {
        if entry.method != wanted.method || entry.path != wanted.path {
            return "expected \(wanted.method) \(wanted.path), got \(entry.method) \(entry.path)"
        }
        if compareQuery, let difference = HTTPChecks.queryDifference(entry.query, wanted.query) {
            return difference
        }
        for name in headers where entry.header(name) != wanted.header(name) {
            return "the header \(name) is \(entry.header(name) ?? "missing"); expected \(wanted.header(name) ?? "none")"
        }
        if compareBody {
            let want = try? JSONValue.parse(wanted.body)
            let got = try? JSONValue.parse(entry.body)
            if want != got {
                return "the body is \(entry.body.isEmpty ? "empty" : entry.bodyText); expected \(wanted.bodyText)"
            }
        }
        return nil
    }
}

/// `http-state`: after the learner's requests, the database must hold what it holds after the
/// reference's: first what the step names (`queries` or `tables`), then every table (unless
/// `whole-database: false`), so a stray DELETE or PATCH fails and names the table. At the prompt
/// the requests are those the live server received since the step began, from any client,
/// sent again to a fresh copy of the step's database.
struct HTTPStateCheck: Check {
    var comparison: SQLStateCheck
    var wholeDatabase: Bool

    static let kind = CheckKind(name: "http-state", options: ["queries", "tables", "whole-database"]) { options in
        HTTPStateCheck(comparison: SQLStateCheck(queries: try options.strings("queries") ?? [], tables: try options.strings("tables") ?? []),
                       wholeDatabase: try options.bool("whole-database") ?? true)
    }

    var answerKind: AnswerKind { .http }

    func grade(_ answer: Answer, in context: GradingContext) throws -> Verdict {
        let requests: [PromptRequest]
        do { requests = try HTTPChecks.learnerRequests(answer, in: context) } catch {
            return .fail("Your request could not be sent: \(error)")
        }
        guard !requests.isEmpty else { return .fail("No answer yet: send the request that changes the data.") }
        let learner: (log: [LoggedRequest], server: InProcessServer)
        do { learner = try HTTPChecks.replay(requests, in: context) } catch {
            return .fail("Your request could not be sent: \(error)")
        }
        let reference = try HTTPChecks.reference(context)
        if let differences = try HTTPChecks.compareDatabases(learner.server, reference.server, named: comparison, wholeDatabase: wholeDatabase) {
            let sent = learner.log.suffix(8).map(HTTPChecks.describe).joined(separator: "; ")
            return .fail("Not yet: after your requests the database does not hold what it should.", differences + ["You sent: \(sent)"])
        }
        return .pass("Correct: your request changed the database exactly as it should.")
    }
}
