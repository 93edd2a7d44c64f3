import Foundation
import Testing
@testable import KitchenServer
#if canImport(Glibc)
import Glibc
#endif

/// `kitchen serve`, the built binary, driven with curl as a learner would from another terminal.
@Suite("kitchen serve: the binary, driven with curl", .enabled(if: Tools.kitchen != nil && Tools.curl != nil, "needs the kitchen binary and curl"))
struct KitchenServeEndToEndTests {
    nonisolated(unsafe) static let requestLine = #/^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (/\S*) (\d{3}) (\d+(\.\d+)?) ms$/#

    /// Runs curl off the cooperative pool; returns "STATUS" from -w, or the body with -i.
    static func curl(_ arguments: [String]) async throws -> ProcessOutput {
        let curl = try #require(Tools.curl)
        return try await onOwnThread { try runProgram(curl, ["-s", "--max-time", "10"] + arguments) }
    }

    @Test("it prints the URL first, then one line per request with method, path, status and duration; Ctrl-C stops it and frees the port",
          .timeLimit(.scaledMinutes(1)))
    func servesAndLogs() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let database = try PracticeDatabase.create(in: folder)
        let serve = try ServeProcess(binary: try #require(Tools.kitchen), arguments: ["--db", database])
        defer { serve.cleanUp() }

        let first = try await serve.line(seconds: 60)
        let port = try #require(loopbackPort(in: first), "the first line is not the URL: \(first ?? "nothing")")
        let url = "http://127.0.0.1:\(port)"

        let list = try await Self.curl(["-w", "\n%{http_code}", url + "/menu_items?limit=2"])
        #expect(list.stdout.hasSuffix("\n200"), "\(list.stdout)")
        #expect(ids(try JSONValue.parse(String(list.stdout.dropLast(4)))) == [1, 2])
        let created = try await Self.curl(["-o", "/dev/null", "-w", "%{http_code}", "-H", "Content-Type: application/json",
                                           "--data", #"{"name": "Sorbet", "category_id": 3, "price": 3.5}"#, url + "/menu_items"])
        #expect(created.stdout == "201")
        let missing = try await Self.curl(["-o", "/dev/null", "-w", "%{http_code}", "-X", "DELETE", url + "/nowhere"])
        #expect(missing.stdout == "404")
        let head = try await Self.curl(["-I", "-o", "/dev/null", "-w", "%{http_code}", url + "/categories/1"])
        #expect(head.stdout == "200")

        var lines: [String] = []
        for _ in 0..<4 {
            guard let line = try await serve.line(seconds: 10) else { break }
            lines.append(line)
        }
        #expect(lines.count == 4, "\(lines)")
        let parsed = lines.compactMap { try? Self.requestLine.wholeMatch(in: $0) }
        #expect(parsed.count == lines.count, "every line is METHOD PATH STATUS N ms: \(lines)")
        #expect(parsed.map { "\($0.1) \($0.2) \($0.3)" } == ["GET /menu_items?limit=2 200", "POST /menu_items 201", "DELETE /nowhere 404", "HEAD /categories/1 200"])

        let status = try await serve.interrupt()
        #expect(status == 0, "kitchen serve exits cleanly on SIGINT (status \(status.map(String.init) ?? "none: still running"))")
        #expect(listeningAddresses(port: port, file: "/proc/net/tcp").isEmpty, "no listener outlives the process")
        #expect(portIsFree(port))
        #expect(throws: RawSocket.ConnectFailure.self) { try RawSocket.connect(port: port) }
        #expect(try await serve.line(seconds: 2) == nil, "nothing more on stdout")
    }

    @Test("without --db it serves the default restaurant dataset", .timeLimit(.scaledMinutes(1)))
    func defaultDataset() async throws {
        let serve = try ServeProcess(binary: try #require(Tools.kitchen), arguments: [])
        defer { serve.cleanUp() }
        let port = try #require(loopbackPort(in: try await serve.line(seconds: 30)))
        let response = try await Self.curl(["-i", "http://127.0.0.1:\(port)/menu?limit=10"])
        let parts = response.stdout.components(separatedBy: "\r\n\r\n")
        #expect(parts.first?.hasPrefix("HTTP/1.1 200") == true, "\(response.stdout.prefix(200))")
        #expect(parts.first?.lowercased().contains("content-type: application/json") == true)
        #expect(parts.first?.lowercased().contains("x-total-count: ") == true)
        let body = try JSONValue.parse(parts.dropFirst().joined(separator: "\r\n\r\n"))
        #expect(ids(body).count == 10)
        let echo = try await Self.curl(["http://127.0.0.1:\(port)/echo?from=curl"])
        #expect(try JSONValue.parse(echo.stdout)["query"]?["from"] == .string("curl"))
        #expect(try await serve.interrupt() == 0)
    }

    @Test("--port N on a port that is taken falls back to a free port with a clear message", .timeLimit(.scaledMinutes(1)))
    func takenPort() async throws {
        let held = try HeldPort()
        defer { held.close() }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let database = try PracticeDatabase.create(in: folder)
        let serve = try ServeProcess(binary: try #require(Tools.kitchen), arguments: ["--db", database, "--port", "\(held.port)"])
        defer { serve.cleanUp() }
        let port = try #require(loopbackPort(in: try await serve.line(seconds: 60)))
        #expect(port != held.port)
        let answer = try await Self.curl(["-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/categories"])
        #expect(answer.stdout == "200")
        #expect(try await serve.interrupt() == 0)
        let stderr = try await serve.stderrText()
        #expect(stderr.contains("port \(held.port) is in use"), "\(stderr)")
        #expect(stderr.contains("\(port)"))
    }

    @Test("--port N on a free port uses it", .timeLimit(.scaledMinutes(1)))
    func freePort() async throws {
        let held = try HeldPort()
        let wanted = held.port
        held.close()
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let serve = try ServeProcess(binary: try #require(Tools.kitchen), arguments: ["--db", try PracticeDatabase.create(in: folder), "--port", "\(wanted)"])
        defer { serve.cleanUp() }
        #expect(loopbackPort(in: try await serve.line(seconds: 60)) == wanted)
        #expect(try await serve.interrupt() == 0)
    }

    @Test("a port out of range is refused before anything starts")
    func portOutOfRange() async throws {
        let kitchen = try #require(Tools.kitchen)
        let output = try await onOwnThread { try runProgram(kitchen, ["serve", "--port", "70000"]) }
        #expect(output.status != 0)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.contains("--port must be between 0 and 65535"), "\(output.stderr)")
    }
}
