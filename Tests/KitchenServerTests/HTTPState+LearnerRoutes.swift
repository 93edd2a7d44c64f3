import Foundation
import KitchenLessons
import Testing
@testable import KitchenServer
@testable import KitchenServerChecks

/// `http-state` replays the learner's requests through the learner's own routes: a step about
/// what a request does through the route the learner wrote cannot pass on the reference route.
@Suite("http-state grades the learner's own server")
struct HTTPStateLearnerRoutesTests {
    static let rightRoute = "route POST /renewals = UPDATE loans SET weeks = weeks + :weeks WHERE id = :loan_id RETURNING id, weeks"
    /// Renews by two weeks whatever the client asks for.
    static let wrongRoute = "route POST /renewals = UPDATE loans SET weeks = weeks + 2 WHERE id = :loan_id RETURNING id, weeks"
    static let request = #"POST /renewals {"loan_id": 1, "weeks": 1}"#

    let lesson: Lesson

    init() throws {
        let steps = """

              - id: renew-route
                title: Renewals
                text: A route.
                task: Write POST /renewals.
                check:
                  kind: route
                  route: POST /renewals
                  example: '{"loan_id": 1, "weeks": 1}'
                hints: [A hint.]
                solution: \(Self.rightRoute)
                wrong:
                  - answer: \(Self.wrongRoute)
                    expect: differ
              - id: renew-loan
                title: Renew a loan
                text: Through your route.
                task: Renew loan 1 by one week.
                check:
                  kind: http-state
                  tables: [loans]
                hints: [A hint.]
                solution: '\(Self.request)'
                wrong:
                  - answer: GET /loans
                    expect: rows of loans
            """
        lesson = try LibraryLesson.load(LibraryLesson.yaml + steps)
    }

    func logged(_ status: Int, id: Int = 1) -> LoggedRequest {
        let body = #"{"loan_id": 1, "weeks": 1}"#
        return LoggedRequest(id: id, time: 0, method: "POST", path: "/renewals", query: "",
                             headers: [("Host", "127.0.0.1:4321"), ("User-Agent", "curl/7.88.1"), ("Content-Type", "application/json")],
                             body: Array(body.utf8), status: status, responseHeaders: [], responseBody: Array("{}".utf8), durationMilliseconds: 1)
    }

    func grade(_ answer: String = "", live: [LoggedRequest]? = nil, routes: [String]? = nil) async throws -> Verdict {
        let lesson = self.lesson
        let definitions = try routes.map { try $0.flatMap { try RouteParser.parse($0) } }
        return try await onOwnThread {
            let grader = Grader(lesson: lesson)
            if let live { grader.services[HTTPChecks.liveLogService] = live }
            if let definitions { grader.services[HTTPChecks.learnerRoutesService] = definitions }
            return grader.grade(Answer(answer), step: lesson.steps.firstIndex { $0.id == "renew-loan" }!)
        }
    }

    @Test("at the prompt: the right request through a route that stores the wrong thing fails; through the right route it passes")
    func liveRoutes() async throws {
        let wrong = try await grade(live: [logged(201)], routes: [Self.wrongRoute])
        #expect(!wrong.passed, "replayed through the reference route, the request made the reference's state")
        #expect(wrong.explanation.contains("rows of loans"), "\(wrong.explanation)")
        let right = try await grade(live: [logged(201)], routes: [Self.rightRoute])
        #expect(right.passed, "\(right.explanation)")
    }

    @Test("at the prompt: a request the live server answered 404 (no such route) changes nothing, though the reference route exists")
    func noRouteYet() async throws {
        let verdict = try await grade(live: [logged(404)], routes: [])
        #expect(!verdict.passed)
    }

    @Test("at the prompt: a request answered otherwise than the replay (route changed since) does not pass")
    func unfaithfulReplay() async throws {
        let verdict = try await grade(live: [logged(422)], routes: [Self.rightRoute])
        #expect(!verdict.passed)
        #expect(verdict.summary.contains("your server answered POST /renewals 422"), "\(verdict.summary)")
        #expect(verdict.explanation.contains(".reset"), "\(verdict.explanation)")
    }

    @Test("kitchen check: an answer may bring its routes before the requests; without them the earlier steps' solutions serve")
    func answerRoutes() async throws {
        let wrong = try await grade(Self.wrongRoute + "\n###\n" + Self.request)
        #expect(!wrong.passed)
        #expect(try await grade(Self.rightRoute + "\n###\n" + Self.request).passed)
        #expect(try await grade(Self.request).passed)
        let broken = try await grade("route POST /renewals = UPDATE nowhere\n###\n" + Self.request)
        #expect(!broken.passed)
    }
}
