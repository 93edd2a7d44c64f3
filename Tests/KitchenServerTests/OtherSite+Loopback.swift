import AsyncHTTPClient
import Foundation
import KitchenLessons
import Testing
@testable import KitchenServer

/// The lesson's second origin: a static folder on a port of its own, named `localhost` so that it
/// is another site for the browser; `cors other-site` on the main server follows its port.
@Suite("OtherSite: a second loopback origin for CORS lessons")
struct OtherSiteTests {
    /// A folder with an index.html page.
    static func site() throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        try "<!doctype html><title>Other site</title><script src=app.js></script>".write(toFile: folder.file("index.html"), atomically: true, encoding: .utf8)
        try "fetch('/origins.json')".write(toFile: folder.file("app.js"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test("it serves the folder and /origins.json; cors other-site allows exactly its origin while it runs", .timeLimit(.scaledMinutes(1)))
    func servesAndAllows() async throws {
        let folder = try Self.site()
        defer { folder.remove() }
        try await withLiveServer { live async throws in
            let definition = try #require(try RouteParser.parse("route GET /dishes\n  cors other-site\n  sql SELECT id FROM menu_items WHERE id = 1\nend").first)
            live.server.routes.add(PracticeRoutes.route(for: definition, origin: .learner, sessions: live.server.sessions))
            let otherSite = OtherSite()
            let url = try #require(try await otherSite.serve(folder.path, beside: live.server))
            #expect(url.hasPrefix("http://localhost:"))
            let port = try #require(Int(url.dropFirst("http://localhost:".count)))
            #expect(port != live.port)

            let page = try await Self.get(url + "/")
            #expect(page.status == 200 && page.text.contains("Other site"))
            #expect(page.header("Content-Type")?.hasPrefix("text/html") == true)
            let origins = try await Self.get(url + "/origins.json")
            #expect(origins.json?["api"] == .string(live.url))
            #expect(origins.json?["site"] == .string(url))

            let allowed = try await live.send("GET", "/dishes", headers: [("Origin", url)])
            #expect(allowed.header("Access-Control-Allow-Origin") == url)
            let byAddress = try await live.send("GET", "/dishes", headers: [("Origin", "http://127.0.0.1:\(port)")])
            #expect(byAddress.header("Access-Control-Allow-Origin") == "http://127.0.0.1:\(port)")
            let foreign = try await live.send("GET", "/dishes", headers: [("Origin", "http://localhost:\(live.port)")])
            #expect(foreign.header("Access-Control-Allow-Origin") == nil, "the API's own origin is not the other site")

            await otherSite.stop(beside: live.server)
            #expect(try await live.send("GET", "/dishes", headers: [("Origin", url)]).header("Access-Control-Allow-Origin") == nil)
            // The listener closes at once; a kept-alive connection from the client above may take
            // a moment to be closed by the server's shutdown, so allow it up to three seconds.
            var free = portIsFree(port)
            for _ in 0..<30 where !free {
                try await Task.sleep(for: .milliseconds(100))
                free = portIsFree(port)
            }
            #expect(free, "the other site's port \(port) is still taken 3 s after it stopped")
        }
    }

    /// A GET through AsyncHTTPClient to a full URL (the other site is not the live server).
    static func get(_ url: String) async throws -> HTTPReply {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        var body = try await response.body.collect(upTo: 1 << 20)
        return HTTPReply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                         body: body.readBytes(length: body.readableBytes) ?? [], elapsed: .zero)
    }

    @Test("a lesson's other-site folder must be inside the lessons folder and hold an index.html")
    func specChecks() throws {
        let lessons = try TemporaryFolder()
        defer { lessons.remove() }
        try FileManager.default.createDirectory(atPath: lessons.file("site/other"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: lessons.file("site/empty"), withIntermediateDirectories: true)
        try "<p>hi</p>".write(toFile: lessons.file("site/other/index.html"), atomically: true, encoding: .utf8)
        func load(_ folder: String) throws -> ServerSpec {
            try "other-site: \(folder)\n".write(toFile: lessons.file("x.server.yaml"), atomically: true, encoding: .utf8)
            return try ServerSpec.load(file: lessons.file("x.server.yaml"), lessonsDirectory: lessons.path)
        }
        #expect(try load("site/other").otherSiteDirectory == lessons.path + "/site/other")
        #expect(throws: LessonProblem.self) { try load("site/empty") }
        #expect(throws: LessonProblem.self) { try load("../outside") }
        do { _ = try load("site/empty") } catch { #expect("\(error)".contains("other-site folder site/empty has no index.html"), "\(error)") }
    }
}
