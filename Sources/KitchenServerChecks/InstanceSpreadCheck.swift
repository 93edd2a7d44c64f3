import KitchenLessons
import KitchenServer
import KitchenSQL

/// `http-spread`: the requests like the reference's last one (same method and path) must have
/// been answered by at least `instances` different instances (their `X-Kitchen-Instance`
/// header), and, unless `all-ok: false`, every one of them below 400: a login that one instance
/// does not know (sessions kept in memory) shows up as a 401 from that instance and fails.
///
/// At the prompt the requests are those the live server received since the step began, through
/// nginx and the instances of `.server scale N`. For `kitchen check` and `kitchen lessons test`
/// the answer's requests are replayed round-robin (as nginx shares them) on `instances`
/// in-process instances over one copy of the step's database, each with its own session memory;
/// `sessions` says where those instances keep logins (default: the lesson's server setting).
struct InstanceSpreadCheck: Check {
    var instances: Int
    var allOK: Bool
    var sessions: ServerSpec.Sessions?

    static let kind = CheckKind(name: "http-spread", options: ["instances", "all-ok", "sessions"]) { options in
        let count = try options.number("instances") ?? 2
        guard count == count.rounded(), (2...Double(InstanceGroup.maximumInstances)).contains(count) else {
            throw options.problem("instances is a whole number from 2 to \(InstanceGroup.maximumInstances)", key: "instances")
        }
        let sessions = try options.choice("sessions", ServerSpec.Sessions.allCases.map(\.rawValue)).flatMap(ServerSpec.Sessions.init(rawValue:))
        return InstanceSpreadCheck(instances: Int(count), allOK: try options.bool("all-ok") ?? true, sessions: sessions)
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
            guard !answer.isEmpty else { return .fail("No request received yet: send \(wanted.method) \(wanted.path) several times.") }
            do { received = try replay(try HTTPAnswer.requests(in: answer), in: context) } catch {
                return .fail("Your requests could not be sent: \(error)")
            }
        }
        let counted = received.filter { $0.method == wanted.method && $0.path == wanted.path }
        guard !counted.isEmpty else {
            return .fail("Not yet: no \(wanted.method) \(wanted.path) request has arrived since this step began.",
                         received.isEmpty ? [] : ["Requests received: " + received.suffix(5).map(HTTPChecks.describe).joined(separator: "; ")])
        }
        let answeredBy = Set(counted.compactMap(\.instance))
        if allOK, let refused = counted.first(where: { $0.status >= 400 }) {
            let by = refused.instance.map { "instance \($0)" } ?? "the server"
            var details = ["\(by) answered \(refused.method) \(refused.target) with \(HTTPChecks.answered(refused))."]
            if refused.status == 401 {
                details.append("An instance that does not know your login answers 401: logins kept in one process's memory are unknown to the others (and lost on a restart). Keep them in the database: .server sessions database")
            }
            return .fail("Not yet: not every instance answered \(wanted.method) \(wanted.path) successfully.", details)
        }
        guard answeredBy.count >= instances else {
            let details = answeredBy.isEmpty
                ? ["No answer named an instance: the requests went to one server, not through nginx. Start several with .server scale \(instances) (or kitchen serve --instances \(instances))."]
                : ["Answered by instance\(answeredBy.count == 1 ? "" : "s") \(answeredBy.sorted().joined(separator: ", ")) only; send more requests through nginx (.load sends many at once)."]
            return .fail("Not yet: \(wanted.method) \(wanted.path) was answered by \(answeredBy.count) instance\(answeredBy.count == 1 ? "" : "s"); this step wants at least \(instances).", details)
        }
        return .pass("Correct: \(counted.filter { $0.instance != nil }.count) × \(wanted.method) \(wanted.path) answered by instances \(answeredBy.sorted().joined(separator: ", ")).")
    }

    /// Sends `requests` round-robin to `instances` in-process instances over one database copy.
    func replay(_ requests: [PromptRequest], in context: GradingContext) throws -> [LoggedRequest] {
        let group = try InProcessInstances(count: instances, context: context, sessions: sessions)
        return try group.send(requests)
    }
}

/// Several in-process instances over one database (for grading): each has its own route table
/// and its own session memory, as separate processes would, and they take requests in turn.
struct InProcessInstances {
    let members: [(name: String, responder: InProcessResponder)]
    let database: DatabaseAccess

    init(count: Int, context: GradingContext, sessions: ServerSpec.Sessions?) throws {
        database = DatabaseAccess(connection: try context.freshCopy())
        let storage: SessionStore.Storage = (sessions ?? context.lesson.server?.sessions) == .database ? .database : .memory
        var members: [(String, InProcessResponder)] = []
        for index in 1...count {
            let store = SessionStore(database: database)
            let routes = RouteTable(PracticeRoutes.routes(for: context.lesson.server, learnerRoutes: HTTPChecks.earlierRoutes(context), sessions: store))
            store.storage = storage
            members.append(("\(index)", InProcessResponder(routes: routes, database: database)))
        }
        self.members = members
    }

    func send(_ requests: [PromptRequest]) throws -> [LoggedRequest] {
        let members = self.members
        return try Blocking.run {
            var log: [LoggedRequest] = []
            // Like a browser: the session cookie a login set goes back with the next requests.
            var cookie: String?
            for (index, original) in requests.enumerated() {
                var request = original
                if let cookie, request.header("Authorization") == nil, request.header("Cookie") == nil {
                    request.headers.append(.init(name: "Cookie", value: cookie))
                }
                let member = members[index % members.count]
                var entry = await member.responder.exchange(request, id: index + 1)
                if let set = entry.responseHeaders.first(where: { $0.name.lowercased() == "set-cookie" })?.value,
                   let pair = set.split(separator: ";").first, pair.hasPrefix("session=") {
                    cookie = pair.count > "session=".count ? String(pair) : nil
                }
                entry.responseHeaders.append((InstanceIdentity.header, member.name))
                log.append(entry)
            }
            return log
        }
    }
}
