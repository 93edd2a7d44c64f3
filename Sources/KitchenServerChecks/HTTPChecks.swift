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

    /// The key under which the tutor hands the live request log (entries since the step began)
    /// to `http-request` checks, so a request sent with curl counts.
    public static let liveLogService = "http.live-log"

    /// Sends an answer's requests to the lesson's server, in-process, on a fresh copy of the
    /// step's database. Returns the log and the server (for state checks).
    static func replay(_ answer: Answer, in context: GradingContext) throws -> (log: [LoggedRequest], server: InProcessServer) {
        let requests = try HTTPAnswer.requests(in: answer)
        let server = InProcessServer(database: try context.freshCopy(), spec: context.lesson.server)
        return (try server.send(requests), server)
    }

    static func reference(_ context: GradingContext) throws -> (log: [LoggedRequest], server: InProcessServer) {
        do {
            let replayed = try replay(context.reference, in: context)
            guard !replayed.log.isEmpty else { throw HTTPAnswer.Problem(description: "the solution sends no request") }
            return replayed
        } catch {
            throw LessonProblem(file: context.lesson.file, line: context.step.line, message: "the solution of step '\(context.step.id)' cannot be sent: \(error)")
        }
    }

    static func describe(_ entry: LoggedRequest) -> String {
        "\(entry.method) \(entry.target) → \(entry.status)"
    }
}

/// `http-response`: the learner's (latest) response must match the reference's response: its
/// status, the headers the step names, and its JSON body (whole, or the fields the step names).
struct HTTPResponseCheck: Check {
    var compareStatus: Bool
    var headers: [String]
    var fields: [String]
    var compareBody: Bool

    static let kind = CheckKind(name: "http-response", options: ["status", "headers", "fields", "body"]) { options in
        HTTPResponseCheck(compareStatus: try options.bool("status") ?? true, headers: try options.strings("headers") ?? [],
                          fields: try options.strings("fields") ?? [], compareBody: try options.bool("body") ?? true)
    }

    var answerKind: AnswerKind { .http }

    func grade(_ answer: Answer, in context: GradingContext) throws -> Verdict {
        guard !answer.isEmpty else { return .fail("No answer yet: send a request, e.g. GET /menu") }
        let learner: [LoggedRequest]
        do { learner = try HTTPChecks.replay(answer, in: context).log } catch {
            return .fail("Your request could not be sent: \(error)")
        }
        guard let actual = learner.last else { return .fail("No answer yet: send a request, e.g. GET /menu") }
        guard let expected = try HTTPChecks.reference(context).log.last else { return .fail("the step has no reference request") }
        var problems: [String] = []
        if actual.method != expected.method || actual.path != expected.path {
            problems.append("You sent \(actual.method) \(actual.target); this step wants a \(expected.method) request to a path like \(expected.path).")
        }
        if compareStatus && actual.status != expected.status {
            problems.append("The response status is \(actual.status); expected \(expected.status).")
        }
        for name in headers {
            let want = expected.responseHeaders.first { $0.name.lowercased() == name.lowercased() }?.value
            let got = actual.responseHeaders.first { $0.name.lowercased() == name.lowercased() }?.value
            if want != got {
                problems.append("The response header \(name) is \(got ?? "missing"); expected \(want ?? "none").")
            }
        }
        if compareBody && problems.isEmpty {
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
                    let wanted = want.flatMap { JSONPath.value(at: field, in: $0) }
                    let received = got.flatMap { JSONPath.value(at: field, in: $0) }
                    if wanted != received {
                        problems.append("In the body, \(field) is \(received?.serialized() ?? "missing"); expected \(wanted?.serialized() ?? "missing").")
                    }
                }
            }
        }
        if problems.isEmpty {
            return .pass("Correct: \(actual.method) \(actual.target) answered \(actual.status) as it should.")
        }
        return .fail("Not yet: the response is not the one asked for.", problems)
    }
}

/// `http-request`: the server must have received a request like the reference's (method, path,
/// the query, the headers the step names, the JSON body) — from any client, curl included.
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
        if let live = context.services[HTTPChecks.liveLogService] as? [LoggedRequest] {
            received = live
        } else {
            guard !answer.isEmpty else { return .fail("No request received yet: send \(wanted.method) \(wanted.path) (from the prompt, or with curl).") }
            do { received = try HTTPChecks.replay(answer, in: context).log } catch {
                return .fail("Your request could not be sent: \(error)")
            }
        }
        if received.contains(where: { mismatch($0, wanted) == nil }) {
            return .pass("Correct: the server received \(wanted.method) \(wanted.target).")
        }
        guard !received.isEmpty else {
            return .fail("No request received yet: send \(wanted.method) \(wanted.path) (from the prompt, or with curl).")
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
        if compareQuery && QueryString.parse(entry.query).sorted(by: { $0.name < $1.name }).map({ "\($0.name)=\($0.value)" })
            != QueryString.parse(wanted.query).sorted(by: { $0.name < $1.name }).map({ "\($0.name)=\($0.value)" }) {
            return "the query string is ?\(entry.query); expected ?\(wanted.query)"
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
/// reference's (the step's queries, or whole tables), like `sql-state` through the server.
struct HTTPStateCheck: Check {
    var comparison: SQLStateCheck

    static let kind = CheckKind(name: "http-state", options: ["queries", "tables"]) { options in
        HTTPStateCheck(comparison: SQLStateCheck(queries: try options.strings("queries") ?? [], tables: try options.strings("tables") ?? []))
    }

    var answerKind: AnswerKind { .http }

    func grade(_ answer: Answer, in context: GradingContext) throws -> Verdict {
        guard !answer.isEmpty else { return .fail("No answer yet: send the request that changes the data.") }
        let learner: (log: [LoggedRequest], server: InProcessServer)
        do { learner = try HTTPChecks.replay(answer, in: context) } catch {
            return .fail("Your request could not be sent: \(error)")
        }
        let reference = try HTTPChecks.reference(context)
        let differences = try learner.server.withConnection { learnerDatabase in
            try reference.server.withConnection { referenceDatabase in
                try comparison.compare(learner: learnerDatabase, reference: referenceDatabase)
            }
        }
        if let differences {
            let sent = learner.log.map(HTTPChecks.describe).joined(separator: "; ")
            return .fail("Not yet: after your requests the database does not hold what it should.", differences + ["You sent: \(sent)"])
        }
        return .pass("Correct: your request changed the database exactly as it should.")
    }
}
