import Foundation
import Testing

/// The tutor's start: `kitchen` alone is `kitchen learn` with its defaults, without parsing any
/// argument, and a start inside a lesson shows the lesson file as it is now.
@Suite("Tutor start: kitchen alone, resuming, edited lessons")
struct TutorStart {
    /// The output without the server's address line: it shows once the server listens, which
    /// may be before or after the first screen (the prompt does not wait), on another port each time.
    func withoutServerLine(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("Server: http://127.0.0.1:") }.joined(separator: "\n")
    }

    @Test("kitchen alone prints, saves and exits exactly as kitchen learn, at the menu, in a lesson and on a failure")
    func aloneIsLearn() throws {
        let transcript = [".lesson pantry", "SELECT name, price FROM items WHERE price < 10;", "SELECT nope;", ".progress"]
        let first = try Sandbox.pantry(), second = try Sandbox.pantry()
        // The sandbox's lessons are ./lessons, where kitchen looks when given no folder.
        let alone = try first.run([], input: transcript.joined(separator: "\n") + "\n")
        let learn = try second.run(["learn"], input: transcript.joined(separator: "\n") + "\n")
        #expect(alone.output.contains("The pantry · step 1/5"))
        #expect(alone.output.contains("Step passed!"))
        #expect(withoutServerLine(alone.output) == withoutServerLine(learn.output))
        #expect(withoutServerLine(alone.errors) == withoutServerLine(learn.errors))
        #expect(alone.status == 1 && learn.status == 1, "a failed statement in batch mode exits 1")
        #expect(try first.lessonProgress("pantry")["passed"] as? [String] == ["cheap"])
        #expect(try second.lessonProgress("pantry")["passed"] as? [String] == ["cheap"])
        // Resuming: the same first screen both ways.
        let resumedAlone = try first.run([]), resumedLearn = try second.run(["learn"])
        #expect(resumedAlone.output.contains("Welcome back! Resuming The pantry."))
        #expect(withoutServerLine(resumedAlone.output) == withoutServerLine(resumedLearn.output))
        #expect(resumedAlone.status == 0)
        // `--lessons DIR` alone is read without the parser too: the same as `learn --lessons DIR`.
        let withFolder = try first.run(["--lessons", first.lessons], input: ".progress\n")
        let learnWithFolder = try second.run(["learn", "--lessons", second.lessons], input: ".progress\n")
        #expect(withFolder.output.contains("The pantry: 1/5 steps"))
        #expect(withoutServerLine(withFolder.output) == withoutServerLine(learnWithFolder.output))
    }

    @Test("an option, or a word, still goes to the argument parser")
    func argumentsAreParsed() throws {
        let sandbox = try Sandbox.pantry()
        let bad = try sandbox.run(["--port", "70000"])
        #expect(bad.status == 64)
        #expect(bad.errors.contains("--port must be between 0 and 65535"))
        let noServer = try sandbox.run(["--no-server"], input: "GET /menu\n")
        #expect(noServer.errors.contains("the server is off (--no-server)"))
        let missing = try sandbox.run(["--lessons"])
        #expect(missing.status == 64)
        #expect(missing.errors.contains("Missing value for '--lessons <DIR>'"))
        let nowhere = try sandbox.run(["--lessons", sandbox.root + "/nothing-here"], input: ".quit\n")
        #expect(nowhere.errors.contains("no lessons (*.yaml) in \(sandbox.root)/nothing-here, given with --lessons."))
    }

    @Test("resuming inside a lesson shows the lesson file as it is now: an edited step, a broken file, a fixed one")
    func editedLessonIsSeen() throws {
        let sandbox = try Sandbox.pantry()
        try sandbox.learn([".lesson pantry"])
        #expect(try sandbox.learn([]).output.contains("The pantry · step 1/5: Cheap items"))

        // Same size, new text (the index compares size, time and inode; the time moves in ticks).
        usleep(20_000)
        try sandbox.write("pantry.yaml", pantryLesson.replacingOccurrences(of: "title: Cheap items", with: "title: Cheep itemz"))
        let edited = try sandbox.learn([])
        #expect(edited.output.contains("The pantry · step 1/5: Cheep itemz"))

        try sandbox.write("pantry.yaml", "format: 1\nid: [unclosed\n")
        let broken = try sandbox.learn([])
        #expect(broken.errors.contains("lesson not loaded: pantry.yaml"))
        #expect(!broken.output.contains("Resuming"))
        // Progress is kept, not rewritten without the lesson: fixing the file resumes it.
        try sandbox.write("pantry.yaml", pantryLesson)
        let fixed = try sandbox.learn([])
        #expect(fixed.output.contains("Welcome back! Resuming The pantry."))
        #expect(fixed.output.contains("The pantry · step 1/5: Cheap items"))
    }

    @Test("a corrupt lesson index or progress file: the start still works, the index is rebuilt, the progress set aside")
    func corruptFiles() throws {
        let sandbox = try Sandbox.pantry()
        try sandbox.learn([".lesson pantry"])
        try "{ not json".write(toFile: sandbox.home + "/lessons.index", atomically: true, encoding: .utf8)
        let resumed = try sandbox.learn([])
        #expect(resumed.output.contains("The pantry · step 1/5: Cheap items"))
        let index = try String(contentsOfFile: sandbox.home + "/lessons.index", encoding: .utf8)
        #expect(index.contains("pantry"))

        try "{\"currentLesson\": \"pantry\", ".write(toFile: sandbox.home + "/progress.json", atomically: true, encoding: .utf8)
        let fresh = try sandbox.learn([])
        #expect(fresh.errors.contains("could not be used"))
        #expect(fresh.output.contains("Start with .lesson pantry"))
        let aside = try FileManager.default.contentsOfDirectory(atPath: sandbox.home).filter { $0.hasPrefix("progress.json.corrupt-") }
        #expect(aside.count == 1)
    }
}
