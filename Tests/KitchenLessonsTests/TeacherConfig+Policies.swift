import Foundation
import Testing
@testable import KitchenLessons

@Suite("TeacherConfig: when the reference solution may be shown")
struct TeacherConfigPolicies {
    @Test("by default the solution unlocks after three failed checks or once the step is passed")
    func defaults() {
        let config = TeacherConfig()
        #expect(config.solutions == .afterAttempts)
        #expect(config.solutionAttempts == 3)
        #expect(config.solutionRefusal(passed: false, attempts: 0) == "The solution unlocks after 3 failed checks (3 to go) or once you pass. Try .hint first.")
        #expect(config.solutionRefusal(passed: false, attempts: 2) == "The solution unlocks after 3 failed checks (1 to go) or once you pass. Try .hint first.")
        #expect(config.solutionRefusal(passed: false, attempts: 3) == nil)
        #expect(config.solutionRefusal(passed: true, attempts: 0) == nil)
    }

    @Test("after-pass shows it only once the step is passed, however many tries")
    func afterPass() {
        let config = TeacherConfig(solutions: .afterPass)
        #expect(config.solutionRefusal(passed: false, attempts: 50) == "The solution is shown once you pass the step.")
        #expect(config.solutionRefusal(passed: true, attempts: 0) == nil)
    }

    @Test("locked never shows it, not even after passing")
    func locked() {
        let config = TeacherConfig(solutions: .locked)
        #expect(config.solutionRefusal(passed: true, attempts: 10) == "Your teacher has locked solutions for this course.")
        #expect(config.solutionRefusal(passed: false, attempts: 0) == "Your teacher has locked solutions for this course.")
    }

    @Test("a config file sets the policy and the number of attempts")
    func parse() throws {
        let config = try TeacherConfig.parse("# for the class of 2026\nsolutions: after-attempts\nsolution-attempts: 5\n", file: "kitchen.yaml")
        #expect(config == TeacherConfig(solutions: .afterAttempts, solutionAttempts: 5))
        #expect(config.solutionRefusal(passed: false, attempts: 4) != nil)
        #expect(config.solutionRefusal(passed: false, attempts: 5) == nil)
        #expect(try TeacherConfig.parse("solutions: locked", file: "kitchen.yaml").solutions == .locked)
        #expect(try TeacherConfig.parse("solutions: after-pass", file: "kitchen.yaml").solutions == .afterPass)
        #expect(try TeacherConfig.parse("", file: "kitchen.yaml") == TeacherConfig())
        // The playground's dataset is the teacher's to choose; unset, the first lesson's fixture.
        #expect(try TeacherConfig.parse("playground: bakery", file: "kitchen.yaml").playground == "bakery")
        #expect(TeacherConfig().playground == nil)
    }

    @Test("mistakes in the config file are errors with file:line", arguments: [
        ("solutions: after-attempts\nsolution-attempt: 2\n", "kitchen.yaml:2: unknown key 'solution-attempt' in the config (did you mean solution-attempts?); allowed: playground, solution-attempts, solutions"),
        ("\nsolutions: sometimes\n", "kitchen.yaml:2: 'solutions' must be one of after-attempts, after-pass, locked, not 'sometimes'"),
        ("solution-attempts: 2.5\n", "kitchen.yaml:1: 'solution-attempts' must be a whole number"),
        ("solution-attempts: -1\n", "kitchen.yaml:1: 'solution-attempts' must be a whole number"),
    ])
    func parseErrors(text: String, description: String) {
        do {
            _ = try TeacherConfig.parse(text, file: "kitchen.yaml")
            Issue.record("\(text) was accepted")
        } catch let problem as LessonProblem {
            #expect(problem.description == description)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("the first config file found wins; none found means the defaults")
    func loadOrder() throws {
        let folder = try temporaryFolder()
        let lessons = folder + "/lessons-kitchen.yaml", home = folder + "/home-kitchen.yaml"
        try "solutions: after-pass\n".write(toFile: home, atomically: true, encoding: .utf8)
        #expect(try TeacherConfig.load(from: [lessons, home]).solutions == .afterPass)
        try "solutions: locked\n".write(toFile: lessons, atomically: true, encoding: .utf8)
        #expect(try TeacherConfig.load(from: [lessons, home]).solutions == .locked)
        #expect(try TeacherConfig.load(from: [folder + "/nothing.yaml"]) == TeacherConfig())
    }
}
