import KitchenLessons
import KitchenServer
import KitchenSQL

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

    func databaseAfterSolution(_ solution: String, from bytes: [UInt8], lesson: Lesson, step index: Int, policy: SandboxPolicy) throws -> [UInt8]? {
        try HTTPChecks.databaseAfterRequests(solution, from: bytes, lesson: lesson, step: index, policy: policy)
    }

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
