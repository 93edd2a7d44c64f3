import Foundation
import Testing
@testable import KitchenServer

/// `kitchen serve --lesson routes` with saved routes that use header, cache, limit and cors lines,
/// driven with curl over loopback as a learner (or a browser) would.
@Suite("kitchen serve: header, cache, limit and cors lines over loopback", .enabled(if: Tools.kitchen != nil && Tools.curl != nil, "needs the kitchen binary and curl"))
struct KitchenServeRouteHTTPLinesTests {
    static let routes = """
        route GET /cheap
          header X-Content-Type-Options: nosniff
          cache 60
          cors http://localhost:8080
          sql SELECT id, name, price FROM menu_items WHERE price < 6 ORDER BY id
        end
        route PATCH /dishes/:id
          required price number 0.5..100
          cors http://localhost:8080
          sql UPDATE menu_items SET price = :price WHERE id = :id RETURNING id, price
        end
        route GET /specials
          limit 3 per minute
          sql SELECT id, name FROM menu_items WHERE id <= 2
        end

        """

    /// The response's status line and headers (lower-cased names) and body, from `curl -i`.
    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: String

        init(_ output: String) {
            let parts = output.components(separatedBy: "\r\n\r\n")
            let head = parts[0].components(separatedBy: "\r\n")
            status = Int(head[0].split(separator: " ").dropFirst().first ?? "") ?? 0
            var headers: [String: String] = [:]
            for line in head.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            self.headers = headers
            body = parts.dropFirst().joined(separator: "\r\n\r\n")
        }
    }

    static func curl(_ arguments: [String]) async throws -> Reply {
        Reply(try await KitchenServeEndToEndTests.curl(["-i"] + arguments).stdout)
    }

    static func serve() async throws -> (ServeProcess, String) {
        let serve = try ServeProcess(binary: try #require(Tools.kitchen), arguments: ["--lesson", "routes"]) { home in
            try FileManager.default.createDirectory(atPath: home.file("routes"), withIntermediateDirectories: true)
            try routes.write(toFile: home.file("routes/routes.routes"), atomically: true, encoding: .utf8)
        }
        let port = try #require(loopbackPort(in: try await serve.line(seconds: 30)))
        return (serve, "http://127.0.0.1:\(port)")
    }

    @Test("cache: ETag and max-age, 304 for If-None-Match, and a fresh 200 after a PATCH changed the data", .timeLimit(.scaledMinutes(1)))
    func cache() async throws {
        let (serve, url) = try await Self.serve()
        defer { serve.cleanUp() }
        let first = try await Self.curl([url + "/cheap"])
        #expect(first.status == 200, "\(first)")
        #expect(first.headers["cache-control"] == "max-age=60")
        #expect(first.headers["x-content-type-options"] == "nosniff")
        let tag = try #require(first.headers["etag"])
        let again = try await Self.curl(["-H", "If-None-Match: \(tag)", url + "/cheap"])
        #expect(again.status == 304)
        #expect(again.body.isEmpty && again.headers["content-length"] == nil, "no body: \(again)")
        #expect(again.headers["etag"] == tag)

        let patched = try await Self.curl(["-X", "PATCH", "-H", "Content-Type: application/json", "--data", #"{"price": 4.25}"#, url + "/dishes/2"])
        #expect(patched.status == 200, "\(patched)")
        let after = try await Self.curl(["-H", "If-None-Match: \(tag)", url + "/cheap"])
        #expect(after.status == 200, "the old tag is stale after the write: \(after)")
        #expect(after.headers["etag"] != tag)
        #expect(after.body.contains("4.25"))
        #expect(try await serve.interrupt() == 0)
    }

    @Test("limit: the 4th request in a minute gets 429 with Retry-After", .timeLimit(.scaledMinutes(1)))
    func limit() async throws {
        let (serve, url) = try await Self.serve()
        defer { serve.cleanUp() }
        var statuses: [Int] = []
        for _ in 0..<4 { statuses.append(try await Self.curl([url + "/specials"]).status) }
        #expect(statuses == [200, 200, 200, 429])
        let refused = try await Self.curl([url + "/specials"])
        #expect(refused.status == 429)
        let seconds = try #require(refused.headers["retry-after"].flatMap { Int($0) })
        #expect((1...60).contains(seconds))
        #expect(refused.body.contains("3 per minute"))
        #expect(try await serve.interrupt() == 0)
    }

    @Test("cors: a preflight and the real request from a listed origin, and from a foreign one", .timeLimit(.scaledMinutes(1)))
    func cors() async throws {
        let (serve, url) = try await Self.serve()
        defer { serve.cleanUp() }
        let preflight = try await Self.curl(["-X", "OPTIONS", "-H", "Origin: http://localhost:8080", "-H", "Access-Control-Request-Method: PATCH",
                                             "-H", "Access-Control-Request-Headers: content-type", url + "/dishes/2"])
        #expect(preflight.status == 204)
        #expect(preflight.headers["access-control-allow-origin"] == "http://localhost:8080")
        #expect(preflight.headers["access-control-allow-methods"] == "PATCH")
        #expect(preflight.headers["access-control-allow-headers"] == "Content-Type, Authorization")
        #expect(preflight.headers["access-control-max-age"] == "600")
        let foreignPreflight = try await Self.curl(["-X", "OPTIONS", "-H", "Origin: http://evil.example", "-H", "Access-Control-Request-Method: PATCH", url + "/dishes/2"])
        #expect(foreignPreflight.status == 204)
        #expect(foreignPreflight.headers["access-control-allow-origin"] == nil && foreignPreflight.headers["access-control-allow-methods"] == nil)

        let real = try await Self.curl(["-H", "Origin: http://localhost:8080", url + "/cheap"])
        #expect(real.headers["access-control-allow-origin"] == "http://localhost:8080")
        #expect(real.headers["vary"] == "Origin")
        let foreign = try await Self.curl(["-H", "Origin: http://evil.example", url + "/cheap"])
        #expect(foreign.status == 200 && foreign.headers["access-control-allow-origin"] == nil)
        #expect(try await serve.interrupt() == 0)
    }

    @Test("a lesson with other-site: kitchen serve starts the second origin, and cors other-site allows it", .timeLimit(.scaledMinutes(1)))
    func otherSite() async throws {
        let lessons = try TemporaryFolder()
        defer { lessons.remove() }
        try FileManager.default.createDirectory(atPath: lessons.file("site/other"), withIntermediateDirectories: true)
        try "<!doctype html><title>Elsewhere</title>".write(toFile: lessons.file("site/other/index.html"), atomically: true, encoding: .utf8)
        try """
            format: 1
            id: two-sites
            title: Two sites
            summary: A page on another origin calls this server.
            setup:
              sql: CREATE TABLE dishes (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO dishes VALUES (1, 'Soup');
            server:
              other-site: site/other
              routes: |
                route GET /dishes
                  cors other-site
                  sql SELECT id, name FROM dishes
                end
            steps:
              - id: only
                title: Only
                text: One step.
                task: Say yes.
                check:
                  kind: choice
                  options: [yes, no]
                hints: [Yes.]
                solution: "yes"
                wrong:
                  - answer: "no"
                    expect: not the right answer
            """.write(toFile: lessons.file("two-sites.yaml"), atomically: true, encoding: .utf8)
        let serve = try ServeProcess(binary: try #require(Tools.kitchen), arguments: ["--lessons", lessons.path, "--lesson", "two-sites"])
        defer { serve.cleanUp() }
        let port = try #require(loopbackPort(in: try await serve.line(seconds: 30)))
        let errors = LineReader(descriptor: serve.stderrDescriptor)
        var otherSite: String?
        for _ in 0..<5 {
            guard let line = try await onOwnThread({ errors.nextLine(seconds: 10) }) else { break }
            if let range = line.range(of: "http://localhost:") { otherSite = String(line[range.lowerBound...]) }
            if otherSite != nil { break }
        }
        let site = try #require(otherSite, "kitchen serve names the other site on stderr")
        let page = try await Self.curl([site + "/"])
        #expect(page.status == 200 && page.body.contains("Elsewhere"), "\(page)")
        let origins = try await Self.curl([site + "/origins.json"])
        #expect(origins.body.contains("\"api\":\"http://127.0.0.1:\(port)\""), "\(origins.body)")
        let allowed = try await Self.curl(["-H", "Origin: \(site)", "http://127.0.0.1:\(port)/dishes"])
        #expect(allowed.headers["access-control-allow-origin"] == site, "\(allowed)")
        let foreign = try await Self.curl(["-H", "Origin: http://localhost:1", "http://127.0.0.1:\(port)/dishes"])
        #expect(foreign.status == 200 && foreign.headers["access-control-allow-origin"] == nil)
        #expect(try await serve.interrupt() == 0)
        let otherPort = try #require(Int(site.dropFirst("http://localhost:".count)))
        #expect(portIsFree(otherPort), "the other site stops with kitchen serve")
    }
}
