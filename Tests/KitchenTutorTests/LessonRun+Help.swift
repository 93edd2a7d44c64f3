import KitchenLessons
import Testing

@Suite("Hints and the solution follow one rule")
struct LessonRunHelp {
    @Test("hints that point the way come on request; the one that is the solution waits for the solution's rule")
    func revealingHintWaits() throws {
        let fixture = try RunFixture()
        let run = fixture.makeRun()
        try run.send(.start, .open("pantry"))
        #expect(hintText(try run.send(.hint)) == "Use WHERE.")
        #expect(hintText(try run.send(.hint)) == "Compare the price with 10.")
        // Three .hint with no attempt do not give the answer away.
        let third = try run.send(.hint)
        #expect(names(third) == ["hintWithheld"])
        #expect(withheldReason(third) == "The next hint gives the solution away, so it follows the solution's rule: it unlocks after 3 failed checks (3 to go) or once you pass.")
        #expect(throws: LessonRunError("The solution unlocks after 3 failed checks (3 to go) or once you pass. Try .hint first.")) { try run.send(.solution) }
    }

    @Test("a .check with nothing tried is not a failed attempt")
    func emptyCheckIsNoAttempt() throws {
        let fixture = try RunFixture()
        let run = fixture.makeRun()
        try run.send(.start, .open("pantry"))
        for _ in 0..<4 {
            #expect(names(try run.send(.check)).first == "failedCheck")
        }
        #expect(run.progress.lesson("pantry").attempts["cheap"] == nil)
        #expect(throws: LessonRunError.self) { try run.send(.solution) }
    }

    @Test("three failed attempts unlock the solution and the hint that holds it, together")
    func attemptsUnlockBoth() throws {
        let fixture = try RunFixture()
        let run = fixture.makeRun()
        try run.send(.start, .open("pantry"))
        try run.run("SELECT name FROM items;")
        #expect(names(try run.send(.check)) == ["failedCheck", "autoHint(1)"])
        #expect(names(try run.send(.check)) == ["failedCheck", "autoHint(2)"])
        // The third failed check unlocks the solution, so the third hint may come with it.
        let third = try run.send(.check)
        #expect(names(third) == ["failedCheck", "autoHint(3)"])
        #expect(hintText(third)?.contains("SELECT name, price FROM items WHERE price < 10;") == true)
        guard case .solution(let text)? = try run.send(.solution).first else { Issue.record("no solution"); return }
        #expect(text == "SELECT name, price FROM items WHERE price < 10;")
    }

    @Test("a locked course never shows the revealing hint, not even after a pass; other hints still come")
    func lockedCourse() throws {
        let fixture = try RunFixture()
        let run = fixture.makeRun(config: TeacherConfig(solutions: .locked))
        try run.send(.start, .open("pantry"))
        try run.run("SELECT name, price FROM items WHERE price < 10;")
        try run.send(.hint, .hint)
        let third = try run.send(.hint)
        #expect(withheldReason(third) == "The next hint gives the solution away, so it follows the solution's rule: your teacher has locked solutions for this course")
        #expect(throws: LessonRunError("Your teacher has locked solutions for this course.")) { try run.send(.solution) }
    }

    @Test("after a pass the solution and every hint may be shown")
    func afterPass() throws {
        let fixture = try RunFixture()
        let run = fixture.makeRun(config: TeacherConfig(solutions: .afterPass))
        try run.send(.start, .open("pantry"))
        try run.send(.hint, .hint)
        #expect(names(try run.send(.hint)) == ["hintWithheld"])
        try run.run("SELECT name, price FROM items WHERE price < 10;")
        #expect(names(try run.send(.hint)) == ["hint(3)"])
        #expect(names(try run.send(.solution)) == ["solution"])
    }

    @Test("a choice step's hint that names the answer is the solution too")
    func choiceHint() throws {
        let fixture = try RunFixture()
        let run = fixture.makeRun()
        try run.send(.start, .open("pantry", step: "3"))
        #expect(hintText(try run.send(.hint)) == "Ingredients.")
        #expect(names(try run.send(.hint)) == ["hintWithheld"])
        #expect(!StepHelp.revealsSolution("Ingredients.", of: try #require(run.step)))
        #expect(StepHelp.revealsSolution("Type `.answer b`.", of: try #require(run.step)))
    }
}
