import Foundation
import Testing

@Suite("One rule for hints and the solution, through the kitchen binary")
struct TutorSolutionPolicy {
    /// The pantry lesson with a last hint that is the whole solution, as many real lessons have.
    static func sandbox(_ name: String = #function) throws -> Sandbox {
        let sandbox = try Sandbox(name)
        try sandbox.write("pantry.yaml", pantryLesson.replacing("      - WHERE price < 10\n", with: "      - WHERE price < 10\n      - \"Type exactly: `SELECT name, price FROM items WHERE price < 10;`\"\n"))
        return sandbox
    }

    @Test("three .hint with no attempt never print the solution; .solution stays locked")
    func hintsWithoutAttempt() throws {
        let sandbox = try Self.sandbox()
        let run = try sandbox.learn([".lesson pantry", ".hint", ".hint", ".hint", ".hint", ".solution"])
        #expect(run.outputLines.filter { $0.hasPrefix("Hint ") } == ["Hint 1/3: Use WHERE.", "Hint 2/3: WHERE price < 10"])
        #expect(occurrences(of: "The next hint gives the solution away, so it follows the solution's rule: it unlocks after 3 failed checks (3 to go) or once you pass.", in: run.output) == 2)
        #expect(!run.output.contains("SELECT name, price FROM items WHERE price < 10"))
        #expect(run.errors.contains("Error: .solution: The solution unlocks after 3 failed checks (3 to go) or once you pass."))
    }

    @Test("a .check with nothing tried is not a failed check; three tried ones unlock hint and solution together")
    func checksNeedAnAttempt() throws {
        let sandbox = try Self.sandbox()
        let empty = try sandbox.learn([".lesson pantry", ".check", ".check", ".check", ".solution"])
        #expect(empty.errors.contains("(3 to go)"))
        #expect(try sandbox.lessonProgress("pantry")["attempts"] as? [String: Int] == [:])

        let tried = try sandbox.learn(["SELECT name FROM items;", ".check", ".check", ".check", ".solution"])
        #expect(tried.outputLines.filter { $0.hasPrefix("Hint: ") } == ["Hint: Use WHERE.", "Hint: WHERE price < 10",
                                                                         "Hint: Type exactly: SELECT name, price FROM items WHERE price < 10;"], "code in a hint renders like the prose")
        #expect(tried.output.hasSuffix("SELECT name, price FROM items WHERE price < 10;\n"))
        #expect(try sandbox.lessonProgress("pantry")["attempts"] as? [String: Int] == ["cheap": 3])
    }
}
