import Foundation
import KitchenLessons
import Testing
@testable import KitchenServer
@testable import KitchenServerChecks

/// The probe battery on routes with header, cache, limit and cors lines: a learner route that
/// lacks (or changes) a line the reference has fails, saying which header differs and which line
/// makes it; the reference itself passes.
@Suite("route: the probe battery grades header, cache, limit and cors lines")
struct RouteCheckHTTPLinesTests {
    static let books = """
        route GET /shelf
          header X-Content-Type-Options: nosniff
          cache 60
          limit 5 per minute
          cors http://localhost:8080 other-site
          sql SELECT id, title FROM books WHERE shelf = 'A' ORDER BY id
        end
        """

    static func lesson(solution: String = books) throws -> Lesson {
        try LibraryLesson.withRouteStep(check: "kind: route\nroute: GET /shelf\nchange: UPDATE books SET title = 'Dune Messiah' WHERE id = 1", solution: solution)
    }

    func grade(_ route: String, solution: String = books) async throws -> Verdict {
        try await Self.lesson(solution: solution).grade(route, step: "extra")
    }

    static func without(_ line: String) -> String {
        precondition(books.contains(line + "\n"), line)
        return books.replacingOccurrences(of: line + "\n", with: "")
    }

    func expectFails(_ verdict: Verdict, probe: String, _ details: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!verdict.passed, "passed: \(verdict.explanation)", sourceLocation: sourceLocation)
        #expect(verdict.summary.contains("the probe \"\(probe)\""), "\(verdict.explanation)", sourceLocation: sourceLocation)
        for detail in details { #expect(verdict.explanation.contains(detail), "\(verdict.explanation)", sourceLocation: sourceLocation) }
    }

    @Test("control: the reference passes, and so does the same route with its lines in another order")
    func control() async throws {
        let passed = try await grade(Self.books)
        #expect(passed.passed)
        // The round-one probes (valid, wrong method, 2 origins and a foreign one, each with a
        // preflight) and the rows in a row: 6 for limit 5, 3 for the revalidation.
        #expect(passed.summary.contains("all 17 probe requests"), "\(passed.summary)")
        let reordered = Self.without("  cache 60").replacingOccurrences(of: "  sql", with: "  cache 60\n  sql")
        let verdict = try await grade(reordered)
        #expect(verdict.passed, "\(verdict.explanation)")
    }

    @Test("a missing or different header line fails naming the header; an extra one too")
    func headerLines() async throws {
        expectFails(try await grade(Self.without("  header X-Content-Type-Options: nosniff")), probe: "a valid request",
                    ["the header X-Content-Type-Options is missing; expected X-Content-Type-Options: nosniff (a header line)"])
        expectFails(try await grade(Self.books.replacingOccurrences(of: "nosniff", with: "sniff")), probe: "a valid request",
                    ["the header X-Content-Type-Options is sniff; expected nosniff"])
        expectFails(try await grade(Self.books.replacingOccurrences(of: "  cache 60", with: "  cache 60\n  header X-Powered-By: Kitchen")),
                    probe: "a valid request", ["your route sends X-Powered-By: Kitchen; the reference sends no X-Powered-By"])
    }

    @Test("a missing or shorter cache line fails on Cache-Control, naming the cache line")
    func cacheLine() async throws {
        expectFails(try await grade(Self.without("  cache 60")), probe: "a valid request",
                    ["the header Cache-Control is missing; expected Cache-Control: max-age=60 (the line cache SECONDS)"])
        expectFails(try await grade(Self.books.replacingOccurrences(of: "cache 60", with: "cache 5")), probe: "a valid request",
                    ["the header Cache-Control is max-age=5; expected max-age=60"])
        // Cache-Control written by hand instead of the cache line: no ETag, so no 304.
        let byHand = Self.without("  cache 60").replacingOccurrences(of: "  limit", with: "  header Cache-Control: max-age=60\n  limit")
        expectFails(try await grade(byHand), probe: "a valid request", ["the header ETag is missing"])
    }

    @Test("a cache line the reference does not have fails too")
    func extraCacheLine() async throws {
        let plain = Self.without("  cache 60")
        let verdict = try await grade(Self.books, solution: plain)
        expectFails(verdict, probe: "a valid request", ["your route sends Cache-Control: max-age=60; the reference sends no Cache-Control"])
    }

    @Test("a missing limit line fails on request N+1; another limit fails on the first request that differs")
    func limitLine() async throws {
        expectFails(try await grade(Self.without("  limit 5 per minute")), probe: "request 6 of 6 sent within a minute",
                    ["expected status 429, got 200 (the line limit N per minute)"])
        expectFails(try await grade(Self.books.replacingOccurrences(of: "limit 5", with: "limit 6")), probe: "request 6 of 7 sent within a minute",
                    ["expected status 429, got 200"])
        expectFails(try await grade(Self.books.replacingOccurrences(of: "limit 5", with: "limit 2")), probe: "request 3 of 6 sent within a minute",
                    ["expected status 200, got 429"])
    }

    @Test("cors: a missing line fails from the listed origin; a loosened one from the foreign origin")
    func corsLine() async throws {
        expectFails(try await grade(Self.without("  cors http://localhost:8080 other-site")), probe: "a valid request",
                    ["the header Vary is missing; expected Vary: Origin (the line cors ORIGIN…)"])
        expectFails(try await grade(Self.books.replacingOccurrences(of: "cors http://localhost:8080 other-site", with: "cors http://localhost:8080")),
                    probe: "the valid request from a page on the other site",
                    ["the header Access-Control-Allow-Origin is missing; expected Access-Control-Allow-Origin: http://other-site.localhost"])
        expectFails(try await grade(Self.books.replacingOccurrences(of: "cors http://localhost:8080 other-site", with: "cors *")),
                    probe: "a valid request", ["Access-Control-Allow-Origin"])
        let extra = Self.books.replacingOccurrences(of: "other-site", with: "other-site http://evil.example")
        expectFails(try await grade(extra), probe: "the valid request from a page on http://evil.example",
                    ["your route sends Access-Control-Allow-Origin: http://evil.example"])
    }
}
