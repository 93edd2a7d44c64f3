import Foundation
import Testing
@testable import KitchenServer

/// `kitchen http FILE` as a user or CI runs it: exit 0 when every request got its expected
/// response, 1 when one did not, 2 when the file is refused (nothing sent) or runs no request.
@Suite("kitchen http: exit codes 0, 1, 2 through the binary", .enabled(if: Tools.kitchen != nil, "needs the kitchen binary"))
struct KitchenHTTPExitCodeTests {
    static func kitchen(_ arguments: [String], home: TemporaryFolder) throws -> ProcessOutput {
        try KitchenPromptHTTPTests.kitchen(["http"] + arguments, input: "", home: home)
    }

    @Test("a CR LF file with a byte order mark runs against Kitchen's own server: exit 0", .timeLimit(.scaledMinutes(1)))
    func crlfPasses() throws {
        let home = try TemporaryFolder()
        defer { home.remove() }
        let text = "@dish = 3\n\n### One dish\nGET {{host}}/menu/{{dish}}\nAccept: application/json\n\nHTTP 200\n[Asserts]\njsonpath \"$.id\" == 3\n\n###\nGET /menu\n    ?limit=2\n\nHTTP 200\n[Asserts]\njsonpath \"$.length\" == 2\n"
        try Data([0xEF, 0xBB, 0xBF] + Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)).write(to: URL(fileURLWithPath: home.file("menu.http")))
        let output = try Self.kitchen([home.file("menu.http")], home: home)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.contains("✓ GET /menu/3 → 200 OK"), "\(output.stdout)")
        #expect(output.stdout.contains("✓ GET /menu?limit=2 → 200 OK"), "\(output.stdout)")
        #expect(output.stdout.hasSuffix("2 passed, 0 failed\n"))
    }

    @Test("a failed expectation: exit 1", .timeLimit(.scaledMinutes(1)))
    func failureExitsOne() throws {
        let home = try TemporaryFolder()
        defer { home.remove() }
        try "GET /menu/3\r\n\r\nHTTP 404\r\n".write(toFile: home.file("menu.http"), atomically: true, encoding: .utf8)
        let output = try Self.kitchen([home.file("menu.http")], home: home)
        #expect(output.status == 1)
        #expect(output.stdout.contains("status: expected 404, got 200"), "\(output.stdout)")
    }

    @Test("a refused file sends nothing and exits 2 with every problem's line", .timeLimit(.scaledMinutes(1)))
    func refusedExitsTwo() throws {
        let home = try TemporaryFolder()
        defer { home.remove() }
        let server = try RecordingServer()
        defer { server.stop() }
        try "GET /menu\n\n###\nPOST /menu\nContent-Type: application/json\n{\"name\": \"Soup\"}\n\n###\nGET /x/{{nope}}\n"
            .write(toFile: home.file("bad.http"), atomically: true, encoding: .utf8)
        let output = try Self.kitchen([home.file("bad.http"), "--port", String(server.port)], home: home)
        #expect(output.status == 2)
        #expect(output.stderr.contains("bad.http:6: this looks like a body, but no blank line comes before it"), "\(output.stderr)")
        #expect(server.recorded.isEmpty)
        #expect(output.stdout.isEmpty)
    }

    @Test("a file with no request, or a missing file: exit 2", .timeLimit(.scaledMinutes(1)))
    func nothingToRunExitsTwo() throws {
        let home = try TemporaryFolder()
        defer { home.remove() }
        try "# just notes\r\n@host = http://localhost:3000\r\n".write(toFile: home.file("empty.http"), atomically: true, encoding: .utf8)
        let empty = try Self.kitchen([home.file("empty.http")], home: home)
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("empty.http:1: no request in this file"), "\(empty.stderr)")
        let missing = try Self.kitchen([home.file("nowhere.http")], home: home)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("nowhere.http:1: cannot read it"), "\(missing.stderr)")
    }

    @Test("# @prompt in batch mode: exit 2 without --var, the value sent with it", .timeLimit(.scaledMinutes(1)))
    func promptNeedsVar() throws {
        let home = try TemporaryFolder()
        defer { home.remove() }
        let server = try RecordingServer()
        defer { server.stop() }
        try "# @prompt dish Which dish?\r\nGET /menu/{{dish}}\r\n".write(toFile: home.file("ask.http"), atomically: true, encoding: .utf8)
        let refused = try Self.kitchen([home.file("ask.http"), "--port", String(server.port)], home: home)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("ask.http:1: # @prompt dish needs a value: give it with --var dish=VALUE"), "\(refused.stderr)")
        #expect(server.recorded.isEmpty)
        let given = try Self.kitchen([home.file("ask.http"), "--port", String(server.port), "--var", "dish=5"], home: home)
        #expect(given.status == 0, "\(given.stdout)\(given.stderr)")
        #expect(server.transcript.hasPrefix("=== request 1\nGET /menu/5 HTTP/1.1\\r\\n"), "\(server.transcript)")
    }

    @Test("--env chooses an environment of http-client.env.json", .timeLimit(.scaledMinutes(1)))
    func environment() throws {
        let home = try TemporaryFolder()
        defer { home.remove() }
        let server = try RecordingServer()
        defer { server.stop() }
        try #"{"dev": {"host": "http://localhost:1234", "key": "k-dev"}, "prod": {"host": "https://api.example.com", "key": "k-prod"}}"#
            .write(toFile: home.file("http-client.env.json"), atomically: true, encoding: .utf8)
        try "GET {{host}}/menu\nX-Key: {{key}}\n".write(toFile: home.file("env.http"), atomically: true, encoding: .utf8)
        let dev = try Self.kitchen([home.file("env.http"), "--port", String(server.port), "--env", "dev"], home: home)
        #expect(dev.status == 0, "\(dev.stdout)\(dev.stderr)")
        #expect(server.transcript.contains("X-Key: k-dev\\r\\n"), "\(server.transcript)")
        let prod = try Self.kitchen([home.file("env.http"), "--port", String(server.port), "--env", "prod"], home: home)
        #expect(prod.status == 2)
        #expect(prod.stderr.contains("env.http:1: https://api.example.com/menu is not on Kitchen's server"), "\(prod.stderr)")
        let none = try Self.kitchen([home.file("env.http"), "--port", String(server.port), "--env", "staging"], home: home)
        #expect(none.status == 2)
        #expect(none.stderr.contains("no environment named staging; the environments are: dev, prod"), "\(none.stderr)")
        #expect(server.recorded.count == 1)
    }
}
