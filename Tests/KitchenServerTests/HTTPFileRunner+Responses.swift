import Foundation
import Testing
@testable import KitchenServer

/// What happens while a file runs: request variables read from real responses (and the request
/// that cannot be built is not sent), redirects and their report, system variables, encoding.
@Suite("Running .http files: responses, redirects, system variables")
struct HTTPFileRunnerTests {
    /// Writes `text` to a fresh folder, prepares and runs it against a recording server.
    static func run(_ text: String, options: HTTPFileRunner.Options = .init(),
                    answer: @escaping @Sendable (String, String) -> RecordingServer.Canned = RecordingServer.standardAnswer)
        async throws -> (report: HTTPFileReport, server: RecordingServer) {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try text.write(toFile: folder.file("t.http"), atomically: true, encoding: .utf8)
        let server = try RecordingServer(answer: answer)
        defer { server.stop() }
        let report = await (try HTTPFileRunner.prepare(path: folder.file("t.http"), options: options)).runOffPool(port: server.port)
        return (report, server)
    }

    static func texts(_ report: HTTPFileReport) -> [String] { report.lines.map(\.text) }

    @Test("a JSONPath that matches nothing: that request is not sent, the others are, exit 1", .timeLimit(.scaledMinutes(1)))
    func jsonPathMatchesNothing() async throws {
        let (report, server) = try await Self.run("""
            # @name dish
            GET /menu/42

            ###
            @missing = {{dish.response.body.$.chef.name}}
            GET /chefs/{{missing}}

            ###
            GET /menu
            """)
        #expect(server.recorded.count == 2)
        #expect(server.transcript.contains("GET /menu/42 HTTP/1.1"))
        #expect(!server.transcript.contains("/chefs"))
        #expect(report.exitCode == 1)
        #expect(report.outcomes[1].response == nil)
        let lines = Self.texts(report)
        #expect(lines.contains("✗ request at line 6  (\(report.file):6)"), "\(lines)")
        #expect(lines.contains { $0.contains(":6: not sent: {{dish.response.body.$.chef.name}}: the JSONPath $.chef.name matches nothing in the body of the response of dish (line 2): {\"id\":42") }, "\(lines)")
        #expect(lines.last == "2 passed, 1 failed")
    }

    @Test("a missing response header and a body that is not JSON are named", .timeLimit(.scaledMinutes(1)))
    func responseProblems() async throws {
        let (report, server) = try await Self.run("""
            # @name page
            GET /text

            ###
            GET /x
            X-A: {{page.response.headers.X-Missing}}

            ###
            GET /y/{{page.response.body.$.id}}

            ###
            POST /z
            Content-Type: text/plain

            {{page.response.body.*}}
            """)
        #expect(server.recorded.count == 2)
        let lines = Self.texts(report).joined(separator: "\n")
        #expect(lines.contains("the response of page (line 2) has no header X-Missing"), "\(lines)")
        #expect(lines.contains("the body of the response of page (line 2) is not JSON, so $.id cannot be read"), "\(lines)")
        #expect(server.transcript.hasSuffix("\\r\\n\nplain words\n"), "\(server.transcript)")
    }

    @Test("redirects are followed and reported; # @no-redirect keeps them; another host is not followed", .timeLimit(.scaledMinutes(1)))
    func redirects() async throws {
        let (report, server) = try await Self.run("""
            GET /old

            ###
            # @no-redirect
            GET /old

            ###
            GET /elsewhere
            """)
        let lines = Self.texts(report)
        #expect(lines[0].hasPrefix("✓ GET /old → 302 Found, followed to /menu/4 → 200 OK ("), "\(lines)")
        #expect(lines[1].hasPrefix("✓ GET /old → 302 Found (not followed: # @no-redirect) ("), "\(lines)")
        #expect(lines[2].hasPrefix("✗ GET /elsewhere → 301 Moved Permanently"), "\(lines)")
        #expect(lines[3] == "    redirected to https://example.com/, which is not Kitchen's server; add # @no-redirect to check the redirect itself")
        #expect(server.recorded.count == 4)
    }

    @Test("system variables are sent as the REST Client formats them", .timeLimit(.scaledMinutes(1)))
    func systemVariablesSent() async throws {
        let (report, server) = try await Self.run("""
            GET /v?guid={{$guid}}&uuid={{$uuid}}&n={{$randomInt 5 6}}&ts={{$timestamp}}&jb={{$randomInt}}
            X-Date: {{$datetime rfc1123}}
            X-Iso: {{$datetime iso8601 -1 d}}
            X-Local: {{$localDatetime iso8601}}
            X-Encoded: {{%$datetime rfc1123}}
            """)
        #expect(report.exitCode == 0)
        let sent = server.transcript
        let uuid = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
        #expect(sent.range(of: "GET /v\\?guid=\(uuid)&uuid=\(uuid)&n=5&ts=1[0-9]{9}&jb=[0-9]{1,3} HTTP/1.1", options: .regularExpression) != nil, "\(sent)")
        #expect(sent.range(of: "X-Date: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} [A-Z][a-z]{2} 20[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT\\\\r", options: .regularExpression) != nil, "\(sent)")
        #expect(sent.range(of: "X-Iso: 20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z\\\\r", options: .regularExpression) != nil, "\(sent)")
        #expect(sent.range(of: "X-Local: 20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}\\\\r", options: .regularExpression) != nil, "\(sent)")
        #expect(sent.range(of: "X-Encoded: [A-Z][a-z]{2}%2C%20[0-9]{2}%20", options: .regularExpression) != nil, "\(sent)")
    }

    @Test("dates and offsets at a fixed time")
    func fixedTime() throws {
        let variables = HTTPFileSystemVariables(processEnvironment: { _ in nil }, dotenv: nil, environment: [:], now: { 1764636312.5 })
        #expect(try variables.value(of: "$timestamp") == "1764636312")
        #expect(try variables.value(of: "$timestamp -1 M") == "1762044312")
        #expect(try variables.value(of: "$timestamp -1 y") == "1733100312")
        #expect(try variables.value(of: "$timestamp 2 h") == "1764643512")
        #expect(try variables.value(of: "$datetime iso8601") == "2025-12-02T00:45:12.500Z")
        #expect(try variables.value(of: "$datetime rfc1123 -1 d") == "Mon, 01 Dec 2025 00:45:12 GMT")
        #expect(try variables.value(of: "$isoTimestamp") == "2025-12-02T00:45:12.500Z")
        #expect(HTTPFileSystemVariables.addingMonths(1, to: 1738281600) == 1740700800)  // Jan 31 + 1 M = Feb 28
        #expect(throws: HTTPFileSystemVariables.Failure.self) { try variables.value(of: "$timestamp 1 fortnight") }
    }

    @Test("--var fills a prompt and overrides a variable; {{%name}} percent-encodes", .timeLimit(.scaledMinutes(1)))
    func valuesAndEncoding() async throws {
        let (report, server) = try await Self.run("""
            @q = fish & chips/ü
            # @prompt table Table number
            GET /orders?table={{table}}&q={{%q}}&raw={{q}}
            """, options: .init(values: ["table": "12"]))
        #expect(report.exitCode == 0)
        #expect(server.transcript.hasPrefix("=== request 1\nGET /orders?table=12&q=fish%20%26%20chips%2F%C3%BC&raw=fish%20&%20chips/%C3%BC HTTP/1.1\\r\\n"), "\(server.transcript)")
    }

    @Test("a failed expectation fails the file with exit 1", .timeLimit(.scaledMinutes(1)))
    func failedExpectation() async throws {
        let (report, _) = try await Self.run("GET /menu/42\n\nHTTP 201\n[Asserts]\njsonpath \"$.name\" == \"Calzone\"\n")
        #expect(report.exitCode == 1)
        #expect(Self.texts(report).contains("    status: expected 201, got 200"))
        #expect(Self.texts(report).contains("    jsonpath $.name: expected Calzone, got Margherita"))
    }

    @Test("encodeurl and encodeURIComponent")
    func encodings() {
        #expect(HTTPFileVariables.encodeURL("/a b?q=\"x\"&p=100%&ok=%2F#frag{}|^`\\ü") == "/a%20b?q=%22x%22&p=100%25&ok=%2F#frag%7B%7D%7C%5E%60%5C%C3%BC")
        #expect(HTTPFileVariables.percentEncode("a b&c=d/é!~*'()") == "a%20b%26c%3Dd%2F%C3%A9!~*'()")
    }

    @Test("an error status is shown with what the server said: unchecked ones are marked, failed ones explained", .timeLimit(.scaledMinutes(1)))
    func errorStatusesExplained() async throws {
        let (report, _) = try await Self.run("""
            POST /orders
            Content-Type: application/json

            {"table_no": 3}

            ###
            POST /orders
            Content-Type: application/json

            {"table_no": 3}

            HTTP 201

            ###
            GET /fine
            """, answer: { _, target in
                target == "/fine" ? .json("{}") : .json("{\n  \"error\": \"the data is not valid\"\n}", status: 422, reason: "Unprocessable Entity")
            })
        let lines = Self.texts(report)
        #expect(lines.contains { $0.hasPrefix("✓ POST /orders → 422 Unprocessable Entity") }, "\(lines)")
        #expect(lines.contains(#"    422 is not checked (no HTTP line under the request states a status); the server said: { "error": "the data is not valid" }"#), "\(lines)")
        #expect(lines.contains("    status: expected 201, got 422"), "\(lines)")
        #expect(lines.contains(#"    the server said: { "error": "the data is not valid" }"#), "\(lines)")
        #expect(lines.filter { $0.contains("the server said") }.count == 2, "a 200 gets no note: \(lines)")
        #expect(lines.last == "2 passed, 1 failed")
    }
}

