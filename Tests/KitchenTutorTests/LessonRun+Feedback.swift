@testable import KitchenLessons
import Testing

func notYetLines(_ outcomes: [LessonOutcome]) -> [String] {
    outcomes.compactMap { if case .notYet(let verdict) = $0 { verdict.oneLine } else { nil } }
}

@Suite("LessonRun: feedback without asking")
struct LessonRunFeedback {
    @Test("a query on the step's table is an attempt and gets a one-line verdict; exploration stays quiet")
    func queryStep() throws {
        let fixture = try RunFixture()
        let run = fixture.makeRun()
        try run.send(.start, .open("pantry"))
        // Another table, no table at all, PRAGMA, EXPLAIN: not attempts.
        #expect(notYetLines(try run.run("SELECT * FROM shelves;")).isEmpty)
        #expect(notYetLines(try run.run("SELECT 1 + 1;")).isEmpty)
        #expect(notYetLines(try run.run("PRAGMA table_info(items);")).isEmpty)
        #expect(notYetLines(try run.run("EXPLAIN QUERY PLAN SELECT name FROM items;")).isEmpty)
        // A failed statement: its error is the feedback.
        #expect(notYetLines(try run.run("SELECT nam FROM items;")).isEmpty)
        // A query on items: an attempt, with the first concrete difference.
        let wrongColumns = notYetLines(try run.run("SELECT name FROM items WHERE price < 10;"))
        #expect(wrongColumns == ["not yet: wrong number of columns: expected 2 (name, price), got 1 (name) — .check for details"])
        let missing = notYetLines(try run.run("SELECT name, price FROM items WHERE price < 5;"))
        #expect(missing == ["not yet: expected 2 rows, got 1 row — .check for details"])
        // A pass still passes, with no not-yet beside it.
        let passing = try run.run("SELECT name, price FROM \"items\" WHERE price < 10;")
        #expect(names(passing).contains("passed"))
        #expect(notYetLines(passing).isEmpty)
        // The quiet grading counted no failed check.
        #expect(run.progress.lesson("pantry").attempts["cheap"] == nil)
    }

    @Test("on a step that changes data, only statements that change the step's tables are attempts")
    func stateStep() throws {
        let fixture = try RunFixture()
        let run = fixture.makeRun()
        try run.send(.start, .open("pantry", step: "2"))
        #expect(run.stepIndex == 1)
        #expect(notYetLines(try run.run("SELECT * FROM items;")).isEmpty, "looking at the table is exploration")
        #expect(notYetLines(try run.run("UPDATE shelves SET label = 'low';")).isEmpty, "another table")
        let wrong = notYetLines(try run.run("INSERT INTO items (name, price) VALUES ('Coffee', 3);"))
        #expect(wrong.count == 1)
        #expect(wrong.first?.hasPrefix("not yet: ") == true && wrong.first?.hasSuffix(" — .check for details") == true)
        // The stray change to shelves would fail the whole-database comparison: start the step again.
        try run.send(.reset)
        #expect(names(try run.run("INSERT INTO items (name, price) VALUES ('Coffee', 2.5);")).contains("passed"))
    }

    @Test("a one-line verdict keeps specific summaries and drops generic ones for their first detail")
    func oneLine() {
        #expect(Verdict.fail("Your statements ran without an error, but this step wants the database to refuse one with a CHECK error.").oneLine
                == "not yet: your statements ran without an error, but this step wants the database to refuse one with a CHECK error — .check for details")
        #expect(Verdict.fail("Not yet: your result is not the one asked for.", ["missing 3 rows, for example:", "  - Tea | 3"]).oneLine
                == "not yet: missing 3 rows — .check for details")
        // A behaviour probe's failure names the statement's expectation, not just "does not behave".
        #expect(Verdict.fail("Not yet: the database does not behave as this step asks.",
                             ["After your statements, this statement must be refused with a DATATYPE error, but the database accepted it:", "  INSERT INTO t VALUES ('two');"]).oneLine
                == "not yet: after your statements, this statement must be refused with a DATATYPE error, but the database accepted it — .check for details")
        #expect(Verdict.fail("No route yet: define GET /menu with route GET /menu …").oneLine
                == "not yet: no route yet: define GET /menu with route GET /menu … — .check for details")
    }

    @Test("the resource of a request, for telling attempts at an HTTP step from exploration")
    func requestResource() {
        #expect(LessonRun.resource(of: "GET /menu/5?x=1") == "menu")
        #expect(LessonRun.resource(of: "POST http://127.0.0.1:8080/orders {\"a\": 1}") == "orders")
        #expect(LessonRun.resource(of: "GET /") == "")
        #expect(LessonRun.resource(of: "404 Not Found") == nil)
    }

    @Test("a request is an attempt once the learner has sent as many to the step's resource as the reference does")
    func requestAttempts() {
        let twice = "DELETE /order-items/5\n###\nDELETE /order-items/5\n"
        #expect(LessonRun.requests(in: twice) == ["DELETE /order-items/5", "DELETE /order-items/5"])
        // The first DELETE of "delete it twice" is on the way; the second is an attempt.
        #expect(!LessonRun.isAttempt(request: "DELETE /order-items/5", sent: ["DELETE /order-items/5"], reference: twice))
        #expect(LessonRun.isAttempt(request: "DELETE /order-items/5", sent: ["DELETE /order-items/5", "DELETE /order-items/5"], reference: twice))
        // Exploring another resource first does not count towards it.
        #expect(!LessonRun.isAttempt(request: "DELETE /order-items/5", sent: ["GET /menu", "DELETE /order-items/5"], reference: twice))
        #expect(!LessonRun.isAttempt(request: "GET /menu", sent: ["GET /menu"], reference: twice))
        // A reference of one request: the first request there is an attempt.
        #expect(LessonRun.isAttempt(request: "GET /menu/5", sent: ["GET /menu/5"], reference: "GET /menu?limit=3"))
        // Headers and bodies stay inside their part; a request to another resource in the
        // reference (a login first) is not counted for this one.
        let login = "POST /login\nContent-Type: application/json\n\n{\"a\": 1}\n  ### then\nGET /orders"
        #expect(LessonRun.requests(in: login).count == 2)
        #expect(!LessonRun.isAttempt(request: "GET /orders", sent: ["GET /orders"], reference: login))
        #expect(LessonRun.isAttempt(request: "POST /login {}", sent: ["POST /login {}"], reference: login))
        // A conditional request's tag comes from an answer: the plain GET that fetches it is on
        // the way (the caching lesson tells the learner to send it first); the next one counts.
        let conditional = "GET /menu/12\nIf-None-Match: \"154d1c3ef8ddfb0a\"\n"
        #expect(!LessonRun.isAttempt(request: "GET /menu/12", sent: ["GET /menu/12"], reference: conditional))
        #expect(LessonRun.isAttempt(request: "GET /menu/12", sent: ["GET /menu/12", "GET /menu/12"], reference: conditional))
        #expect(LessonRun.isAttempt(request: "GET /menu/12 If-None-Match:'\"x\"'", sent: ["GET /menu/12", "GET /menu/12 If-None-Match:'\"x\"'"], reference: conditional))
        // A reference that changes the resource first already has its way there.
        let afterPatch = "PATCH /menu/12 {\"price\": 10.5}\n###\n" + conditional
        #expect(LessonRun.isAttempt(request: "GET /menu/12 If-None-Match:'\"x\"'", sent: ["PATCH /menu/12 price:=10.5", "GET /menu/12 If-None-Match:'\"x\"'"], reference: afterPatch))
        #expect(LessonRun.isConditional("PATCH /menu/3 If-Match:'\"t\"' price:=4"))
        #expect(!LessonRun.isConditional("GET /menu/12\nX-If-None-Match: 1"))
    }

    @Test("a bare option letter or number on a choice step is its answer; not elsewhere")
    func choiceLetters() throws {
        let fixture = try RunFixture()
        let run = fixture.makeRun()
        try run.send(.start, .open("pantry"))
        #expect(run.choiceAnswer(in: "b") == nil, "an SQL step")
        #expect(run.answerAdvice(for: "b") == nil)
        try run.send(.open("pantry", step: "concept"))
        for line in ["b", "B", " b ", "b)", "(b)", "b;", "b.", "2"] { #expect(run.choiceAnswer(in: line) != nil, "\(line)") }
        for line in ["d", "4", "0", "ab", "SELECT", ".answer b", "b c"] { #expect(run.choiceAnswer(in: line) == nil, "\(line)") }
        #expect(run.answerAdvice(for: "answer c") == "This step is a question: type `.answer c` (or just the letter) to answer it.")
        #expect(run.answerAdvice(for: "SELECT name FROM items LIMIT 2") == "This step is a question: type the letter of your choice (or `.answer` and the letter) to answer it.")
        #expect(names(try run.handle(.answer(run.choiceAnswer(in: "(b)")!))).contains("passed"))
    }

    @Test("moving to a question step does not say the database was set up; .lesson ID STEP jumps")
    func questionStepQuiet() throws {
        let fixture = try RunFixture()
        let run = fixture.makeRun()
        try run.send(.start, .open("pantry", step: "2"))
        let toQuestion = try run.handle(.next)
        #expect(!names(toQuestion).contains("databaseSetUpForStep"))
        #expect(names(toQuestion).contains("step(concept)"))
        #expect(names(try run.handle(.back)).contains("databaseSetUpForStep"))
        #expect(throws: LessonRunError.self) { try run.handle(.open("pantry", step: "9")) }
    }
}
