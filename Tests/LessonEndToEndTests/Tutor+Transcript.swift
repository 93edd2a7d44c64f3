import Foundation
import Testing

@Suite("The tutor at the prompt, in batch mode, through the kitchen binary")
struct TutorTranscript {
    @Test("a transcript completes a whole lesson, every check kind, and progress.json records it")
    func completeLesson() throws {
        let sandbox = try Sandbox.pantry()
        let run = try sandbox.learn([
            ".lesson pantry",
            "SELECT name FROM items WHERE price < 10;",
            ".check",
            "SELECT name, price FROM items WHERE price < 10;",
            ".next",
            "INSERT INTO items (name, price, category_id) VALUES ('Coffee', 2.5, 2);",
            ".next",
            "CREATE INDEX by_price ON items (price);",
            ".next",
            "INSERT INTO items (name, price) VALUES ('Bad', -1);",
            ".next",
            ".answer b",
            ".next",
            ".progress",
        ])
        let out = run.output
        // The step headers, in order.
        for (number, title) in ["Cheap items", "Add coffee", "An index", "A refusal", "A question"].enumerated() {
            #expect(out.contains("The pantry · step \(number + 1)/5: \(title)"))
        }
        // The failed .check explains, adds the author's message and the first hint.
        #expect(out.contains("✗ Not yet: your result is not the one asked for.\nwrong number of columns: expected 2 (name, price), got 1 (name).\nTwo columns, name and price.\nHint: Use WHERE."))
        // One pass message per step, each the check's own.
        let passes = run.outputLines.filter { $0.hasSuffix("Step passed!") }
        #expect(passes == [
            "✓ Correct: all 4 rows match. Step passed!",
            "✓ Correct: the database now holds exactly what it should. Step passed!",
            "✓ Correct: SQLite now finds the rows through an index. Step passed!",
            "✓ Correct: the database refused it (CHECK constraint failed: price > 0). The CHECK rule did its job and nothing was changed. Step passed!",
            "✓ Correct: The pantry. Step passed!",
        ])
        #expect(out.contains("  a) The menu\n  b) The pantry\nType the letter of your choice (or .answer and the letter)."))
        #expect(out.contains("That was the last step of The pantry (5/5 passed)."))
        #expect(out.contains("The pantry: 5/5 steps, 1 failed check\nIn all: 5/5 steps."))
        // Batch mode is prompt-free and colourless.
        #expect(!out.contains("kitchen["))
        #expect(!run.outputLines.contains { $0.hasPrefix("sqlite>") || $0.hasPrefix("...>") || $0.hasSuffix("> ") })
        #expect(!out.contains("\u{1B}["))

        let lesson = try sandbox.lessonProgress("pantry")
        #expect(lesson["passed"] as? [String] == pantrySteps)
        #expect(lesson["attempts"] as? [String: Int] == ["cheap": 1])
        #expect(lesson["currentStep"] as? String == "concept")
        #expect(try sandbox.progress()["currentLesson"] as? String == "pantry")
        #expect(try sandbox.progress()["format"] as? Int == 1)
    }

    @Test("the learner's database and progress survive a restart, and the step resumes where it was")
    func resumeAfterRestart() throws {
        let sandbox = try Sandbox.pantry()
        let first = try sandbox.learn([
            ".lesson pantry",
            "SELECT name, price FROM items WHERE price < 10;",
            ".next",
            "INSERT INTO items (name, price, category_id) VALUES ('Cake', 5, 1);",
            "INSERT INTO items (name, price, category_id) VALUES ('Coffee', 3, 2);",
        ])
        #expect(occurrences(of: "Step passed!", in: first.output) == 1)
        let second = try sandbox.learn([
            "SELECT name FROM items WHERE name IN ('Cake', 'Coffee') ORDER BY name;",
            "UPDATE items SET price = 2.5 WHERE name = 'Coffee';",
            ".progress",
        ])
        #expect(second.outputLines.contains("Welcome back! Resuming The pantry."))
        #expect(second.output.contains("The pantry · step 2/5: Add coffee"))
        #expect(second.output.contains("Cake\nCoffee\n"), "the learner's rows are still in the lesson database")
        // The answer in progress survived too: INSERT (run 1) + UPDATE (run 2) makes Coffee right, Cake is still extra.
        #expect(!second.output.contains("Step passed!"))
        let check = try sandbox.learn([".check"])
        #expect(check.output.contains("+ Cake | 5.0 | 1"))
        #expect(!check.output.contains("Coffee | 3"))
        let lesson = try sandbox.lessonProgress("pantry")
        #expect(lesson["passed"] as? [String] == ["cheap"])
        #expect(lesson["currentStep"] as? String == "add-coffee")
        #expect((lesson["answer"] as? [String])?.count == 4)
    }

    @Test(".reset puts the step's database back and forgets the answer so far")
    func resetRestoresDatabase() throws {
        let sandbox = try Sandbox.pantry()
        let run = try sandbox.learn([
            ".lesson pantry",
            ".next",
            "DELETE FROM items WHERE price > 10;",
            "SELECT count(*) FROM items;",
            ".reset",
            "SELECT count(*) FROM items;",
            "SELECT name FROM items WHERE price > 10 ORDER BY name;",
        ])
        #expect(run.output.contains("The database is back to the start of step 2."))
        let afterReset = try #require(run.output.components(separatedBy: "The database is back to the start of step 2.").last)
        #expect(afterReset.hasPrefix("\n6\nPasta\nPizza\n"))
        #expect(run.output.contains("\n4\nThe database is back"))
        #expect((try sandbox.lessonProgress("pantry")["answer"] as? [String]) == ["SELECT count(*) FROM items;", "SELECT name FROM items WHERE price > 10 ORDER BY name;"])
    }

    @Test(".next and .back set the database up for the step moved to")
    func moveBetweenSteps() throws {
        let sandbox = try Sandbox.pantry()
        let run = try sandbox.learn([
            ".lesson pantry",
            "DELETE FROM items;",
            ".next",
            "SELECT count(*) FROM items;",
            ".back",
            ".back",
        ])
        #expect(run.output.contains("(You have not passed this step yet; .back returns to it.)"))
        #expect(run.output.contains("(The database is set up for this step.)\n\nThe pantry · step 2/5: Add coffee"))
        #expect(run.output.contains("Task: Add Coffee, price 2.5, in category 2.\n6\n"))
        #expect(run.errors.contains("this is the first step"))
    }

    @Test("hints escalate: each .hint shows the next one, then stays on the last")
    func hintsEscalate() throws {
        let sandbox = try Sandbox.pantry()
        let run = try sandbox.learn([".lesson pantry", ".hint", ".hint", ".hint"])
        #expect(run.outputLines.filter { $0.hasPrefix("Hint ") } == ["Hint 1/2: Use WHERE.", "Hint 2/2: WHERE price < 10", "Hint 2/2: WHERE price < 10"])
    }

    @Test("with no progress, kitchen shows the lesson menu and how to start")
    func menuFirst() throws {
        let sandbox = try Sandbox.pantry()
        let run = try sandbox.learn([".lessons"])
        #expect(run.output.contains("Lessons\n   1. The pantry (pantry, 0/5)\n\nStart with .lesson pantry"))
    }
}
