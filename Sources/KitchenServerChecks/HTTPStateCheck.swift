import KitchenLessons
import KitchenServer
import KitchenSQL

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

    func databaseAfterSolution(_ solution: String, from bytes: [UInt8], lesson: Lesson, step index: Int, policy: SandboxPolicy) throws -> [UInt8]? {
        try HTTPChecks.databaseAfterRequests(solution, from: bytes, lesson: lesson, step: index, policy: policy)
    }

    func grade(_ answer: Answer, in context: GradingContext) throws -> Verdict {
        let requests: [PromptRequest]
        // The routes that answer the learner's requests: at the prompt the learner's own (the
        // live server's), in an answer the routes it defines, else the earlier steps' references.
        var routes: [RouteDefinition]?
        let live = HTTPChecks.liveLog(context)
        do {
            if let live {
                requests = live.map(PromptRequest.init(replaying:))
                routes = HTTPChecks.liveLearnerRoutes(context)
            } else {
                let parts = try HTTPAnswer.parts(in: answer)
                requests = parts.requests
                routes = parts.routes
            }
        } catch {
            return .fail("Your request could not be sent: \(error)")
        }
        guard !requests.isEmpty else { return .fail("No answer yet: send the request that changes the data.") }
        let learner: (log: [LoggedRequest], server: InProcessServer)
        do {
            learner = try routes.map { try HTTPChecks.replay(requests, through: $0, in: context) } ?? HTTPChecks.replay(requests, in: context)
        } catch {
            return .fail("Your request could not be sent: \(error)")
        }
        if let live, let problem = Self.unfaithfulReplay(live: live, replayed: learner.log) { return problem }
        let reference = try HTTPChecks.reference(context)
        if let differences = try HTTPChecks.compareDatabases(learner.server, reference.server, named: comparison, wholeDatabase: wholeDatabase) {
            let sent = learner.log.suffix(8).map(HTTPChecks.describe).joined(separator: "; ")
            return .fail("Not yet: after your requests the database does not hold what it should.", differences + ["You sent: \(sent)"])
        }
        return .pass("Correct: your request changed the database exactly as it should.")
    }

    /// A step whose solution leaves the database as the step found it grades nothing: any request
    /// the server refuses (a typo in the body, the wrong id, a 401) leaves it so too, and passes.
    /// That happens when the solution's request is refused itself, e.g. when an earlier `route`
    /// step's solution (a `PATCH /appointments/:id` with `auth`) now answers the path the step's
    /// request meant for the lesson's resource.
    func selfTest(in context: GradingContext) throws -> [String] {
        let reference = try HTTPChecks.reference(context)
        let untouched = try HTTPChecks.server(for: context)
        guard try HTTPChecks.compareDatabases(untouched, reference.server, named: comparison, wholeDatabase: wholeDatabase) == nil else { return [] }
        return ["the solution's requests leave the database as the step found it (\(reference.log.map(HTTPChecks.describe).joined(separator: "; "))), "
                + "so any request the server refuses passes this step: send a request that changes what the step compares "
                + "(a request to a path an earlier route step's solution answers goes to that route)"]
    }

    /// The replay stands for what the live server did only when each request is answered as the
    /// live server answered it (the same status class). When they differ (the route was changed
    /// after the request, or the live database was not the step's), the replay's database is not
    /// the learner's doing, so the step does not pass on it.
    static func unfaithfulReplay(live: [LoggedRequest], replayed: [LoggedRequest]) -> Verdict? {
        for (sent, again) in zip(live, replayed) where sent.status / 100 != again.status / 100 {
            return .fail("Not yet: your server answered \(sent.method) \(sent.target) \(HTTPChecks.answered(sent)), but the same request on this step's data, through your routes as they are now, is answered \(HTTPChecks.answered(again)).", [
                "Kitchen grades what your requests do on the step's data. Your routes or your database changed since you sent it: .reset, then send the requests again.",
            ])
        }
        return nil
    }
}
