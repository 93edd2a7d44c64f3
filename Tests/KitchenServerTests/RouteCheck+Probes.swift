import Foundation
import KitchenLessons
import Testing
@testable import KitchenServer
@testable import KitchenServerChecks

/// The route probe battery against plausible wrong routes a teacher would write to fool it:
/// off-by-one and loosened rules, `>=` for `=`, hard-coded ids, a missing owner check, wrong values
/// in a POST's answer, an inner join that forgets users who own nothing, unsafe splicing. Each used
/// to pass; each now fails naming the probe, and a control passes.
@Suite("route: the probe battery catches wrong routes")
struct RouteCheckProbesTests {
    static let lendSolution = """
        route POST /loans
          required book_id integer 1..
          required member_id integer 1..
          required day date
          required weeks integer 1..4
          optional note text length 3..40
          optional shelf text one-of A|B|C
          optional code text pattern [A-Z]{2}-[0-9]{3}
          sql INSERT INTO loans (book_id, member_id, day, weeks, note, shelf, code) VALUES (:book_id, :member_id, :day, :weeks, :note, :shelf, :code) RETURNING id, book_id, day, weeks, date(day, '+' || (weeks * 7) || ' days') AS due
        end
        """

    let lesson: Lesson
    init() throws { lesson = try LibraryLesson.load() }

    /// The lending route with one line replaced.
    static func lend(replacing line: String, with replacement: String) -> String {
        precondition(lendSolution.contains(line), line)
        return lendSolution.replacingOccurrences(of: line, with: replacement)
    }

    /// Grades `route` on the lending step and returns the verdict.
    func lend(_ route: String) async throws -> Verdict {
        try await lesson.grade(route, step: "lend-with-rules")
    }

    func expectPasses(_ verdict: Verdict, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(verdict.passed, "\(verdict.explanation)", sourceLocation: sourceLocation)
    }

    func expectFails(_ verdict: Verdict, probe: String, _ detail: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!verdict.passed, "passed: \(verdict.explanation)", sourceLocation: sourceLocation)
        #expect(verdict.summary.contains("the probe \"\(probe)\""), "\(verdict.explanation)", sourceLocation: sourceLocation)
        if let detail { #expect(verdict.explanation.contains(detail), "\(verdict.explanation)", sourceLocation: sourceLocation) }
    }

    @Test("control: the reference itself, and the same route written in another order, pass")
    func controls() async throws {
        expectPasses(try await lend(Self.lendSolution))
        let reordered = Self.lend(replacing: "  required book_id integer 1..\n  required member_id integer 1..\n",
                                  with: "  required member_id integer 1..\n  required book_id integer 1..\n")
        expectPasses(try await lend(reordered))
    }

    @Test("ranges: a maximum one too low or a minimum one too high fails on the exact boundary")
    func rangeOffByOne() async throws {
        expectFails(try await lend(Self.lend(replacing: "weeks integer 1..4", with: "weeks integer 1..3")), probe: "weeks exactly 4 (the maximum)",
                    "expected status 201, got 422")
        expectFails(try await lend(Self.lend(replacing: "weeks integer 1..4", with: "weeks integer 2..4")), probe: "weeks exactly 1 (the minimum)")
        // Loosened by one at the top: one above the maximum (5) gets in.
        expectFails(try await lend(Self.lend(replacing: "weeks integer 1..4", with: "weeks integer 1..5")), probe: "weeks above 4")
    }

    @Test("lengths: a length one off at either end fails on the exact length")
    func lengthOffByOne() async throws {
        expectFails(try await lend(Self.lend(replacing: "note text length 3..40", with: "note text length 3..39")), probe: "note exactly 40 characters (the maximum)")
        expectFails(try await lend(Self.lend(replacing: "note text length 3..40", with: "note text length 3..41")), probe: "note 41 characters, one too many")
        expectFails(try await lend(Self.lend(replacing: "note text length 3..40", with: "note text length 4..40")), probe: "note exactly 3 characters (the minimum)")
        expectFails(try await lend(Self.lend(replacing: "note text length 3..40", with: "note text length 2..40")), probe: "note 2 characters, one too few")
    }

    @Test("one-of: a value left out, or one added, fails on that value")
    func oneOf() async throws {
        expectFails(try await lend(Self.lend(replacing: "one-of A|B|C", with: "one-of A|B")), probe: "shelf is \"C\", one of A|B|C")
        expectFails(try await lend(Self.lend(replacing: "one-of A|B|C", with: "one-of A|B|C|D")), probe: "shelf is \"D\", not one of A|B|C")
    }

    @Test("pattern: a loosened pattern fails on a near miss, a tightened one on another valid value")
    func pattern() async throws {
        expectFails(try await lend(Self.lend(replacing: "pattern [A-Z]{2}-[0-9]{3}", with: "pattern [A-Z]{2}-[0-9]{2,3}")),
                    probe: "code \"AB-12\", which does not match the pattern")
        expectFails(try await lend(Self.lend(replacing: "pattern [A-Z]{2}-[0-9]{3}", with: "pattern AB-[0-9]{3}")),
                    probe: "code \"BC-234\", which matches the pattern")
    }

    @Test("optional inputs: a route that requires one fails when it is left out")
    func optionalLeftOut() async throws {
        expectFails(try await lend(Self.lend(replacing: "optional note text", with: "required note text")), probe: "note left out (it is optional)",
                    "expected status 201, got 422")
    }

    @Test("POST bodies: other values under the same keys fail (a due date computed in days, not weeks)")
    func postBodyValues() async throws {
        let wrong = Self.lend(replacing: "date(day, '+' || (weeks * 7) || ' days') AS due", with: "date(day, '+' || weeks || ' days') AS due")
        expectFails(try await lend(wrong), probe: "a valid request", "the response body holds other data than expected: at $.due, got \"2024-03-07\"; expected \"2024-03-19\"")
    }

    @Test("POST bodies: values that differ between two runs of the reference itself (random, time) do not fail the learner")
    func unstableValues() async throws {
        let route = "route POST /members\n  required name text length 1..60\n  required email email\n  sql INSERT INTO members (name, email) VALUES (:name, :email) RETURNING id, name, random() AS ticket\nend"
        let lesson = try LibraryLesson.withRouteStep(check: "kind: route\nroute: POST /members\nexample: '{\"name\": \"Ada\", \"email\": \"ada@example.org\"}'", solution: route)
        let verdict = try await lesson.grade(route, step: "extra")
        #expect(verdict.passed, "\(verdict.explanation)")
        let wrong = route.replacingOccurrences(of: "RETURNING id, name,", with: "RETURNING id, upper(name) AS name,")
        let failed = try await lesson.grade(wrong, step: "extra")
        #expect(!failed.passed)
        #expect(failed.explanation.contains("at $.name, got \"ADA\"; expected \"Ada\""), "\(failed.explanation)")
    }

    @Test("item routes: WHERE id >= :id fails on a missing id between existing ones, a condition true only for the example on a second existing id")
    func itemRoutes() async throws {
        expectFails(try await lesson.grade("route GET /books/:id = SELECT id, title, author FROM books WHERE id >= :id", step: "one-book"),
                    probe: "a missing id (4) between existing ones", "expected status 404, got 200")
        // A hard-coded id answers every path with the same book.
        expectFails(try await lesson.grade("route GET /books/:id = SELECT id, title, author FROM books WHERE id = 3", step: "one-book"),
                    probe: "an id that does not exist", "expected status 404, got 200")
        // A condition that happens to hold for the example's book (shelf A) but not for its neighbour.
        expectFails(try await lesson.grade("route GET /books/:id = SELECT id, title, author FROM books WHERE id = :id AND shelf = 'A'", step: "one-book"),
                    probe: "a second existing id (2)", "expected status 200, got 404")
        expectFails(try await lesson.grade("route GET /books/:id = SELECT id, title, author FROM books WHERE id <= :id ORDER BY id DESC", step: "one-book"),
                    probe: "an id that does not exist")
        expectFails(try await lesson.grade("route GET /books/:id = SELECT id, title, author FROM books WHERE id = :id OR :id = 0", step: "one-book"),
                    probe: "id 0")
        expectPasses(try await lesson.grade("route GET /books/:id = SELECT id, title, author FROM books WHERE :id = id", step: "one-book"))
    }

    @Test("auth: an inner join that forgets a user who has borrowed nothing fails on a third user's session")
    func userWhoOwnsNothing() async throws {
        let route = """
            route GET /me/summary
              auth
              sql SELECT m.name, COUNT(l.id) AS loans FROM members m LEFT JOIN loans l ON l.member_id = m.id WHERE m.id = :current_user_id GROUP BY m.id
            end
            """
        // Member 3 borrowed book 7 in the lesson's lend-a-book step: the loan is taken back.
        let lesson = try LibraryLesson.withRouteStep(check: "kind: route\nroute: GET /me/summary\nuser: 1\nother-user: 2\nusers: [3]", solution: route,
                                                     setup: "DELETE FROM loans WHERE member_id = 3")
        expectPasses(try await lesson.grade(route, step: "extra"))
        let inner = route.replacingOccurrences(of: "LEFT JOIN", with: "JOIN")
        expectFails(try await lesson.grade(inner, step: "extra"), probe: "the valid request as user 3", "the response has 0 items; expected 1")
    }

    @Test("owner routes: a missing owner check fails for another user and for a user who owns nothing, on both ids")
    func ownerRoutes() async throws {
        let route = """
            route GET /loans/:id
              auth
              owner SELECT member_id FROM loans WHERE id = :id
              sql SELECT id, book_id, day FROM loans WHERE id = :id
            end
            """
        let lesson = try LibraryLesson.withRouteStep(check: "kind: route\nroute: GET /loans/:id\ntarget: /loans/3\nuser: 1\nother-user: 2\nusers: [3]", solution: route)
        expectPasses(try await lesson.grade(route, step: "extra"))
        let noOwner = route.replacingOccurrences(of: "  owner SELECT member_id FROM loans WHERE id = :id\n", with: "")
        expectFails(try await lesson.grade(noOwner, step: "extra"), probe: "someone else's session", "expected status 403, got 200")
        // An owner check that lets member 3 (whose one loan is not loan 3) through everything.
        let leaky = route.replacingOccurrences(of: "owner SELECT member_id FROM loans WHERE id = :id",
                                               with: "owner SELECT CASE WHEN :current_user_id > 2 THEN :current_user_id ELSE member_id END FROM loans WHERE id = :id")
        expectFails(try await lesson.grade(leaky, step: "extra"), probe: "the valid request as user 3", "expected status 403, got 200")
        // The user id is checked against a hard-coded owner.
        let hardCoded = route.replacingOccurrences(of: "owner SELECT member_id FROM loans WHERE id = :id", with: "owner SELECT 1")
        let hardCodedVerdict = try await lesson.grade(hardCoded, step: "extra")
        #expect(!hardCodedVerdict.passed, "\(hardCodedVerdict.explanation)")
    }

    @Test("unsafe: a route in the unsafe form never passes a step whose reference is safe, even when every probe agrees")
    func unsafeForm() async throws {
        let route = "route GET /find = SELECT id, title FROM books WHERE title = :title"
        let lesson = try LibraryLesson.withRouteStep(check: "kind: route\nroute: GET /find\nexample: '{\"title\": \"Dune\"}'", solution: route)
        expectPasses(try await lesson.grade(route, step: "extra"))
        let unsafe = try await lesson.grade("route GET /find unsafe = SELECT id, title FROM books WHERE title = '{title}'", step: "extra")
        #expect(!unsafe.passed)
        #expect(unsafe.summary.contains("your route GET /find is marked unsafe"), "\(unsafe.explanation)")
    }

    @Test("the probes derived from a rule: exact limits, one below and above, each one-of value and near misses, pattern values")
    func boundaryValues() {
        let weeks = FieldRule(name: "weeks", required: true, kind: .integer, minimum: 1, maximum: 4)
        let names = RouteCheck.boundaryValues(for: weeks, example: .integer(2)).map(\.name)
        #expect(names.contains("weeks exactly 1 (the minimum)") && names.contains("weeks just below 1 (0)") && names.contains("weeks exactly 4 (the maximum)")
                && names.contains("weeks just above 4 (5)"), "\(names)")
        let shelf = FieldRule(name: "shelf", required: false, kind: .text, choices: ["A", "B", "C"])
        let values = RouteCheck.boundaryValues(for: shelf, example: .string("B")).compactMap { $0.value.stringValue }
        #expect(["A", "B", "C", "D"].allSatisfy(values.contains), "\(values)")
        let code = FieldRule(name: "code", required: false, kind: .text, pattern: "[A-Z]{2}-[0-9]{3}")
        let codes = RouteCheck.boundaryValues(for: code, example: .string("AB-123")).map(\.name)
        #expect(codes.first == "code \"BC-234\", which matches the pattern", "\(codes)")
        #expect(codes.contains("code \"AB-1233\", which does not match the pattern"), "\(codes)")
        let email = FieldRule(name: "email", required: true, kind: .email, maximumLength: 30)
        let emails = RouteCheck.boundaryValues(for: email, example: nil).compactMap { $0.value.stringValue }
        #expect(emails.contains { $0.count == 30 && FieldValidation.isEmail($0) } && emails.contains { $0.count == 31 }, "\(emails)")
    }
}
