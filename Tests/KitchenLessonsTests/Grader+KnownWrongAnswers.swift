import Testing
@testable import KitchenLessons

@Suite("Grader: authors' messages, step databases and broken steps")
struct GraderKnownWrongAnswers {
    @Test("a recognised wrong answer gets the author's message, however it is typed")
    func authorMessage() throws {
        let message = "LIMIT cuts the result short; this step wants every row."
        let grader = try grader(check: "kind: sql-result", solution: "SELECT name FROM items",
                                wrong: [("SELECT name FROM items LIMIT 3;", "missing", message)])
        let verdict = grader.grade("select  name\nFROM items   limit 3")
        #expect(!verdict.passed)
        #expect(verdict.details.last == message)
        #expect(verdict.explanation.contains("missing 3 rows"))
        #expect(!grader.grade("SELECT name FROM items LIMIT 2").details.contains(message))
    }

    @Test("each step starts from the setup plus every earlier step's solution, then its own setup")
    func stepsBuildOnEarlierSolutions() throws {
        let create = stepYAML(id: "create", check: "kind: sql-state", solution: "CREATE TABLE specials (day TEXT, item_id INTEGER);")
        let fill = stepYAML(id: "fill", check: "kind: sql-state\ntables:\n  - specials", solution: "INSERT INTO specials VALUES ('Mon', 1);",
                            setup: "INSERT INTO specials VALUES ('Sun', 2);")
        let read = stepYAML(id: "read", check: "kind: sql-result", solution: "SELECT day FROM specials;")
        let lesson = try parseLesson(lessonYAML(steps: [create, fill, read]))
        let grader = Grader(lesson: lesson)
        #expect(grader.grade("CREATE TABLE specials (day TEXT, item_id INTEGER)", step: 0).passed)
        #expect(grader.grade("INSERT INTO specials VALUES ('Mon', 1)", step: 1).passed, "step 2 sees the table step 1 created")
        let verdict = grader.grade("SELECT 'Mon'", step: 2)
        #expect(!verdict.passed)
        #expect(verdict.details.contains("  - Sun"), "step 3 sees step 2's setup row and its solution's row")
        #expect(grader.grade("SELECT day FROM specials", step: 2).passed)
    }

    @Test("a step whose solution fails is reported as broken, not as the learner's mistake")
    func brokenReference() throws {
        let yaml = lessonYAML(steps: [stepYAML(check: "kind: sql-result", solution: "SELECT missing_column FROM items")])
        let grader = Grader(lesson: try parseLesson(yaml))
        let verdict = grader.grade("SELECT name FROM items")
        #expect(!verdict.passed)
        let line = try #require(lineNumber(of: "  - id: only", in: yaml))
        #expect(verdict.summary == "This step is broken, not your answer: test.yaml:\(line): the solution of step 'only' fails: no such column: missing_column")
    }

    @Test("the hidden variant copies every third row with ' <v&>' appended to its text, keeping constraints, then renumbers ids")
    func hiddenVariant() throws {
        let lesson = try parseLesson(lessonYAML(steps: [stepYAML(check: "kind: sql-result", solution: "SELECT 1")],
                                                variant: "UPDATE items SET price = price + 100 WHERE id = 1;"))
        let databases = LessonDatabases(lesson: lesson)
        let variant = try Connection.inMemory(copying: try databases.variant(ofStep: 0))
        let names = try variant.fetchAll("SELECT name FROM items ORDER BY name").compactMap { $0[0].textValue }
        #expect(names == ["Juice", "Pasta", "Pizza", "Salad", "Salad <v&>", "Soup", "Tea", "Tea <v&>"])
        #expect(try variant.fetchAll("SELECT price FROM items WHERE name = 'Pizza'") == [[.real(112)]], "variant SQL sees the step's ids")
        #expect(try variant.fetchAll("SELECT name FROM items WHERE id = 1") != [[.text("Pizza")]], "then ids are renumbered")
        let start = try Connection.inMemory(copying: try databases.start(ofStep: 0))
        #expect(try start.fetchAll("SELECT count(*) FROM items") == [[.integer(6)]], "the step's own database is untouched")
        let again = try Connection.inMemory(copying: try LessonDatabases(lesson: lesson).variant(ofStep: 0))
        #expect(try again.fetchAll("SELECT * FROM items ORDER BY id") == (try variant.fetchAll("SELECT * FROM items ORDER BY id")), "deterministic")
    }
}

import KitchenSQL
