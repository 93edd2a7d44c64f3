import Foundation
import Testing
@testable import KitchenServer
@testable import KitchenServerChecks

/// The tutor in the real binary, with a real `curl` in a "second terminal": an `http-request` step
/// is passed by curl's request when the server created the loan, and not by a curl POST the server
/// refused with 415 (it created nothing).
@Suite("kitchen: curl satisfies a request step only when the server did what was asked",
       .enabled(if: Tools.kitchen != nil && Tools.curl != nil, "needs the kitchen binary and curl"))
struct TutorCurlGradingTests {
    /// A `kitchen` process fed line by line, its output collected in a file.
    final class Session {
        let process = Process()
        let input = Pipe()
        let outputPath: String

        init(lessons: String, home: TemporaryFolder) throws {
            outputPath = home.file("output.txt")
            _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
            process.executableURL = URL(fileURLWithPath: try #require(Tools.kitchen))
            process.arguments = ["--lessons", lessons]
            process.environment = ["KITCHEN_HOME": home.path, "PATH": "/usr/bin:/bin", "TERM": "dumb"].merging(sanitizerEnvironment) { $1 }
            process.standardInput = input
            let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
            process.standardOutput = output
            process.standardError = output
            try process.run()
        }

        var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

        func send(_ line: String) {
            input.fileHandleForWriting.write(Data((line + "\n").utf8))
        }

        /// Waits until the output after `offset` contains `text`; returns the output from `offset`.
        @discardableResult
        func wait(for text: String, after offset: Int = 0, seconds: Double = 20) throws -> String {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                let all = output
                let tail = String(all.dropFirst(offset))
                if tail.contains(text) { return tail }
                Thread.sleep(forTimeInterval: 0.05)
            }
            Issue.record("timed out waiting for \(text); output so far:\n\(output)")
            throw CancellationError()
        }

        func finish() {
            try? input.fileHandleForWriting.close()
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning { process.terminate() }
        }
    }

    static let loanBody = #"{"book_id": 10, "member_id": 1, "day": "2024-03-06"}"#

    /// curl POSTs the loan to `url`, as JSON or (without a Content-Type) as a form; its status.
    static func curlPostLoan(_ url: String, json: Bool) throws -> String {
        let type = json ? ["-H", "Content-Type: application/json"] : []
        return try runProgram(try #require(Tools.curl), ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", url] + type + ["-d", loanBody]).stdout
    }

    /// Kitchen on the library lesson, at its step "Send POST /loans for book 10"; the session and
    /// the URL curl posts to.
    static func openLoanStep(home: TemporaryFolder) throws -> (Session, url: String) {
        let lessons = home.file("lessons")
        try FileManager.default.createDirectory(atPath: lessons + "/fixtures", withIntermediateDirectories: true)
        try LibraryLesson.yaml.write(toFile: lessons + "/library.yaml", atomically: true, encoding: .utf8)
        let session = try Session(lessons: lessons, home: home)
        session.send(".lesson library")
        session.send(".server")
        let opened = try session.wait(for: "http://127.0.0.1:")
        let port = try #require(opened.firstMatch(of: /http:\/\/127\.0\.0\.1:(\d+)/).map { String($0.1) })
        session.send(".next")
        session.send(".next")
        try session.wait(for: "Send POST /loans for book 10")
        return (session, "http://127.0.0.1:\(port)/loans")
    }

    @Test("curl's 415 fails the step and says so; curl's 201 passes it", .timeLimit(.scaledMinutes(2)))
    func curlRequestStep() throws {
        let home = try TemporaryFolder()
        defer { home.remove() }
        let (session, url) = try Self.openLoanStep(home: home)
        defer { session.finish() }
        // curl -d without a Content-Type sends a form: the server refuses it and creates nothing.
        #expect(try Self.curlPostLoan(url, json: false) == "415")
        var mark = session.output.count
        session.send(".check")
        let failed = try session.wait(for: "answered it 415", after: mark)
        #expect(failed.contains("the server received POST /loans (from curl), but answered it 415"), "\(failed)")
        #expect(!failed.contains("Step passed"), "\(failed)")

        #expect(try Self.curlPostLoan(url, json: true) == "201")
        mark = session.output.count
        session.send(".check")
        let passed = try session.wait(for: "answered 201", after: mark)
        #expect(passed.contains("Correct: the server received POST /loans (from curl) and answered 201."), "\(passed)")
    }

    @Test("curl's request passes the step when the learner is next back at the prompt, without .check; a refused one says nothing", .timeLimit(.scaledMinutes(2)))
    func curlPassesWithoutCheck() throws {
        let home = try TemporaryFolder()
        defer { home.remove() }
        let (session, url) = try Self.openLoanStep(home: home)
        defer { session.finish() }
        #expect(try Self.curlPostLoan(url, json: false) == "415")
        var mark = session.output.count
        session.send("")
        session.send(".server")
        let quiet = try session.wait(for: "http://127.0.0.1:", after: mark)
        #expect(!quiet.contains("Not yet") && !quiet.contains("not yet") && !quiet.contains("Step passed"), "\(quiet)")

        #expect(try Self.curlPostLoan(url, json: true) == "201")
        mark = session.output.count
        session.send("")   // the learner presses Enter back in Kitchen's terminal
        let passed = try session.wait(for: "Step passed", after: mark)
        #expect(passed.contains("Correct: the server received POST /loans (from curl) and answered 201."), "\(passed)")
    }
}
