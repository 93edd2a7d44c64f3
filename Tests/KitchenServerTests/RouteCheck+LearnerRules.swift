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

    /// `length 1..280` where the task wants `length ..280`: the learner's minimum of 1 makes the
    /// empty text the one value to send (0 characters, one too few), which the reference accepts.
    @Test("a length rule given a minimum of 1 the reference does not have fails on the empty text")
    func addedMinimumOfOne() async throws {
        let reference = """
            route POST /notes
              required book_id integer 1..
              optional note text length ..40
              sql INSERT INTO loans (book_id, member_id, day, note) VALUES (:book_id, 1, '2024-03-09', :note) RETURNING id, note
            end
            """
        let lesson = try LibraryLesson.withRouteStep(check: "kind: route\nroute: POST /notes\nexample: '{\"book_id\": 2, \"note\": \"gift\"}'", solution: reference)
        #expect(try await lesson.grade(reference, step: "extra").passed)
        // Another correct form: the same bound written as 0..40.
        let zero = reference.replacingOccurrences(of: "length ..40", with: "length 0..40")
        let alternative = try await lesson.grade(zero, step: "extra")
        #expect(alternative.passed, "\(alternative.explanation)")
        let tightened = reference.replacingOccurrences(of: "length ..40", with: "length 1..40")
        let verdict = try await lesson.grade(tightened, step: "extra")
        #expect(!verdict.passed)
        #expect(verdict.summary.contains("note 0 characters, one too few, at a boundary of your rule"), "\(verdict.explanation)")
        #expect(verdict.explanation.contains("expected status 201, got 422"), "\(verdict.explanation)")
    }
}
