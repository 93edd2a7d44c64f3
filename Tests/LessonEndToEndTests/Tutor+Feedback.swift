import Foundation
import Testing

extension Sandbox {
    /// The learner at the prompt in batch mode, with errors and output in one stream, as a
    /// terminal shows them: for the order of what is printed.
    func learnMerged(_ lines: [String]) throws -> String {
        let (process, output, _) = try process(["--lessons", lessons], input: lines.joined(separator: "\n") + "\n")
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

@Suite("The tutor speaks up about attempts, through the kitchen binary")
struct TutorFeedback {
    @Test("a wrong attempt gets a one-line verdict at once; exploration gets none")
    func verdictWithoutAsking() throws {
        let sandbox = try Sandbox.pantry()
        let run = try sandbox.learn([
            ".lesson pantry",
            ".schema items",
            "SELECT * FROM categories;",
            "SELECT name FROM items WHERE price < 10;",
            "SELECT name, price FROM items WHERE price < 3;",
            "SELECT name, price FROM items WHERE price < 10;",
            ".next",
            "SELECT * FROM items;",
            "INSERT INTO items (name, price, category_id) VALUES ('Coffee', 3, 2);",
        ])
        let verdicts = run.outputLines.filter { $0.hasPrefix("not yet: ") }
        #expect(verdicts.count == 3, "\(run.output)")
        #expect(verdicts.first == "not yet: wrong number of columns: expected 2 (name, price), got 1 (name) — .check for details")
        #expect(verdicts.dropFirst().first?.hasSuffix(" — .check for details") == true)
        // The verdict follows the statement's own output: the Mains/Drinks rows come before any verdict.
        let firstVerdict = try #require(lineNumber(of: "not yet: ", in: run.output))
        let drinks = try #require(run.outputLines.firstIndex { $0.contains("Drinks") }, "\(run.output)")
        #expect(drinks + 1 < firstVerdict)
        #expect(run.output.contains("Step passed!"))
        // Quiet grading counts no failed check.
        #expect((try sandbox.lessonProgress("pantry")["attempts"] as? [String: Int] ?? [:]).isEmpty)
    }

    @Test("the pass message of a refused statement comes after its error")
    func passAfterError() throws {
        let sandbox = try Sandbox.pantry()
        let text = try sandbox.learnMerged([".lesson pantry 4", "INSERT INTO items (name, price) VALUES ('Bad', -1);"])
        let error = try #require(text.range(of: "CHECK constraint failed"), "\(text)")
        let passed = try #require(text.range(of: "Step passed!"), "\(text)")
        #expect(error.lowerBound < passed.lowerBound, "\(text)")
        #expect(text.contains("The pantry · step 4/5"))
    }

    @Test("on a question step a bare letter answers, and a dot-command is never swallowed into a statement")
    func bareLetters() throws {
        let sandbox = try Sandbox.pantry()
        let run = try sandbox.learn([
            ".lesson pantry",
            "c",
            ".lesson pantry 5",
            "a",
            "answer b;",
            "b",
            ".progress",
        ])
        // "c" on an SQL step is the start of a statement; the dot-command after it still runs.
        #expect(run.errors.contains("(The unfinished statement \"c\" was dropped: it had no ; at the end.)"), "\(run.errors)")
        #expect(run.output.contains("The pantry · step 5/5: A question"))
        #expect(run.output.contains("a) is not the right answer."), "\(run.output)")
        // Something that is not an option letter fails as SQL, and the error says what to type.
        #expect(run.errors.contains("This step is a question: type `.answer b` (or just the letter) to answer it."), "\(run.errors)")
        #expect(run.output.contains("✓ Correct: The pantry. Step passed!"))
        #expect(run.output.contains("The pantry: 1/5 steps, 1 failed check\n"), "\(run.output)")
        // A jump to a question step does not claim the database was set up for it.
        #expect(!run.output.contains("(The database is set up for this step.)"))
    }
}

@Suite("Small things at the prompt, through the kitchen binary")
struct TutorSmallThings {
    static let lesson = """
        format: 1
        id: curl
        title: Curl
        summary: A step that names the server.
        setup:
          sql: CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);
        steps:
          - id: one
            title: From another terminal
            text: |
              Run:

              ```
              curl {{server}}/items
              ```
            task: Count the items.
            check:
              kind: sql-result
            hints: ["Use `count(*)`."]
            solution: SELECT count(*) FROM items;
            wrong:
              - answer: SELECT 1;
                expect: different result

        """

    @Test("{{server}} shows the running server's address; hints render code; .eqp resets when a lesson opens")
    func placeholdersHintsSettings() throws {
        let sandbox = try Sandbox(#function)
        try sandbox.write("curl.yaml", Self.lesson)
        let run = try sandbox.learn([".eqp on", ".lesson curl", ".hint", ".help wire"])
        let server = try #require(run.outputLines.first { $0.hasPrefix("Server: http://127.0.0.1:") }, "\(run.output)")
        let port = server.dropFirst("Server: http://127.0.0.1:".count).prefix { $0.isNumber }
        #expect(!port.isEmpty)
        #expect(run.output.contains("curl http://127.0.0.1:\(port)/items"), "\(run.output)")
        #expect(!run.output.contains("{{server}}"))
        #expect(run.output.contains("Hint 1/1: Use count(*)."), "\(run.output)")
        #expect(run.output.contains("(.eqp is off again for this lesson; .eqp on shows query plans.)"))
        #expect(run.output.contains("raw HTTP text of the last request"), "\(run.output)")
    }
}
