import Foundation
import KitchenSQL
import Testing
@testable import KitchenLessons

/// The library lesson (Fixtures/library) was written to fool the grader: every check kind, with the
/// wrong answers a sly learner would try. Each used to pass or still must fail; each honest
/// variation of a solution must pass.
@Suite("Grading holes: wrong answers that used to pass, on a lesson of another dataset")
struct GradingHoles {
    static func library() throws -> Lesson {
        try fixtureLesson("library")
    }

    func grader() throws -> (Grader, Lesson) {
        let lesson = try Self.library()
        return (Grader(lesson: lesson), lesson)
    }

    func index(_ id: String, _ lesson: Lesson) throws -> Int {
        try #require(lesson.index(of: id))
    }

    @Test("every step proves itself: the solution passes, every wrong answer fails with its expected explanation")
    func selfTest() throws {
        let outcomes = LessonSelfTest().run(try Self.library())
        #expect(outcomes.count == 10)
        for outcome in outcomes {
            #expect(outcome.problems.isEmpty, "\(outcome.stepID): \(outcome.problems.joined(separator: "\n"))")
        }
        #expect(LessonLint.deepProblems(of: try Self.library()).isEmpty)
    }

    @Test("sql-result: honest queries pass; answers that write, even inside a rolled-back transaction, fail")
    func resultControls() throws {
        let (grader, lesson) = try grader()
        let step = try index("old-books", lesson)
        for answer in [
            "SELECT title, year FROM books WHERE year < 1900",
            "select b.title, b.year from books as b where b.year <= 1899 order by b.title;",
            "SELECT title, year FROM books WHERE year BETWEEN 0 AND 1899",
            "BEGIN; SELECT title, year FROM books WHERE year < 1900; COMMIT;",
            "WITH old AS (SELECT * FROM books WHERE year < 1900) SELECT title, year FROM old",
        ] {
            let verdict = grader.grade(answer, step: step)
            #expect(verdict.passed, "\(answer): \(verdict.explanation)")
        }
        let verdict = grader.grade("PRAGMA foreign_keys = OFF; DELETE FROM books WHERE year >= 1900; SELECT title, year FROM books;", step: step)
        #expect(!verdict.passed)
        #expect(verdict.summary.hasPrefix("This step asks for a query, but your answer changes the database"))
        #expect(verdict.details.first == "  DELETE FROM books WHERE year >= 1900;" || verdict.details.first == "  DELETE FROM books WHERE year >= 1900")
        #expect(verdict.explanation.contains(".reset"))
        let hidden = grader.grade("SELECT title, year FROM books WHERE id IN (1, 2, 4)", step: step)
        #expect(hidden.summary.contains("hidden variant"))
        #expect(hidden.summary.contains("ids"))
    }

    @Test("sql-result: the shape of a difference is said in words")
    func resultShapes() throws {
        let (grader, lesson) = try grader()
        let step = try index("old-books", lesson)
        #expect(grader.grade("SELECT year, title FROM books WHERE year < 1900", step: step).details
                == ["The columns are in a different order: expected title, year; got year, title. The rows are right otherwise."])
        let typed = grader.grade("SELECT title, CAST(year AS TEXT) FROM books WHERE year < 1900", step: step)
        #expect(typed.details.count == 1)
        #expect(typed.details[0].contains("text values such as '1813' where integer values are expected"))
        #expect(!typed.explanation.contains("missing"), "no list of identical-looking missing and extra rows")
        let column = grader.grade("SELECT title, year + 1 FROM books WHERE year < 1900", step: step)
        #expect(column.details.first == "Every row is right except the column year + 1, which is wrong in some rows, for example:")
        #expect(column.details.contains("  Emma | 1815   expected year + 1 = 1815, got 1816"))
    }

    @Test("sql-result: tolerance is relative at every size")
    func relativeTolerance() throws {
        let (grader, lesson) = try grader()
        let step = try index("open-share", lesson)
        #expect(grader.grade("SELECT 1.0 * sum(returned_on IS NULL) / count(*) FROM loans", step: step).passed)
        #expect(grader.grade("SELECT avg(returned_on IS NULL) + 0.003 FROM loans", step: step).passed, "0.378 is within 1% of 0.375")
        let rounded = grader.grade("SELECT round(avg(returned_on IS NULL), 2) FROM loans", step: step)
        #expect(!rounded.passed, "0.38 is 1.3% away from 0.375: the absolute reading of 0.01 let it pass")
        var diff = ResultDiff(tolerance: 0.01)
        diff.order = .any
        func same(_ a: Double, _ b: Double) -> Bool {
            diff.differences(expected: ResultSet(columns: ["x"], rows: [[.real(a)]]), actual: ResultSet(columns: ["x"], rows: [[.real(b)]])) == nil
        }
        #expect(same(1000, 1009))
        #expect(!same(1000, 1011))
        #expect(!same(0.005, 0.0149))
        #expect(!same(12.4, 12.0))
        #expect(same(0, 0.1 + 0.2 - 0.3), "rounding noise around zero")
    }

    @Test("sql-state: collateral damage names the table; triggers and rebuilt tables fail")
    func stateMessages() throws {
        let (grader, lesson) = try grader()
        let step = try index("withdraw", lesson)
        let damage = grader.grade("DELETE FROM loans WHERE book_id = 2; DELETE FROM books WHERE id = 2; DELETE FROM members WHERE name = 'Finn';", step: step)
        #expect(damage.details.first == "The table members was changed, but this step does not change it:")
        #expect(damage.details.contains("  - 6 | Finn | finn@example.org"))
        let trigger = grader.grade("CREATE TRIGGER tidy AFTER DELETE ON books BEGIN DELETE FROM loans WHERE book_id = old.id; END; DELETE FROM books WHERE title = 'Frankenstein';", step: step)
        #expect(trigger.details == ["The table books has a trigger tidy, which this step does not create."])
        #expect(grader.grade("DELETE FROM loans WHERE book_id IN (SELECT id FROM books WHERE title = 'Frankenstein'); DELETE FROM books WHERE title = 'Frankenstein'", step: step).passed)
        // Frankenstein's id typed in: right for today's rows only; on the hidden variant id 2 is another book.
        let typed = grader.grade("delete from loans where book_id = 2; delete from books where id = 2;", step: step)
        #expect(!typed.passed)
        #expect(typed.summary.contains("hidden variant"), "\(typed.explanation)")
    }

    @Test("sql-state: the normalised schema ignores spelling but not promises")
    func schemaControls() throws {
        let (grader, lesson) = try grader()
        let step = try index("reviews", lesson)
        for answer in [
            "create table reviews (id integer primary key, book_id integer not null references books (id), member_id integer not null references members(id), stars integer not null check(stars between 1 and 5), unique(book_id, member_id))",
            "CREATE TABLE reviews (id INTEGER PRIMARY KEY, book_id INTEGER NOT NULL, member_id INTEGER NOT NULL, stars INTEGER NOT NULL, -- a comment\n FOREIGN KEY (book_id) REFERENCES books(id), FOREIGN KEY (member_id) REFERENCES members, CONSTRAINT stars_range CHECK (stars BETWEEN 1 AND 5), UNIQUE (member_id, book_id))",
        ] {
            let verdict = grader.grade(answer, step: step)
            #expect(verdict.passed, "\(answer): \(verdict.explanation)")
        }
    }

    @Test("probes: a CHECK in a comment passes the author's text queries but not the probes")
    func probes() throws {
        let (grader, lesson) = try grader()
        let step = try index("fines", lesson)
        let commented = grader.grade("CREATE TABLE fines (id INTEGER PRIMARY KEY, loan_id INTEGER NOT NULL REFERENCES loans(id), amount REAL NOT NULL -- CHECK (amount > 0)\n);", step: step)
        #expect(commented.summary == "Not yet: the database does not behave as this step asks.")
        #expect(commented.details == [
            "After your statements, this statement must be refused with a CHECK error, but the database accepted it:",
            "  INSERT INTO fines (loan_id, amount) VALUES (1, 0);",
            "A fine of nothing is no fine.",
        ])
        #expect(grader.grade("CREATE TABLE fines (id INTEGER PRIMARY KEY, loan_id INTEGER NOT NULL REFERENCES loans (id), amount REAL NOT NULL CHECK (amount>0))", step: step).passed)
        // Probes run in savepoints: the database the answer left keeps none of their rows.
        let database = try grader.databases.context(forStep: step).freshCopy()
        _ = AnswerRun.run(Answer(lesson.steps[step].solution), on: database)
        for probe in lesson.steps[step].probes { _ = probe.mismatch(on: database) }
        #expect(try database.fetchAll("SELECT count(*) FROM fines") == [[.integer(0)]])
    }

    @Test("sql-error: the refusal must be the step's, on its table, with nothing else changed")
    func errorControls() throws {
        let (grader, lesson) = try grader()
        let step = try index("duplicate-email", lesson)
        for answer in [
            "INSERT INTO members (email, name) VALUES ('ada@example.org', 'Zoe')",
            "insert into \"members\" (name, email) select 'Zoe', email from members where name = 'Ada'",
        ] {
            let verdict = grader.grade(answer, step: step)
            #expect(verdict.passed, "\(answer): \(verdict.explanation)")
        }
        let scratch = grader.grade("CREATE TABLE t (x UNIQUE); INSERT INTO t VALUES (1), (1);", step: step)
        #expect(scratch.summary == "Your statement was refused with a UNIQUE error, but on the table t; this step wants an INSERT on the table members refused.")
        let update = grader.grade("UPDATE members SET email = 'ada@example.org' WHERE name = 'Ben'", step: step)
        #expect(update.summary.contains("but it is an UPDATE; this step wants an INSERT on the table members refused"))
    }

    @Test("sql-plan: hard-coded ids, partial indexes, deleted data and ORDER BY walks fail; honest indexes pass")
    func planControls() throws {
        let (grader, lesson) = try grader()
        let lookup = try index("loans-of-a-book", lesson)
        #expect(grader.grade("CREATE INDEX any_name ON loans (book_id, member_id);", step: lookup).passed)
        #expect(grader.grade("create index i on loans(book_id); analyze;", step: lookup).passed)
        let partial = grader.grade("CREATE INDEX loans_book ON loans (book_id) WHERE book_id = 5", step: lookup)
        #expect(partial.summary.contains("for this exact value only"))
        #expect(partial.details.first == "  SELECT * FROM loans WHERE book_id = 6")
        let range = try index("march-loans", lesson)
        #expect(grader.grade("SELECT * FROM loans WHERE borrowed_on BETWEEN '2024-03-01' AND '2024-03-31' ORDER BY borrowed_on", step: range).passed)
        let walk = grader.grade("SELECT * FROM loans WHERE substr(borrowed_on, 1, 7) = '2024-03' ORDER BY borrowed_on", step: range)
        #expect(walk.details.contains { $0.contains("SCAN loans USING INDEX loans_borrowed") })
        let dune = try index("year-of-dune", lesson)
        #expect(grader.grade("SELECT year FROM books WHERE title = 'Dune'", step: dune).passed)
        // Found through the primary key, not by title: the lookup the step is about is not made.
        #expect(grader.grade("SELECT year FROM books WHERE id = 5", step: dune).summary.contains("it searches by rowid, and the rows are wanted by title"))
    }

    @Test("choice: a number is an option's text when options are numbers; letters are positions")
    func choiceRule() throws {
        let (grader, lesson) = try grader()
        let step = try index("le-guin-count", lesson)
        for answer in ["3", "b", "B)", " 3. "] {
            #expect(grader.grade(answer, step: step).passed, "\(answer)")
        }
        for answer in ["2", "a", "4", "c"] {
            #expect(!grader.grade(answer, step: step).passed, "\(answer)")
        }
        let outside = grader.grade("6", step: step)
        #expect(outside.summary == "6 is not one of the choices. Answer with a letter (a number here is read as an option's text):")
    }

    @Test("the hidden variant renumbers ids by a permutation without fixed points and carries foreign keys along")
    func renumberedVariant() throws {
        let lesson = try Self.library()
        let databases = LessonDatabases(lesson: lesson)
        let start = try Connection.inMemory(copying: try databases.start(ofStep: 0))
        let variant = try Connection.inMemory(copying: try databases.variant(ofStep: 0))
        // The copies keep the dates (they are categorical enough and date functions read them), so
        // every original loan is found among the variant's, naming the same member and book.
        let joined = "SELECT m.name, b.title, l.borrowed_on FROM loans l JOIN books b ON b.id = l.book_id JOIN members m ON m.id = l.member_id"
        let before = try start.fetchAll(joined).map { $0.map { $0.textValue! } }
        var after = try variant.fetchAll(joined).map { $0.map { $0.textValue!.replacing(" (2nd ed.)", with: "") } }
        #expect(before.count == 8)
        for loan in before {
            let found = after.firstIndex(of: loan)
            #expect(found != nil, "the loan \(loan) still names the same member and book")
            if let found { after.remove(at: found) }
        }
        for table in ["authors", "books", "members", "loans"] {
            let original = try start.fetchAll("SELECT id, * FROM \(table) ORDER BY id")
            for row in original {
                let moved = try variant.fetchAll("SELECT * FROM \(table) WHERE id = ?", arguments: [row[0]])
                #expect(moved.first.map { Array($0.dropFirst()) } != Array(row.dropFirst(2)), "\(table) \(row[0]) names another row")
            }
        }
        #expect(try variant.fetchAll("PRAGMA foreign_key_check").isEmpty)
        #expect(try variant.fetchAll("SELECT count(*) FROM books") == [[.integer(17)]], "ten books, every third copied, a copy of each of Le Guin's three for her copy, and one book no loan refers to")
        #expect(try variant.fetchAll("SELECT count(*) FROM loans WHERE book_id = (SELECT max(id) FROM books)") == [[.integer(0)]])
        #expect(try variant.fetchAll("SELECT count(*) FROM books b JOIN authors a ON a.id = b.author_id WHERE a.name = 'Ursula K. Le Guin <v&>'") == [[.integer(3)]])
    }

    @Test("lesson SQL runs under the sandbox: lint names the file and line of an ATTACH in setup, step setup and probes")
    func lessonSQLSandboxed() throws {
        let folder = try temporaryFolder()
        let target = folder + "/escaped.db"
        var yaml = lessonYAML(steps: [stepYAML(check: "kind: sql-result", solution: "SELECT name FROM items")],
                              setup: pantrySetup + "\nATTACH '\(target)' AS outside;\nCREATE TABLE outside.t (x);")
        var lesson = try parseLesson(yaml)
        var problems = LessonLint.deepProblems(of: lesson)
        let attachLine = try #require(lineNumber(of: "    ATTACH", in: yaml))
        #expect(problems.map(\.description) == ["test.yaml:\(attachLine): setup.sql fails: ATTACH is not allowed here: the sandbox cannot open other database files; everything you need is already in this one in: ATTACH '\(target)' AS outside;"])
        #expect(!FileManager.default.fileExists(atPath: target), "nothing was written outside the sandbox")

        yaml = lessonYAML(steps: [stepYAML(check: "kind: sql-result", solution: "SELECT name FROM items", setup: "ATTACH '\(target)' AS outside;")])
        lesson = try parseLesson(yaml)
        problems = LessonLint.deepProblems(of: lesson)
        #expect(problems.first?.description.contains("the setup of step 'only' fails: ATTACH is not allowed here") == true)
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test("lint speaks to authors: a probe the solution fails is reported with its line")
    func lintProbe() throws {
        let yaml = lessonYAML(steps: [stepYAML(check: "kind: sql-state", solution: "CREATE TABLE t (x INTEGER CHECK (x > 0));")
            + "    probes:\n      - sql: INSERT INTO t VALUES (5);\n        error: CHECK\n"])
        let problems = LessonLint.deepProblems(of: try parseLesson(yaml))
        let line = try #require(lineNumber(of: "      - sql: INSERT INTO t VALUES (5);", in: yaml))
        #expect(problems.map(\.description) == ["test.yaml:\(line): step 'only': the solution fails this probe: after the solution, INSERT INTO t VALUES (5); must be refused with a CHECK error, but the database accepted it"])
    }

    @Test("probes are for SQL steps, with known error classes")
    func probeOptions() throws {
        let choice = lessonYAML(steps: [stepYAML(check: "kind: choice\noptions: [a, b]", solution: "a") + "    probes:\n      - sql: SELECT 1\n"])
        #expect(throws: LessonProblem.self) { try parseLesson(choice) }
        let badClass = lessonYAML(steps: [stepYAML(check: "kind: sql-state", solution: "SELECT 1") + "    probes:\n      - sql: SELECT 1\n        error: CHEK\n"])
        #expect(throws: LessonProblem.self) { try parseLesson(badClass) }
    }

    @Test("a table whose key is a foreign key takes its parent's new ids, and the tables that refer to it follow")
    func renumberedOneToOne() throws {
        let setup = """
            CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
            CREATE TABLE detail (parent_id INTEGER PRIMARY KEY REFERENCES parent(id), note TEXT);
            CREATE TABLE remark (id INTEGER PRIMARY KEY, detail_id INTEGER NOT NULL REFERENCES detail(parent_id), body TEXT);
            INSERT INTO parent VALUES (1, 'one'), (2, 'two'), (3, 'three'), (4, 'four'), (5, 'five');
            INSERT INTO detail VALUES (2, 'of two'), (4, 'of four'), (5, 'of five');
            INSERT INTO remark VALUES (1, 2, 'about two'), (2, 5, 'about five');
            """
        let lesson = try parseLesson(lessonYAML(steps: [stepYAML(check: "kind: sql-result", solution: "SELECT 1")], setup: setup))
        let variant = try Connection.inMemory(copying: try LessonDatabases(lesson: lesson).variant(ofStep: 0))
        #expect(try variant.fetchAll("PRAGMA foreign_key_check").isEmpty)
        let joined = try variant.fetchAll("""
            SELECT p.name, d.note, r.body FROM remark r JOIN detail d ON d.parent_id = r.detail_id JOIN parent p ON p.id = d.parent_id
            WHERE r.body NOT LIKE '%<v&>' ORDER BY p.name
            """)
        #expect(joined == [[.text("five"), .text("of five"), .text("about five")], [.text("two"), .text("of two"), .text("about two")]])
        #expect(try variant.fetchAll("SELECT name FROM parent WHERE id = 2") != [[.text("two")]])
    }
}
