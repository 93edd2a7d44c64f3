import Foundation
import KitchenLessons
import Testing
@testable import KitchenServer
@testable import KitchenServerChecks

/// The battery also sends the boundaries of the learner's own rules: a one-of loosened by a value
/// far from the reference's values (no near miss of A, B or C is Z) used to pass.
@Suite("route: probes from the learner's own rules")
struct RouteCheckLearnerRulesTests {
    @Test("a one-of with an unrelated extra value fails on that value; the reference's own values still pass")
    func extraOneOfValue() async throws {
        let lesson = try LibraryLesson.load()
        let reference = try #require(lesson.steps.first { $0.id == "lend-with-rules" }).solution
        #expect(try await lesson.grade(reference, step: "lend-with-rules").passed)
        let loosened = reference.replacingOccurrences(of: "one-of A|B|C", with: "one-of A|B|C|Z")
        #expect(loosened != reference)
        let verdict = try await lesson.grade(loosened, step: "lend-with-rules")
        #expect(!verdict.passed)
        #expect(verdict.summary.contains("at a boundary of your rule"), "\(verdict.explanation)")
        #expect(verdict.explanation.contains("expected status 422, got 201"), "\(verdict.explanation)")
    }
}
