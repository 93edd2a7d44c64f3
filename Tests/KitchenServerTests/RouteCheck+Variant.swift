import Foundation
import KitchenLessons
import Testing
@testable import KitchenServer
@testable import KitchenServerChecks

/// A GET route is asked once more on the hidden variant (other rows, other ids): a route that
/// answers today's rows from literals, or orders by a column that only happens to follow the
/// wanted order, passes every probe on the step's own data and fails there.
@Suite("route: the valid GET on other data")
struct RouteCheckVariantTests {
    static let route = "route GET /shelf-a = SELECT id, title FROM books WHERE shelf = 'A' ORDER BY year"

    @Test("today's rows as literals fail on the hidden variant; the route computing them passes")
    func literalRows() async throws {
        let lesson = try LibraryLesson.withRouteStep(check: "kind: route\nroute: GET /shelf-a", solution: Self.route)
        let passed = try await lesson.grade(Self.route, step: "extra")
        #expect(passed.passed, "\(passed.explanation)")
        let literal = "route GET /shelf-a = SELECT 9 AS id, 'Middlemarch' AS title UNION ALL SELECT 1, 'Dune' UNION ALL SELECT 3, 'Beloved'"
        let failed = try await lesson.grade(literal, step: "extra")
        #expect(!failed.passed, "every probe on the step's data gets the same three rows")
        #expect(failed.explanation.contains(RouteCheck.variantProbeName), "\(failed.explanation)")
        // The variant's copy of a shelf-A book keeps the shelf (text that repeats is kept), and so
        // does the book no loan refers to (a copy of the first, on shelf A): five books there.
        #expect(failed.explanation.contains("the response has 3 items; expected 5"), "\(failed.explanation)")
    }

    @Test("a page (html lines) with today's rows written in fails on the hidden variant; the template over the rows passes")
    func literalPage() async throws {
        let reference = """
            route GET /shelf-a-page
              html <ul>{{#rows}}<li>{{title}} ({{author}})</li>{{/rows}}</ul>
              sql SELECT title, author FROM books WHERE shelf = 'A' ORDER BY year
            end
            """
        let lesson = try LibraryLesson.withRouteStep(check: "kind: route\nroute: GET /shelf-a-page", solution: reference)
        let passed = try await lesson.grade(reference, step: "extra")
        #expect(passed.passed, "\(passed.explanation)")
        let literal = """
            route GET /shelf-a-page
              html <ul><li>Middlemarch (George Eliot)</li><li>Dune (Frank Herbert)</li><li>Beloved (Toni Morrison)</li></ul>
              sql SELECT 1
            end
            """
        let failed = try await lesson.grade(literal, step: "extra")
        #expect(!failed.passed, "every probe on the step's data gets the same page")
        #expect(failed.explanation.contains(RouteCheck.variantProbeName), "\(failed.explanation)")
        #expect(failed.explanation.contains("on other data the page differs from character"), "\(failed.explanation)")
        // No title or author has < or & today, so writing one raw changes nothing there; the
        // variant's copies are marked with both.
        let raw = reference.replacing("{{title}}", with: "{{{title}}}")
        let unescaped = try await lesson.grade(raw, step: "extra")
        #expect(!unescaped.passed, "{{{title}}} writes the copies' marks raw")
        #expect(unescaped.explanation.contains("&lt;v&amp;&gt;"), "\(unescaped.explanation)")
    }

    @Test("books that tie under the reference's ORDER BY may come in any order; a tie-break the reference has must be there")
    func tiesTheTaskLeavesOpen() async throws {
        let reference = "route GET /by-shelf = SELECT title, shelf FROM books ORDER BY shelf"
        let lesson = try LibraryLesson.withRouteStep(check: "kind: route\nroute: GET /by-shelf", solution: reference)
        for route in [
            reference,
            "route GET /by-shelf = SELECT title, shelf FROM books ORDER BY shelf, title",
            "route GET /by-shelf = SELECT title, shelf FROM books ORDER BY shelf, title DESC",
            "route GET /by-shelf = SELECT title, shelf FROM books ORDER BY 2, year DESC",
        ] {
            let verdict = try await lesson.grade(route, step: "extra")
            #expect(verdict.passed, "\(route): \(verdict.explanation)")
        }
        let byTitle = try await lesson.grade("route GET /by-shelf = SELECT title, shelf FROM books ORDER BY title", step: "extra")
        #expect(!byTitle.passed)
        // With the tie-break in the reference, every book has its place.
        let strict = try LibraryLesson.withRouteStep(check: "kind: route\nroute: GET /by-shelf",
                                                     solution: "route GET /by-shelf = SELECT title, shelf FROM books ORDER BY shelf, title")
        let noTieBreak = try await strict.grade(reference, step: "extra")
        #expect(!noTieBreak.passed, "ORDER BY shelf alone, where the reference orders each shelf by title")
    }
}
