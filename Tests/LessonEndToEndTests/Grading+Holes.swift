import Foundation
import Testing

/// The grading holes of issue 10, through the binary a teacher runs: `kitchen check` on the
/// library lesson (KitchenLessonsTests/Fixtures/library), `kitchen lessons test` and `lint`.
@Suite("Grading holes through the binary: kitchen check, lessons test and lint")
struct GradingHolesEndToEnd {
    static let libraryLesson: String = {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "KitchenLessonsTests/Fixtures/library/library.yaml").path
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }()

    func library(_ name: String = #function) throws -> Sandbox {
        let sandbox = try Sandbox(name)
        try sandbox.write("library.yaml", Self.libraryLesson)
        return sandbox
    }

    @Test("kitchen lessons test proves the library lesson both ways")
    func lessonsTest() throws {
        let sandbox = try library()
        let run = try sandbox.run(["lessons", "test", "--lessons", sandbox.lessons])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.outputLines.contains("10 passed, 0 failed"))
    }

    @Test("kitchen check fails the answers that used to pass, each with its explanation, and passes the honest ones", arguments: [
        ("old-books", "SELECT title, year FROM books WHERE id IN (1, 2, 4);", 1, "not on a hidden variant of the data"),
        ("old-books", "PRAGMA foreign_keys = OFF; DELETE FROM books WHERE year >= 1900; SELECT title, year FROM books;", 1, "your answer changes the database"),
        ("old-books", "SELECT title, year FROM books WHERE year <= 1899;", 0, "Correct"),
        ("open-share", "SELECT round(avg(returned_on IS NULL), 2) FROM loans;", 1, "missing 1 row"),
        ("withdraw", "DELETE FROM loans; DELETE FROM books WHERE title = 'Frankenstein';", 1, "The rows of loans are not right"),
        ("reviews", "CREATE TABLE reviews (id INTEGER PRIMARY KEY, book_id INTEGER NOT NULL REFERENCES books(id), member_id INTEGER NOT NULL REFERENCES members(id), stars INTEGER NOT NULL /* CHECK (stars BETWEEN 1 AND 5) */, UNIQUE (book_id, member_id));", 1, "lacks the CHECK constraint"),
        ("duplicate-email", "CREATE TEMP TABLE t (x UNIQUE); INSERT INTO t VALUES (1), (1);", 1, "a table of your own"),
        ("loans-of-a-book", "CREATE INDEX loans_book ON loans (book_id) WHERE book_id = 5;", 1, "for this exact value only"),
        ("le-guin-count", "2", 1, "not the right answer"),
        ("le-guin-count", "3", 0, "Correct"),
    ])
    func check(step: String, answer: String, status: Int32, words: String) throws {
        let sandbox = try library()
        let run = try sandbox.run(["check", "library", step, "--lessons", sandbox.lessons], input: answer)
        #expect(run.status == status, "\(run.output)\(run.errors)")
        #expect((run.output + run.errors).contains(words), "\(run.output)\(run.errors)")
    }

    @Test("lint reports lesson SQL the sandbox refuses with file:line, and writes no file")
    func lintSandbox() throws {
        let sandbox = try library()
        let escaped = sandbox.root + "/escaped.db"
        let attach = "    ATTACH '\(escaped)' AS outside;\n    CREATE TABLE outside.copy (x);\n"
        let lesson = Self.libraryLesson.replacing("    CREATE INDEX loans_member ON loans (member_id);\n", with: "    CREATE INDEX loans_member ON loans (member_id);\n" + attach)
        try sandbox.write("library.yaml", lesson)
        let line = try #require(lesson.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("    ATTACH") }) + 1
        let run = try sandbox.run(["lessons", "lint", "--lessons", sandbox.lessons])
        #expect(run.status == 1)
        #expect(run.output.contains("library.yaml:\(line): setup.sql fails: ATTACH is not allowed here"), "\(run.output)")
        #expect(!FileManager.default.fileExists(atPath: escaped))
    }
}
