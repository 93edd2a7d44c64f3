import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Progress survives kill -9 at any moment")
struct ProgressStoreCrashSafety {
    /// Three steps, each passed by any INSERT, so every statement saves progress and often a pass.
    static let crashLesson: String = {
        var yaml = "format: 1\nid: crash\ntitle: Crash\nsummary: Many saves.\nsetup:\n  sql: CREATE TABLE log (n INTEGER);\nsteps:\n"
        for id in ["one", "two", "three"] {
            yaml += """
                  - id: \(id)
                    title: Step \(id)
                    text: Insert a row.
                    task: Insert a row into log.
                    check:
                      kind: sql-state
                      queries:
                        - SELECT count(*) > 0 FROM log
                    hints: [INSERT.]
                    solution: INSERT INTO log (n) VALUES (1);
                    wrong:
                      - answer: DELETE FROM log;
                        expect: different result

                """
        }
        return yaml
    }()

    /// Statements and moves that make the tutor save progress.json over and over.
    static let input: String = {
        var lines = [".lesson crash"]
        for round in 0..<6 {
            for move in [".next", ".next", ".back", ".back"] {
                for n in 0..<8 { lines.append("INSERT INTO log (n) VALUES (\(round * 100 + n));") }
                lines.append(move)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    @Test("40 runs killed with SIGKILL at random moments always leave a valid progress.json, and the next start is clean")
    func killNineManyTimes() throws {
        let sandbox = try Sandbox()
        try sandbox.write("crash.yaml", Self.crashLesson)
        var generator = SystemRandomNumberGenerator()
        var passedBefore: Set<String> = []
        var killedWhileRunning = 0
        for run in 1...40 {
            let (process, output, errors) = try sandbox.process(["--lessons", sandbox.lessons], input: Self.input)
            // Wait until the child has opened the lesson (it printed something), then kill it 0–50 ms later.
            let started = ContinuousClock.now
            try process.run()
            let firstOutput = DispatchSemaphore(value: 0)
            output.fileHandleForReading.readabilityHandler = { handle in
                if !handle.availableData.isEmpty { firstOutput.signal() }
            }
            _ = firstOutput.wait(timeout: .now() + 2)
            output.fileHandleForReading.readabilityHandler = nil
            usleep(UInt32.random(in: 0...50_000, using: &generator))
            if process.isRunning { killedWhileRunning += 1 }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            _ = errors
            #expect(ContinuousClock.now - started < .seconds(5))

            let path = sandbox.home + "/progress.json"
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let object = try #require(try? JSONSerialization.jsonObject(with: data) as? [String: Any], "run \(run): progress.json is not valid JSON: \(String(decoding: data, as: UTF8.self))")
            #expect(object["format"] as? Int == 1, "run \(run)")
            let passed = Set(((object["lessons"] as? [String: Any])?["crash"] as? [String: Any])?["passed"] as? [String] ?? [])
            #expect(passed.isSuperset(of: passedBefore), "run \(run): passed steps were lost: \(passedBefore.subtracting(passed))")
            passedBefore = passed
        }
        #expect(killedWhileRunning >= 30, "the kills must land while kitchen is working")

        // The next start loads the saved progress without a warning, whatever temporary files lie around.
        let next = try sandbox.learn([".progress"])
        #expect(next.status == 0, "\(next.errors)")
        #expect(!next.errors.contains("Warning"), "\(next.errors)")
        #expect(next.outputLines.contains("Welcome back! Resuming Crash."))
        #expect(next.output.contains("Crash: \(passedBefore.count)/3 steps"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: sandbox.home)
        #expect(!leftovers.contains { $0.contains("corrupt") }, "a valid file was set aside: \(leftovers)")
    }

    @Test("a corrupt progress.json is reported at start, set aside with its bytes, and a fresh one is written")
    func corruptProgressAtStart() throws {
        let sandbox = try Sandbox.pantry()
        let garbage = Data("{\"format\": 1, \"lessons\": {\"pantry\": {\"passed\": [\"che".utf8)
        try garbage.write(to: URL(fileURLWithPath: sandbox.home + "/progress.json"))
        let run = try sandbox.learn([".lesson pantry"])
        #expect(run.errors.contains("Warning: \(sandbox.home)/progress.json could not be used: it is not valid progress JSON"))
        let files = try FileManager.default.contentsOfDirectory(atPath: sandbox.home)
        let aside = try #require(files.first { $0.hasPrefix("progress.json.corrupt-") })
        #expect(run.errors.contains("It was kept as \(sandbox.home)/\(aside); starting fresh."))
        #expect(try Data(contentsOf: URL(fileURLWithPath: sandbox.home + "/" + aside)) == garbage)
        #expect(try sandbox.progress()["currentLesson"] as? String == "pantry")
    }
}
