import Foundation
import KitchenLessons
import Testing
@testable import KitchenServer
@testable import KitchenServerChecks

/// `http-response`, `http-request` and `http-state` on the library lesson: the wrong answers that
/// used to pass (another day, collateral DELETE/PATCH, a POST refused with 415) now fail and say
/// why; the right ones pass, however they are written and whichever client sent them.
@Suite("HTTP checks grade what happened")
struct HTTPChecksGradingTests {
    let lesson: Lesson

    init() throws {
        lesson = try LibraryLesson.load()
    }

    func grade(_ answer: String, step: String, live: [LoggedRequest]? = nil) async throws -> Verdict {
        try await lesson.grade(answer, step: step, live: live)
    }

    /// A request as the live server logged it.
    func logged(_ method: String, _ target: String, body: String = "", contentType: String? = "application/json", agent: String = "curl/7.88.1",
                status: Int, id: Int = 1) -> LoggedRequest {
        let parts = target.split(separator: "?", maxSplits: 1).map(String.init)
        var headers: [(name: String, value: String)] = [("Host", "127.0.0.1:4321"), ("User-Agent", agent), ("Accept", "*/*")]
        if let contentType { headers.append(("Content-Type", contentType)) }
        if !body.isEmpty { headers.append(("Content-Length", "\(body.utf8.count)")) }
        return LoggedRequest(id: id, time: 0, method: method, path: parts[0], query: parts.count > 1 ? parts[1] : "", headers: headers,
                             body: Array(body.utf8), status: status, responseHeaders: [], responseBody: Array("[]".utf8), durationMilliseconds: 1)
    }

    @Test("the lesson proves itself both ways (every solution passes, every wrong answer fails as its author expects)")
    func selfTest() async throws {
        let lesson = self.lesson
        let outcomes = try await onOwnThread { LessonSelfTest().run(lesson) }
        for outcome in outcomes {
            #expect(outcome.problems.isEmpty, "\(outcome.stepID): \(outcome.problems.joined(separator: "\n"))")
        }
        #expect(outcomes.count == lesson.steps.count)
    }

    @Test("http-response: a request for another day fails on the query string even though both bodies are empty")
    func anotherDay() async throws {
        let wrong = try await grade("GET /loans?day=2024-03-06", step: "loans-of-a-day")
        #expect(!wrong.passed)
        #expect(wrong.explanation.contains("In GET /loans?day=2024-03-06, the query string ?day=2024-03-06 differs: day=2024-03-06 is not the value this step asks for"), "\(wrong.explanation)")
        // Controls: the same parameters in another spelling pass.
        #expect(try await grade("GET /loans?day=2024-03-05", step: "loans-of-a-day").passed)
        #expect(try await grade("GET /loans day==2024-03-05", step: "loans-of-a-day").passed)
        #expect(try await grade("GET /loans?day=2024%2D03%2D05", step: "loans-of-a-day").passed)
    }

    @Test("http-response with no request yet invites one without naming a path of any dataset")
    func responseWithoutRequest() async throws {
        let empty = try await grade("", step: "loans-of-a-day")
        #expect(!empty.passed)
        #expect(empty.summary == "No answer yet: send the request this step asks for (from the prompt, or with curl).")
        #expect(try await grade("", step: "loans-of-a-day", live: []).summary == empty.summary)
    }

    @Test("http-response at the prompt: the most recent request to the path from any client counts; an earlier 400 does not block it")
    func responseFromTheLiveLog() async throws {
        let earlier = logged("GET", "/loans?dya=2024-03-05", contentType: nil, agent: "Kitchen", status: 400, id: 1)
        let curl = logged("GET", "/loans?day=2024-03-05", contentType: nil, status: 200, id: 2)
        let passed = try await grade("GET /loans?dya=2024-03-05", step: "loans-of-a-day", live: [earlier, curl])
        #expect(passed.passed, "\(passed.explanation)")
        let reversed = try await grade("", step: "loans-of-a-day", live: [curl, earlier])
        #expect(!reversed.passed)
        #expect(reversed.explanation.contains("dya should not be there"), "\(reversed.explanation)")
    }

    @Test("http-state: an extra DELETE or PATCH beside the right POST fails and names the damaged table")
    func collateralDamage() async throws {
        let post = #"POST /loans {"book_id": 7, "member_id": 3, "day": "2024-03-05"}"#
        let delete = try await grade(post + "\n###\nDELETE /books/9", step: "lend-a-book")
        #expect(!delete.passed)
        #expect(delete.explanation.contains("The rows of books are not right"), "\(delete.explanation)")
        #expect(delete.explanation.contains("DELETE /books/9 → 204"), "\(delete.explanation)")
        let patch = try await grade(#"PATCH /members/2 {"name": "Tom B."}"# + "\n###\n" + post, step: "lend-a-book")
        #expect(!patch.passed)
        #expect(patch.explanation.contains("The rows of members are not right"), "\(patch.explanation)")
        // Controls: the POST alone, and the POST next to requests that only read.
        #expect(try await grade(post, step: "lend-a-book").passed)
        #expect(try await grade("GET /books\n###\n" + post + "\n###\nGET /loans", step: "lend-a-book").passed)
    }

    @Test("http-state with whole-database: false compares only what the step names")
    func limitedState() async throws {
        let limited = LibraryLesson.yaml.replacingOccurrences(of: "kind: http-state\n      tables: [loans]",
                                                              with: "kind: http-state\n      tables: [loans]\n      whole-database: false")
        #expect(limited != LibraryLesson.yaml)
        let lesson = try LibraryLesson.load(limited)
        let verdict = try await lesson.grade(#"POST /loans {"book_id": 7, "member_id": 3, "day": "2024-03-05"}"# + "\n###\nDELETE /books/9", step: "lend-a-book")
        #expect(verdict.passed, "\(verdict.explanation)")
    }

    @Test("http-state at the prompt: the requests every client sent since the step began are replayed, curl's DELETE included")
    func stateFromTheLiveLog() async throws {
        let post = logged("POST", "/loans", body: #"{"book_id": 7, "member_id": 3, "day": "2024-03-05"}"#, status: 201, id: 1)
        let delete = logged("DELETE", "/books/9", contentType: nil, status: 204, id: 2)
        #expect(try await grade("", step: "lend-a-book", live: [post]).passed)
        let damaged = try await grade("", step: "lend-a-book", live: [post, delete])
        #expect(!damaged.passed)
        #expect(damaged.explanation.contains("The rows of books are not right"), "\(damaged.explanation)")
    }

    @Test("http-request: a POST refused with 415 (no JSON Content-Type) does not pass, and says why")
    func refusedPost() async throws {
        let body = #"{"book_id": 10, "member_id": 1, "day": "2024-03-06"}"#
        let refused = logged("POST", "/loans", body: body, contentType: "application/x-www-form-urlencoded", status: 415)
        let verdict = try await grade("", step: "post-a-loan", live: [refused])
        #expect(!verdict.passed)
        #expect(verdict.summary.contains("the server received POST /loans (from curl), but answered it 415"), "\(verdict.explanation)")
        #expect(verdict.explanation.contains("This step's request should be answered 201; a 4xx answer means the server refused it and changed nothing."), "\(verdict.explanation)")
        // The same request replayed for `kitchen check` is refused the same way.
        let replayed = try await grade("POST /loans\nContent-Type: text/plain\n" + body, step: "post-a-loan")
        #expect(!replayed.passed)
        #expect(replayed.explanation.contains("answered it 415"), "\(replayed.explanation)")
    }

    @Test("http-request: the most recent matching request counts, from curl too; an earlier 400 or 415 does not block it")
    func latestRequestCounts() async throws {
        let body = #"{"book_id": 10, "member_id": 1, "day": "2024-03-06"}"#
        let bad = logged("POST", "/loans", body: #"{"book_id": 10"#, agent: "Kitchen", status: 400, id: 1)
        let refused = logged("POST", "/loans", body: body, contentType: "text/plain", status: 415, id: 2)
        let created = logged("POST", "/loans", body: body, status: 201, id: 3)
        let verdict = try await grade("", step: "post-a-loan", live: [bad, refused, created])
        #expect(verdict.passed, "\(verdict.explanation)")
        #expect(verdict.summary.contains("(from curl) and answered 201"), "\(verdict.summary)")
        // A later refusal of the same request is what happened last: it decides.
        let overtaken = try await grade("", step: "post-a-loan", live: [created, refused])
        #expect(!overtaken.passed, "\(overtaken.explanation)")
        // Nothing like it received.
        let other = try await grade("", step: "post-a-loan", live: [bad])
        #expect(!other.passed)
        #expect(other.explanation.contains("has not received the request"), "\(other.explanation)")
    }
}
