import Foundation
import Testing

@Suite("Teacher config at the prompt: when .solution shows the reference")
struct TeacherConfigPrompt {
    let passFirstStep = [".lesson pantry", "SELECT name, price FROM items WHERE price < 10;", ".solution"]
    let solution = "SELECT name, price FROM items WHERE price < 10;"

    @Test("by default .solution is refused at first and shown once the step is passed")
    func defaultPolicy() throws {
        let sandbox = try Sandbox.pantry()
        let early = try sandbox.learn([".lesson pantry", ".solution"])
        #expect(early.errors.contains("The solution unlocks after 3 failed checks (3 to go) or once you pass. Try .hint first."))
        #expect(!early.output.contains(solution))
        let passed = try sandbox.learn([".solution"] + [".lesson pantry", "SELECT name, price FROM items WHERE price < 10;", ".solution"])
        #expect(passed.output.hasSuffix(solution + "\n"))
    }

    @Test("by default three failed checks unlock .solution")
    func afterThreeFailedChecks() throws {
        let sandbox = try Sandbox.pantry()
        let run = try sandbox.learn([".lesson pantry", "SELECT 1;", ".check", ".check", ".solution", ".check", ".solution"])
        #expect(run.errors.contains("(1 to go)"))
        #expect(run.output.hasSuffix(solution + "\n"))
    }

    @Test("a kitchen.yaml in the lessons folder locks .solution even after the step is passed")
    func lockedByLessonsFolder() throws {
        let sandbox = try Sandbox.pantry()
        try sandbox.write("kitchen.yaml", "solutions: locked\n")
        let run = try sandbox.learn(passFirstStep)
        #expect(run.output.contains("Step passed!"))
        #expect(run.errors.contains("Error: .solution: Your teacher has locked solutions for this course."))
        #expect(!run.output.contains(solution))
        #expect(run.status != 0)
    }

    @Test("the lessons folder's kitchen.yaml wins over the one in the Kitchen home")
    func lessonsFolderWins() throws {
        let sandbox = try Sandbox.pantry()
        try sandbox.write("kitchen.yaml", "solutions: after-pass\n", in: sandbox.home)
        let fromHome = try sandbox.learn([".lesson pantry", "SELECT 1;", ".check", ".check", ".check", ".solution"])
        #expect(fromHome.errors.contains("The solution is shown once you pass the step."))
        try sandbox.write("kitchen.yaml", "solutions: locked\n")
        let run = try sandbox.learn(["SELECT name, price FROM items WHERE price < 10;", ".solution"])
        #expect(run.errors.contains("Your teacher has locked solutions for this course."))
    }

    @Test("a broken kitchen.yaml stops kitchen with its file:line")
    func brokenConfig() throws {
        let sandbox = try Sandbox.pantry()
        try sandbox.write("kitchen.yaml", "solutions: never\n")
        let run = try sandbox.learn([".lessons"])
        #expect(run.status != 0)
        #expect(run.errors.contains("\(sandbox.lessons)/kitchen.yaml:1: 'solutions' must be one of after-attempts, after-pass, locked, not 'never'"))
    }
}
