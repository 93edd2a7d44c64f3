import Foundation
import Testing

@Suite("kitchen lessons: list, show, lint and test")
struct LessonsCommandListing {
    @Test("--format json lists id, title, summary, steps, requires and the learner's progress")
    func jsonListing() throws {
        let sandbox = try Sandbox.pantry()
        func entries() throws -> [[String: Any]] {
            let run = try sandbox.run(["lessons", "--format", "json", "--lessons", sandbox.lessons])
            #expect(run.status == 0)
            return try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [[String: Any]])
        }
        let before = try #require(try entries().first)
        #expect(before["id"] as? String == "pantry")
        #expect(before["title"] as? String == "The pantry")
        #expect(before["summary"] as? String == "A small pantry for tests.")
        #expect(before["steps"] as? Int == 5)
        #expect(before["passed"] as? Int == 0)
        #expect(before["requires"] as? [String] == [])
        try sandbox.learn([".lesson pantry", "SELECT name, price FROM items WHERE price < 10;", ".next", "INSERT INTO items (name, price, category_id) VALUES ('Coffee', 2.5, 2);"])
        #expect(try entries().first?["passed"] as? Int == 2)
    }

    @Test("the text listing marks progress and the subcommand is the default")
    func textListing() throws {
        let sandbox = try Sandbox.pantry()
        try sandbox.write("second.yaml", pantryLesson.replacing("id: pantry", with: "id: second").replacing("title: The pantry", with: "title: Second pantry"))
        try sandbox.learn([".lesson pantry", "SELECT name, price FROM items WHERE price < 10;"])
        let run = try sandbox.run(["lessons", "--lessons", sandbox.lessons])
        #expect(run.output == "◐ 1. pantry  The pantry (1/5 steps)\n  2. second  Second pantry (0/5 steps)\n")
    }

    @Test("kitchen lessons test proves every step and ends with N passed, N failed")
    func selfTestPasses() throws {
        let sandbox = try Sandbox.pantry()
        let run = try sandbox.run(["lessons", "test", "--lessons", sandbox.lessons])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.outputLines.filter { $0.hasPrefix("ok   ") } == pantrySteps.map { "ok   pantry/\($0)" })
        #expect(run.outputLines.last { !$0.isEmpty } == "5 passed, 0 failed")
    }

    @Test("kitchen lessons test exits 1 when a known-wrong answer passes, naming its line")
    func selfTestCatchesPassingWrongAnswer() throws {
        let sandbox = try Sandbox.pantry()
        // The "wrong" answer of step 2 is in fact right.
        let broken = pantryLesson.replacing("VALUES ('Coffee', 3, 2);\n        expect: different result", with: "VALUES ('Coffee', 2.5, 2);\n        expect: different result")
        #expect(broken != pantryLesson)
        try sandbox.write("pantry.yaml", broken)
        let run = try sandbox.run(["lessons", "test", "--lessons", sandbox.lessons])
        #expect(run.status == 1)
        let stepLine = try #require(lineNumber(of: "  - id: add-coffee", in: broken))
        let wrongLine = try #require(lineNumber(of: "      - answer: INSERT INTO items (name, price, category_id) VALUES ('Coffee', 2.5, 2);", in: broken))
        #expect(run.output.contains("FAIL pantry/add-coffee (pantry.yaml:\(stepLine))\n     line \(wrongLine): the wrong answer passes: INSERT INTO items (name, price, category_id) VALUES ('Coffee', 2.5, 2);"))
        #expect(run.outputLines.last { !$0.isEmpty } == "4 passed, 1 failed")
    }

    @Test("kitchen lessons test counts a lesson that did not load as failed")
    func selfTestCountsLoadFailures() throws {
        let sandbox = try Sandbox.pantry()
        try sandbox.write("zz-broken.yaml", "format: 1\nid: broken\n")
        let run = try sandbox.run(["lessons", "test", "--lessons", sandbox.lessons])
        #expect(run.status == 1)
        #expect(run.output.hasPrefix("FAIL zz-broken.yaml:"))
        #expect(run.outputLines.last { !$0.isEmpty } == "5 passed, 1 failed")
        let junit = try sandbox.run(["lessons", "test", "--format", "junit", "--lessons", sandbox.lessons])
        let xml = try XMLSummary(junit.output)
        #expect(xml.wellFormed)
        #expect(xml.attributes["testsuite"]?["tests"] == "6")
        #expect(xml.attributes["testsuite"]?["failures"] == "1")
    }

    @Test("kitchen lessons lint names every broken fixture lesson with file:line and exits 1")
    func lintBrokenFixtures() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "KitchenLessonsTests/Fixtures/broken").path
        let sandbox = try Sandbox()
        let run = try sandbox.run(["lessons", "lint", "--lessons", folder])
        #expect(run.status == 1)
        let lines = Set(run.outputLines)
        for expected in [
            "03-missing-field.yaml:19: step 'second' is missing 'task'",
            "05-duplicate-step.yaml:14: duplicate step id 'same'",
            "08-missing-fixture.yaml:7: fixture 'kitchen-sink' not found: there is no fixtures/kitchen-sink.sql",
            "09-wrong-format.yaml:2: format 2 is not supported; this Kitchen reads format 1",
            "12-bad-fixture-name.yaml:6: fixture names a file in lessons/fixtures without its .sql ending, such as 'restaurant'",
            "10-solution-fails.yaml:17: step 'broken': the solution does not pass its own check; a learner giving it would read: Your statements ran without an error, but this step wants the database to refuse one with a UNIQUE error.",
        ] {
            #expect(lines.contains(expected), "\(expected)")
        }
        let unknownKind = try #require(run.outputLines.first { $0.hasPrefix("04-unknown-kind.yaml:12: unknown check kind 'sql-rezult'; known kinds: ") })
        for kind in ["choice", "sql-error", "sql-plan", "sql-result", "sql-state"] { #expect(unknownKind.contains(kind)) }
        #expect(run.outputLines.contains { $0.hasPrefix("02-unknown-key.yaml:14: unknown key 'hint' in a step (did you mean hints?)") })
        #expect(run.outputLines.contains { $0.hasPrefix("11-setup-fails.yaml") && $0.contains("setup.sql fails: no such table: special") })
        #expect(lines.contains("11-setup-fails.yaml:9: setup.sql fails: no such table: special in: INSERT INTO special (day) VALUES ('Mon');"))
        #expect(lines.contains("06-duplicate-lesson.yaml:4: duplicate lesson id 'good-one', already used by 01-good.yaml"))
        #expect(lines.contains { $0.hasPrefix("07-invalid-yaml.yaml:7: not valid YAML") })
        
        #expect(!run.output.contains("good-one.yaml"))
        #expect(!run.output.contains("13-good-two"))
        #expect(run.outputLines.last { !$0.isEmpty } == "13 lesson file(s) checked, 11 problem(s)")
    }

    @Test("kitchen lessons lint FILE checks one file, and a sound one exits 0")
    func lintOneFile() throws {
        let sandbox = try Sandbox.pantry()
        let good = try sandbox.run(["lessons", "lint", sandbox.lessons + "/pantry.yaml"])
        #expect(good.status == 0)
        #expect(good.output == "1 lesson file(s) checked, 0 problem(s)\n")
        let bad = pantryLesson.replacing("solution: CREATE INDEX items_price ON items(price);", with: "solution: CREATE INDEX items_category ON items(category_id);")
        try sandbox.write("bad.yaml", bad)
        let stepLine = try #require(lineNumber(of: "  - id: index", in: bad))
        let lint = try sandbox.run(["lessons", "lint", sandbox.lessons + "/bad.yaml"])
        #expect(lint.status == 1)
        #expect(lint.output.hasPrefix(sandbox.lessons + "/bad.yaml:\(stepLine): step 'index': the solution does not pass its own check; a learner giving it would read: The plan does not use an index to find the rows yet"))
    }

    @Test("the did-you-mean suggestion for a typo is the same on every run")
    func suggestionIsStable() throws {
        let sandbox = try Sandbox.pantry()
        // `ti:` is a prefix of `title` and two edits from `id`.
        try sandbox.write("pantry.yaml", pantryLesson.replacing("    title: Cheap items", with: "    ti: Cheap items"))
        var suggestions: Set<String> = []
        for _ in 0..<8 {
            let run = try sandbox.run(["lessons", "lint", "--lessons", sandbox.lessons])
            #expect(run.status == 1)
            if let range = run.output.range(of: #"did you mean [a-z-]+\?"#, options: .regularExpression) {
                suggestions.insert(String(run.output[range]))
            }
        }
        #expect(!suggestions.isEmpty)
        #expect(suggestions == ["did you mean title?"])
    }
}
