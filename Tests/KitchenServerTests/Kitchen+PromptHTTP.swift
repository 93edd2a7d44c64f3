import Foundation
import Testing
@testable import KitchenServer

/// The `kitchen` binary in batch mode (stdin from a file), with its own server on a free port:
/// routes typed at the prompt, the wire view, and `.http` files, as a learner uses them.
@Suite("kitchen: routes, .wire and .http files through the binary", .enabled(if: Tools.kitchen != nil, "needs the kitchen binary"))
struct KitchenPromptHTTPTests {
    /// Runs `kitchen ARGUMENTS` with `input` on stdin and a fresh Kitchen home; returns the output and the home.
    static func kitchen(_ arguments: [String], input: String, home: TemporaryFolder) throws -> ProcessOutput {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let inputPath = folder.file("input")
        try input.write(toFile: inputPath, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Tools.kitchen))
        process.arguments = arguments + ["--lessons", Tools.lessons]
        process.environment = ["KITCHEN_HOME": home.path, "PATH": "/usr/bin:/bin"].merging(sanitizerEnvironment) { $1 }
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: inputPath))
        _ = FileManager.default.createFile(atPath: folder.file("out"), contents: nil)
        _ = FileManager.default.createFile(atPath: folder.file("err"), contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.file("out")))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.file("err")))
        try process.run()
        process.waitUntilExit()
        return ProcessOutput(status: process.terminationStatus,
                             stdout: (try? String(contentsOfFile: folder.file("out"), encoding: .utf8)) ?? "",
                             stderr: (try? String(contentsOfFile: folder.file("err"), encoding: .utf8)) ?? "")
    }

    @Test("a route typed at the prompt answers the next request, is saved, and a mistake is shown with a caret", .timeLimit(.scaledMinutes(1)))
    func routesAtThePrompt() throws {
        let home = try TemporaryFolder()
        defer { home.remove() }
        let output = try Self.kitchen([], input: """
            .lesson routes
            route GET /cheap = SELECT name FROM menu_items WHERE price < :max ORDER BY price LIMIT 2
            GET /cheap?max=4
            route POST /x
              requird name text
            end
            .route GET /cheap
            """, home: home)
        #expect(output.stdout.contains("Route GET /cheap added."), "\(output.stdout)")
        #expect(output.stdout.contains("HTTP/1.1 200 OK"))
        #expect(output.stdout.contains("\"name\": \"Espresso\""))
        #expect(output.stderr.contains("in the route, line 2, column 3: unknown line requird"), "\(output.stderr)")
        #expect(output.stderr.contains("  requird name text\n    ^"), "\(output.stderr)")
        let saved = try String(contentsOfFile: home.file("routes/routes.routes"), encoding: .utf8)
        #expect(saved.contains("route GET /cheap = SELECT name FROM menu_items"))
        #expect(!saved.contains("/x"))
    }

    @Test(".route shows a route the lesson wrote, and refuses to remove it", .timeLimit(.scaledMinutes(1)))
    func lessonRouteShown() throws {
        let home = try TemporaryFolder()
        defer { home.remove() }
        let output = try Self.kitchen([], input: """
            .lesson web-security
            .route POST /reviews
            .route remove POST /reviews
            .route GET /nowhere
            .routes
            """, home: home)
        #expect(output.stdout.contains("route POST /reviews\n"), "\(output.stdout)")
        #expect(output.stdout.contains("bind-undeclared"))
        #expect(output.stdout.contains("(the lesson's route; a route you define for POST /reviews replaces it)"))
        #expect(output.stderr.contains("POST /reviews is the lesson's route, not yours"), "\(output.stderr)")
        #expect(output.stderr.contains("you have no route GET /nowhere"))
        #expect(output.stdout.contains("POST    /reviews  lesson"), "the refused removal left the route in place")
    }

    @Test(".wire on shows the bytes that crossed the socket, CR LF made visible", .timeLimit(.scaledMinutes(1)))
    func wire() throws {
        let home = try TemporaryFolder()
        defer { home.remove() }
        let output = try Self.kitchen([], input: ".wire on\nGET /menu/2\n", home: home)
        #expect(output.stdout.contains("── request bytes, as the server received them ──"), "\(output.stdout)")
        #expect(output.stdout.contains("GET /menu/2 HTTP/1.1\\r\\n"))
        #expect(output.stdout.contains("HTTP/1.1 200 OK\\r\\n"))
        #expect(output.stdout.contains("\"name\":\"Bruschetta\""))
    }

    @Test("kitchen http FILE runs requests with variables and named responses, and exits 1 when an expectation fails", .timeLimit(.scaledMinutes(1)))
    func httpFiles() throws {
        let home = try TemporaryFolder()
        defer { home.remove() }
        let file = home.file("menu.http")
        try """
            @dish = 3

            ### One dish
            GET {{host}}/menu/{{dish}}

            HTTP 200
            [Asserts]
            jsonpath "$.id" == 3

            ### Create one
            # @name created
            POST /menu
            Content-Type: application/json

            {"name": "Pumpkin Soup", "category_id": 2, "price": 6.5}

            HTTP 201

            ### Read it back where the server said it lives
            GET {{created.response.headers.Location}}

            HTTP 200
            [Asserts]
            jsonpath "$.name" == "Pumpkin Soup"
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let passing = try Self.kitchen(["http", file], input: "", home: home)
        #expect(passing.status == 0, "\(passing.stdout)\(passing.stderr)")
        #expect(passing.stdout.hasSuffix("3 passed, 0 failed\n"))

        try "GET /menu/3\n\nHTTP 404\n".write(toFile: file, atomically: true, encoding: .utf8)
        let failing = try Self.kitchen(["http", file], input: "", home: home)
        #expect(failing.status == 1)
        #expect(failing.stdout.contains("status: expected 404, got 200"), "\(failing.stdout)")
    }
}
