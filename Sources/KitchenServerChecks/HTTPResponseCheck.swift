import KitchenLessons
import KitchenServer
import KitchenSQL

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

    func databaseAfterSolution(_ solution: String, from bytes: [UInt8], lesson: Lesson, step index: Int, policy: SandboxPolicy) throws -> [UInt8]? {
        try HTTPChecks.databaseAfterRequests(solution, from: bytes, lesson: lesson, step: index, policy: policy)
    }

    /// Said before any request: no path of any dataset, the step's task names what to send.
    static let noAnswer = "No answer yet: send the request this step asks for (from the prompt, or with curl)."

    func grade(_ answer: Answer, in context: GradingContext) throws -> Verdict {
        let received: [LoggedRequest]
        if let live = HTTPChecks.liveLog(context), !live.isEmpty {
            received = live
        } else {
            guard !answer.isEmpty else { return .fail(HTTPResponseCheck.noAnswer) }
            do { received = try HTTPChecks.replay(try HTTPAnswer.requests(in: answer), in: context).log } catch {
                return .fail("Your request could not be sent: \(error)")
            }
        }
        guard let expected = try HTTPChecks.reference(context).log.last else { return .fail("the step has no reference request") }
        guard let actual = HTTPChecks.latest(received, like: expected) else { return .fail(HTTPResponseCheck.noAnswer) }
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
