import Foundation
import Testing
@testable import KitchenServer

/// The `kitchen` binary in batch mode on the routes lesson: a route whose SQL is wrong is explained
/// to the learner (at definition, or after the 500 it answers), never to the HTTP client; quoted
/// values in typed requests are sent exactly.
@Suite("kitchen: failing routes explained, quoted request values", .enabled(if: Tools.kitchen != nil, "needs the kitchen binary"))
struct KitchenRouteFailureTests {
    @Test("an unknown column is refused at definition with the caret and a did-you-mean; the route is not added", .timeLimit(.scaledMinutes(1)))
    func refusedAtDefinition() throws {
        let home = try TemporaryFolder()
        defer { home.remove() }
        let output = try KitchenPromptHTTPTests.kitchen([], input: """
            .lesson routes
            route GET /menu = SELECT id, name, price FROM menu_items WHERE discontinue = 0
            GET /menu
            """, home: home)
        let errors = output.stderr
        #expect(errors.contains("Error: in the route GET /menu, no such column: discontinue"), "\(errors)")
        #expect(errors.contains("  route GET /menu = SELECT id, name, price FROM menu_items WHERE discontinue = 0\n"))
        let lines = errors.split(separator: "\n").map(String.init)
        let source = try #require(lines.firstIndex { $0.hasPrefix("  route GET /menu") })
        let caret = try #require(lines[source + 1].firstIndex(of: "^")).utf16Offset(in: lines[source + 1])
        #expect(lines[source].dropFirst(caret).hasPrefix("discontinue = 0"), "\(lines[source])\n\(lines[source + 1])")
        #expect(errors.contains("Hint: Did you mean discontinued?"))
        #expect(!output.stdout.contains("Route GET /menu added"))
        #expect(output.stdout.contains("HTTP/1.1 404"), "the route was not added: \(output.stdout)")
        let saved = (try? String(contentsOfFile: home.file("routes/routes.routes"), encoding: .utf8)) ?? ""
        #expect(!saved.contains("discontinue "), "the refused route is not saved: \(saved)")
    }

    @Test("a route failing on a request: the client gets a bare 500, the prompt explains it after the response and in .requests",
          .timeLimit(.scaledMinutes(1)))
    func explainedAfterTheResponse() throws {
        let home = try TemporaryFolder()
        defer { home.remove() }
        let output = try KitchenPromptHTTPTests.kitchen([], input: """
            .lesson routes
            route GET /find unsafe = SELECT id, name FROM menu_items WHERE name = '{name}'
            GET /find name=="O'Brien"
            .requests 1
            """, home: home)
        #expect(output.stdout.contains("Route GET /find added."), "\(output.stdout)\n\(output.stderr)")
        #expect(output.stdout.contains("HTTP/1.1 500"))
        #expect(output.stdout.contains(#""error": "the route's SQL failed; Kitchen's prompt (or kitchen serve) shows the learner why""#))
        #expect(output.stdout.components(separatedBy: "near \"Brien\"").count - 1 == 1,
                "the response carries no SQL error; only .requests names it: \(output.stdout)")
        #expect(output.stderr.contains("Error: the route GET /find failed: near \"Brien\": syntax error"), "\(output.stderr)")
        #expect(output.stderr.contains("  SELECT id, name FROM menu_items WHERE name = 'O'Brien'\n"))
        #expect(output.stdout.contains("the route GET /find failed: near \"Brien\": syntax error"), ".requests shows why: \(output.stdout)")
    }

    @Test("quoted values are sent exactly; qty=2 refused as text suggests qty:=2", .timeLimit(.scaledMinutes(1)))
    func quotedValues() throws {
        let home = try TemporaryFolder()
        defer { home.remove() }
        let output = try KitchenPromptHTTPTests.kitchen([], input: """
            .lesson routes
            GET /dishes?name="Garlic Bread"
            GET /dishes name=='Garlic Bread'
            GET /echo?q=' OR '1'='1
            route POST /orders
              required qty integer 1..10
              sql SELECT :qty AS qty
            end
            POST /orders qty=2
            """, home: home)
        let stdout = output.stdout
        #expect(stdout.components(separatedBy: "\"name\": \"Garlic Bread\"").count - 1 == 4, "two requests, two rows each: \(stdout)")
        #expect(stdout.contains(#""q": "' OR '1'='1""#), "\(stdout)")
        #expect(stdout.contains("HTTP/1.1 422"))
        #expect(stdout.contains(#"qty=2 sends the text "2"; to send a number or true/false, write qty:=2"#), "\(stdout)")
    }
}

@Suite("kitchen serve: a failing route explained under its request line", .enabled(if: Tools.kitchen != nil && Tools.curl != nil, "needs the kitchen binary and curl"))
struct KitchenServeRouteFailureTests {
    @Test("curl gets a bare 500; kitchen serve prints why under the request's line", .timeLimit(.scaledMinutes(1)))
    func explainedUnderTheLine() async throws {
        let serve = try ServeProcess(binary: try #require(Tools.kitchen), arguments: ["--lesson", "routes"]) { home in
            try FileManager.default.createDirectory(atPath: home.file("routes"), withIntermediateDirectories: true)
            try "route GET /find unsafe = SELECT id, name FROM menu_items WHERE name = '{name}'\n"
                .write(toFile: home.file("routes/routes.routes"), atomically: true, encoding: .utf8)
        }
        defer { serve.cleanUp() }
        let port = try #require(loopbackPort(in: try await serve.line(seconds: 30)))
        let answer = try await KitchenServeEndToEndTests.curl(["-w", "\n%{http_code}", "http://127.0.0.1:\(port)/find?name=O%27Brien"])
        #expect(answer.stdout.hasSuffix("\n500"), "\(answer.stdout)")
        #expect(!answer.stdout.contains("syntax") && !answer.stdout.contains("SELECT"), "no internals for the client: \(answer.stdout)")
        var lines: [String] = []
        while let line = try await serve.line(seconds: 5) {
            lines.append(line)
            if line.hasPrefix("  Hint:") || lines.count > 8 { break }
            if lines.count >= 4 { break }
        }
        #expect(lines.first?.hasPrefix("GET /find?name=O%27Brien 500 ") == true, "\(lines)")
        #expect(lines.dropFirst().first == "  the route GET /find failed: near \"Brien\": syntax error", "\(lines)")
        #expect(lines.dropFirst(2).first == "    SELECT id, name FROM menu_items WHERE name = 'O'Brien'", "\(lines)")
        #expect(try await serve.interrupt() == 0)
    }
}
