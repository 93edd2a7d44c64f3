import KitchenLessons
import KitchenSQL
import Testing

@Suite("A lesson run, driven by events without a terminal")
struct LessonRunFlow {
    @Test("a fresh start shows the menu and where to begin; nothing is open")
    func freshStart() throws {
        let fixture = try RunFixture()
        let run = fixture.makeRun()
        let outcomes = try run.send(.start)
        #expect(names(outcomes) == ["noLessonOpen", "menu", "suggestStart"])
        #expect(run.lesson == nil)
        #expect(throws: LessonRunError("no lesson is open; .lessons lists them")) { try run.send(.check) }
        #expect(throws: LessonRunError("no lesson pantri. Lessons: pantry.")) { try run.send(.open("pantri")) }
    }

    @Test("a whole lesson passed: statements are graded as they run, .check explains, .answer answers")
    func wholeLesson() throws {
        let fixture = try RunFixture()
        let run = fixture.makeRun()
        try run.send(.start)
        #expect(names(try run.send(.open("1"))) == ["opened", "stepEntered(0)", "step(cheap)"])

        // A wrong statement is graded quietly; .check says why and brings the first hint.
        #expect(names(try run.run("SELECT name FROM items WHERE price < 10;")) == ["notYet"])
        let checked = try run.send(.check)
        #expect(names(checked) == ["failedCheck", "autoHint(1)"])
        #expect(hintText(checked) == "Use WHERE.")
        #expect(run.progress.lesson("pantry").attempts == ["cheap": 1])

        // The right statement passes on the spot.
        let passed = try run.run("SELECT name, price FROM items WHERE price < 10;")
        #expect(names(passed) == ["passed"])
        #expect(names(try run.send(.check)) == ["stillPassing"])

        #expect(names(try run.send(.next)) == ["databaseSetUpForStep", "stepEntered(1)", "step(add-coffee)"])
        #expect(names(try run.run("INSERT INTO items (name, price) VALUES ('Coffee', 2.5);")) == ["passed"])

        #expect(names(try run.send(.next)) == ["stepEntered(2)", "step(concept)"], "a question step does not use the database")
        #expect(run.isChoiceStep)
        #expect(throws: LessonRunError("this step is a question: type the letter of your choice (or .answer and the letter)")) { try run.send(.check) }
        #expect(names(try run.send(.answer("a"))) == ["failedCheck", "autoHint(1)"])
        #expect(names(try run.send(.answer("b"))) == ["passed"])
        // Answering again after passing: still passing, not passed twice.
        #expect(names(try run.send(.answer("b"))) == ["stillPassing"])
    }

    @Test("moving past the last step finishes the lesson; progress reports every step")
    func finish() throws {
        let fixture = try RunFixture()
        let run = fixture.makeRun()
        try run.send(.start, .open("pantry"))
        try run.run("SELECT name, price FROM items WHERE price < 10;")
        try run.send(.next)
        try run.run("INSERT INTO items (name, price) VALUES ('Coffee', 2.5);")
        try run.send(.next)
        let last = try run.send(.answer("The pantry"))
        guard case .passed(_, let isLastStep)? = last.first else { Issue.record("\(names(last))"); return }
        #expect(isLastStep)
        guard case .lessonFinished(let lesson, let passed, let next)? = try run.send(.next).first else { Issue.record("not finished"); return }
        #expect(lesson.id == "pantry" && passed == 3 && next == nil)
        guard case .progressReport(let entries, let passedSteps, let total)? = try run.send(.showProgress).first else { Issue.record("no report"); return }
        #expect(entries.map(\.passed) == [3] && passedSteps == 3 && total == 3)
        #expect(ProgressStore(home: fixture.home.path).load().progress.lesson("pantry").passed == ["cheap", "add-coffee", "concept"])
    }

    @Test(".reset puts the database back to the step's start and forgets the answer in progress")
    func reset() throws {
        let fixture = try RunFixture()
        let run = fixture.makeRun()
        try run.send(.start, .open("pantry"), .next)
        try run.run("DELETE FROM items;")
        #expect(try run.database?.fetchAll("SELECT count(*) FROM items") == [[.integer(0)]])
        #expect(!run.currentAnswer().isEmpty)
        #expect(names(try run.send(.reset)) == ["databaseReset(2)"])
        #expect(try run.database?.fetchAll("SELECT count(*) FROM items") == [[.integer(4)]])
        #expect(run.currentAnswer().isEmpty)
        #expect(run.stepIndex == 1)
    }

    @Test("a restart resumes the lesson at the same step, with the answer in progress and the database as left")
    func resume() throws {
        let fixture = try RunFixture()
        let first = fixture.makeRun()
        try first.send(.start, .open("pantry"))
        try first.run("SELECT name, price FROM items WHERE price < 10;")
        try first.send(.next)
        try first.run("INSERT INTO items (name, price) VALUES ('Cocoa', 3);")

        let second = fixture.makeRun()
        let outcomes = try second.send(.start)
        #expect(names(outcomes) == ["resuming", "opened", "stepEntered(1)", "step(add-coffee)"])
        #expect(second.stepIndex == 1)
        #expect(second.currentAnswer() == Answer("INSERT INTO items (name, price) VALUES ('Cocoa', 3);"))
        #expect(try second.database?.fetchAll("SELECT count(*) FROM items WHERE name = 'Cocoa'") == [[.integer(1)]])
        #expect(second.progress.hasPassed("pantry", step: "cheap"))
    }

    @Test("progress loaded ahead (as the tutor does on another thread) is what .start resumes from, problems included")
    func progressLoadedAhead() throws {
        let fixture = try RunFixture()
        let first = fixture.makeRun()
        try first.send(.start, .open("pantry"))
        try first.run("SELECT name, price FROM items WHERE price < 10;")
        try first.send(.next)

        let second = fixture.makeRun()
        second.loadedProgress = ProgressStore(home: fixture.home.path).load()
        // What start resumes from is what was loaded ahead, not the file as it is at .start.
        try "{ broken".write(toFile: fixture.home.progressFile, atomically: true, encoding: .utf8)
        #expect(names(try second.send(.start)) == ["resuming", "opened", "stepEntered(1)", "step(add-coffee)"])
        #expect(second.progress.hasPassed("pantry", step: "cheap"))

        // The broken file, loaded ahead by the third run: its warning comes with .start, and the file is set aside.
        try "{ broken".write(toFile: fixture.home.progressFile, atomically: true, encoding: .utf8)
        let third = fixture.makeRun()
        third.loadedProgress = ProgressStore(home: fixture.home.path).load()
        let outcomes = try third.send(.start)
        #expect(names(outcomes).first == "warning")
        #expect(names(outcomes).contains("menu"))
        #expect(third.loadedProgress == nil)
    }

    @Test("resuming writes nothing when progress is unchanged; the first change is saved")
    func resumeWritesNothingUnchanged() throws {
        let fixture = try RunFixture()
        let first = fixture.makeRun()
        try first.send(.start, .open("pantry"))
        let path = fixture.home.progressFile
        // Written by someone else between this run's load and its resume: kept, not overwritten
        // with the same progress this run loaded.
        let second = fixture.makeRun()
        second.loadedProgress = ProgressStore(home: fixture.home.path).load()
        let marker = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "\"attempts\" : {", with: "\"attempts\" : {\"cheap\": 7")
        try marker.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(names(try second.send(.start)) == ["resuming", "opened", "stepEntered(0)", "step(cheap)"])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == marker)
        // A change (an attempt) is saved at once.
        try second.run("SELECT name FROM items;")
        try second.send(.check)
        #expect(ProgressStore(home: fixture.home.path).load().progress.lesson("pantry").attempts == ["cheap": 1])
    }

    @Test("opening a lesson at a step jumps there on that step's start database")
    func jumpToStep() throws {
        let fixture = try RunFixture()
        let run = fixture.makeRun()
        try run.send(.start)
        #expect(names(try run.send(.open("pantry", step: "concept"))) == ["opened", "stepEntered(2)", "step(concept)"])
        #expect(throws: LessonRunError("pantry has no step 9; it has steps 1–3")) { try run.send(.open("pantry", step: "9")) }
        // The database holds what the earlier steps' solutions made.
        #expect(try run.database?.fetchAll("SELECT count(*) FROM items WHERE name = 'Coffee'") == [[.integer(1)]])
    }
}
