import Foundation
import KitchenShell
import KitchenSQL
import Testing
@testable import KitchenTutor

/// The tutor draws its first prompt while the server is still binding (`ServerPanel.beginStart`).
/// Here the start is held back on purpose, so that what is typed arrives before the server
/// listens, every time.
@Suite("ServerPanel: the prompt does not wait for the server's start, and what needs the server waits for it", .serialized)
struct ServerPanelStartUnderWayTests {
    static let holdBack: Duration = .milliseconds(400)

    /// A panel whose start is under way for `holdBack` more, attached to a batch session.
    static func panelStarting(settings: ShellSettings = .batch) throws -> (ServerPanel, ShellSession, CapturedOutput, CapturedOutput) {
        let panel = ServerPanel(databasePath: nil, port: 0)
        panel.serve(path: nil, spec: nil)
        let server = panel.server
        panel.pendingStart = ServerPanel.PendingStart {
            try await Task.sleep(for: holdBack)
            return try await server.start(port: 0)
        }
        let output = CapturedOutput()
        let errors = CapturedOutput()
        let session = ShellSession(connection: try Connection(path: ":memory:"), settings: settings, output: output, errors: errors)
        panel.attach(to: session)
        return (panel, session, output, errors)
    }

    @Test("a request typed before the server listens waits for it and is answered, after the server's line", .timeLimit(.minutes(1)))
    func requestWaits() throws {
        let (panel, session, output, errors) = try Self.panelStarting()
        defer { panel.stop() }
        let started = ContinuousClock.now
        _ = session.feed(line: "GET /echo")
        session.finishInput()
        let waited = ContinuousClock.now - started
        #expect(!errors.text.contains("not running"), "\(errors.text)")
        let text = output.text
        let line = try #require(text.range(of: "Server: http://127.0.0.1:"), "\(text)")
        let status = try #require(text.range(of: "HTTP/1.1 200 OK"), "\(text)\n\(errors.text)")
        #expect(line.lowerBound < status.lowerBound, "\(text)")
        // It really was typed before the server listened: it waited for the held-back start.
        #expect(waited >= Self.holdBack - .milliseconds(50), "\(waited)")
    }

    @Test("the first screen does not wait: no line while binding, the line at the next prompt once it listens", .timeLimit(.minutes(1)))
    func lineWhenReady() throws {
        let (panel, session, output, _) = try Self.panelStarting(settings: .terminal(width: 80, color: false))
        defer { panel.stop() }
        let started = ContinuousClock.now
        panel.reportStartIfFinished(session)
        #expect(ContinuousClock.now - started < Self.holdBack / 2)
        #expect(!output.text.contains("Server:"), "\(output.text)")
        // SQL needs no server: it runs at once, with no wait.
        _ = session.feed(line: "SELECT 41 + 1;")
        #expect(output.text.contains("42"))
        #expect(ContinuousClock.now - started < Self.holdBack / 2)
        #expect(!output.text.contains("Server:"), "\(output.text)")
        // Once the server listens, the next prompt shows its address.
        let deadline = ContinuousClock.now + .seconds(20)
        while panel.pendingStart?.isFinished == false && ContinuousClock.now < deadline { usleep(10_000) }
        _ = session.feed(line: "SELECT 2;")
        let text = output.text
        let line = try #require(text.range(of: "Server: http://127.0.0.1:"), "\(text)")
        #expect(text[line.upperBound...].prefix { $0.isNumber }.count >= 2, "\(text)")
        #expect(text.components(separatedBy: "Server: http").count == 2, "shown once: \(text)")
    }

    @Test("in batch mode the line comes only when something needs the server, so a transcript does not depend on when the bind finished", .timeLimit(.minutes(1)))
    func batchTranscriptIsStable() throws {
        let (panel, session, output, _) = try Self.panelStarting()
        defer { panel.stop() }
        _ = session.feed(line: "SELECT 1;")
        let deadline = ContinuousClock.now + .seconds(20)
        while panel.pendingStart?.isFinished == false && ContinuousClock.now < deadline { usleep(10_000) }
        _ = session.feed(line: "SELECT 2;")
        panel.reportStartIfFinished(session)
        #expect(output.text == "1\n2\n", "\(output.text)")
        _ = session.feed(line: "GET /echo")
        session.finishInput()
        #expect(output.text.hasPrefix("1\n2\nServer: http://127.0.0.1:"), "\(output.text)")
    }

    @Test(".server while the start is under way waits for it and shows the address", .timeLimit(.minutes(1)))
    func serverCommandWaits() throws {
        let (panel, session, output, errors) = try Self.panelStarting()
        defer { panel.stop() }
        _ = session.feed(line: ".server")
        let port = try #require(panel.server.port, "\(output.text)\n\(errors.text)")
        #expect(output.text.contains("127.0.0.1:\(port)"), "\(output.text)")
        #expect(!errors.text.contains("not running"), "\(errors.text)")
    }
}
