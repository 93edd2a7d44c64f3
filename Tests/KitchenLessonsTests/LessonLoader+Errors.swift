import Foundation
import Testing
@testable import KitchenLessons

@Suite("LessonLoader: every broken lesson is named with file:line, the good ones still load")
struct LessonLoaderErrors {
    let folder = fixturesURL.appending(path: "broken").path

    var catalog: LessonLoader.Catalog { LessonLoader().loadDirectory(folder) }

    func reported(in file: String) -> LessonProblem? {
        catalog.problems.first { $0.file == file }
    }

    @Test("the good lessons in a folder of broken ones load, in file order")
    func goodLessonsStillLoad() {
        #expect(catalog.lessons.map(\.id) == ["good-one", "solution-fails", "setup-fails", "good-two"])
        #expect(catalog.lesson("good-two")?.requires == ["good-one"])
        #expect(catalog.lesson("good-one")?.setup.fixtureName == "tiny")
        #expect(catalog.lesson("good-one")?.setup.fixtureSQL?.contains("CREATE TABLE dishes") == true)
    }

    @Test("exactly one problem for each broken file")
    func oneProblemPerBrokenFile() {
        let files = catalog.problems.map(\.file).sorted()
        #expect(files == ["02-unknown-key.yaml", "03-missing-field.yaml", "04-unknown-kind.yaml", "05-duplicate-step.yaml",
                          "06-duplicate-lesson.yaml", "07-invalid-yaml.yaml", "08-missing-fixture.yaml", "09-wrong-format.yaml",
                          "12-bad-fixture-name.yaml"])
    }

    @Test("an unknown key names its line and suggests the key meant")
    func unknownKey() throws {
        let problem = try #require(reported(in: "02-unknown-key.yaml"))
        #expect(problem.line == 14)
        #expect(problem.message.hasPrefix("unknown key 'hint' in a step (did you mean hints?); allowed: "))
        #expect(problem.description.hasPrefix("02-unknown-key.yaml:14: unknown key 'hint'"))
    }

    @Test("a missing field names the step it is missing from and the step's line")
    func missingField() throws {
        let problem = try #require(reported(in: "03-missing-field.yaml"))
        #expect(problem.description == "03-missing-field.yaml:19: step 'second' is missing 'task'")
    }

    @Test("an unknown check kind names the kind's line and the known kinds")
    func unknownKind() throws {
        let problem = try #require(reported(in: "04-unknown-kind.yaml"))
        #expect(problem.description == "04-unknown-kind.yaml:12: unknown check kind 'sql-rezult'; known kinds: choice, sql-error, sql-plan, sql-result, sql-state")
    }

    @Test("every problem of a file is reported in one run, in line order, each with its line")
    func everyProblemAtOnce() throws {
        let text = """
            format: 1
            id: many
            title: Many
            setup:
              sql: CREATE TABLE t (a INTEGER);
              fixturr: x
            steps:
              - id: one
                title: One
                text: x
                task: y
                check:
                  kind: sql-reslt
                hints: [h]
                solution: SELECT 1;
                wrong:
                  - answer: SELECT 2;
                    expect: ""
              - id: two
                title: Two
                text: x
                task: y
                check:
                  kind: sql-result
                solution: SELECT 1;
                wrong:
                  - answer: SELECT 2;
                    expect: ""
            """
        do {
            _ = try LessonLoader().parse(text, file: "many.yaml", fixtures: folder + "/fixtures")
            Issue.record("a lesson with four problems loaded")
        } catch let problem as LessonProblem {
            #expect(problem.all.map(\.description) == [
                "many.yaml:1: the lesson is missing 'summary'",
                "many.yaml:6: unknown key 'fixturr' in 'setup' (did you mean fixture?); allowed: fixture, sql, variant",
                "many.yaml:13: unknown check kind 'sql-reslt'; known kinds: choice, sql-error, sql-plan, sql-result, sql-state",
                "many.yaml:19: step 'two' needs at least one hint in 'hints'",
            ])
            #expect(problem.description.split(separator: "\n").count == 4)
        }
    }

    @Test("an empty `expect` is refused: no explanation could prove the wrong answer fails for its reason")
    func emptyExpect() throws {
        let yaml = lessonYAML(steps: [stepYAML(check: "kind: sql-result", solution: "SELECT name FROM items", wrong: [("SELECT 1", "", nil)])])
        #expect(throws: LessonProblem.self) { try parseLesson(yaml) }
        do { _ = try parseLesson(yaml) } catch let problem as LessonProblem {
            #expect(problem.message.contains("'expect'"), "\(problem)")
        }
    }

    @Test("a duplicate step id names the second step's line")
    func duplicateStep() throws {
        let problem = try #require(reported(in: "05-duplicate-step.yaml"))
        #expect(problem.description == "05-duplicate-step.yaml:14: duplicate step id 'same'")
    }

    @Test("a lesson id used by two files is reported on the second file, at the line of its id")
    func duplicateLesson() throws {
        let problem = try #require(reported(in: "06-duplicate-lesson.yaml"))
        #expect(problem.message == "duplicate lesson id 'good-one', already used by 01-good.yaml")
        #expect(problem.line == 4)
    }

    @Test("invalid YAML is reported with the line of the problem")
    func invalidYAML() throws {
        let problem = try #require(reported(in: "07-invalid-yaml.yaml"))
        #expect(problem.message.hasPrefix("not valid YAML: "))
        #expect(problem.message == "not valid YAML: while scanning a quoted scalar: found unexpected end of stream")
        // The file has 9 lines; the quote that never closes opens on line 7.
        #expect(problem.line == 7)
    }

    @Test("a fixture that does not exist names the fixture line")
    func missingFixture() throws {
        let problem = try #require(reported(in: "08-missing-fixture.yaml"))
        #expect(problem.description == "08-missing-fixture.yaml:7: fixture 'kitchen-sink' not found: there is no fixtures/kitchen-sink.sql")
    }

    @Test("a fixture given as a path is refused before any file is read")
    func fixturePath() throws {
        let problem = try #require(reported(in: "12-bad-fixture-name.yaml"))
        #expect(problem.description == "12-bad-fixture-name.yaml:6: fixture names a file in lessons/fixtures without its .sql ending, such as 'restaurant'")
    }

    @Test("an unsupported format number names the format line")
    func wrongFormat() throws {
        let problem = try #require(reported(in: "09-wrong-format.yaml"))
        #expect(problem.description == "09-wrong-format.yaml:2: format 2 is not supported; this Kitchen reads format 1")
    }

    @Test("setup SQL that fails is named with the lesson file and the failing SQL")
    func setupFails() throws {
        let lesson = try #require(catalog.lesson("setup-fails"))
        let error = #expect(throws: LessonProblem.self) { try LessonDatabases(lesson: lesson).setup() }
        let problem = try #require(error)
        #expect(problem.file == "11-setup-fails.yaml")
        #expect(problem.message.hasPrefix("setup.sql fails: no such table: special"))
        #expect(problem.line == 9, "the line of the failing statement inside the block")
    }

    @Test("a reference solution that does not pass its own check is caught by the self-test")
    func solutionDoesNotPass() throws {
        let lesson = try #require(catalog.lesson("solution-fails"))
        let outcomes = LessonSelfTest().run(lesson)
        #expect(outcomes.map(\.stepID) == ["fine", "broken"])
        #expect(outcomes[0].problems.isEmpty, "\(outcomes[0].problems)")
        #expect(outcomes[1].line == 17)
        #expect(outcomes[1].problems.first == "the solution does not pass its own check: Your statements ran without an error, but this step wants the database to refuse one with a UNIQUE error.")
    }

    @Test("an empty file, a file that is not a mapping and a step list that is empty are errors")
    func emptyShapes() {
        for (text, message) in [
            ("", "the file is empty"),
            ("- just\n- a list\n", "a lesson must be a mapping of keys to values"),
            ("format: 1\nid: empty\ntitle: T\nsummary: S\nsteps: []\n", "the lesson has no 'steps'"),
        ] {
            #expect(throws: LessonProblem.self, "\(message)") { try parseLesson(text) }
            do { _ = try parseLesson(text) } catch let problem as LessonProblem { #expect(problem.message == message) } catch {}
        }
    }

    @Test("ids must be lower-case words with dashes", arguments: ["Select-Basics", "2-things", "with space", "under_score"])
    func badIdentifiers(id: String) throws {
        let yaml = lessonYAML(id: "\"\(id)\"", steps: [stepYAML(check: "kind: sql-result", solution: "SELECT 1")])
        let error = #expect(throws: LessonProblem.self) { try parseLesson(yaml) }
        #expect(error?.line == 2)
        #expect(error?.message.hasPrefix("'\(id)' is not a valid id") == true)
    }

    @Test("a check option that does not belong to the kind is an unknown key with its line")
    func checkOptionUnknown() throws {
        let yaml = lessonYAML(steps: [stepYAML(check: "kind: sql-result\nqueries:\n  - SELECT 1", solution: "SELECT 1")])
        let error = #expect(throws: LessonProblem.self) { try parseLesson(yaml) }
        #expect(error?.line == lineNumber(of: "      queries:", in: yaml))
        #expect(error?.message.hasPrefix("unknown key 'queries' in a sql-result check; allowed: ") == true)
    }

    @Test("a bad check option value names its line", arguments: [
        ("kind: sql-result\norder: random", "'order' must be one of any, strict, not 'random'"),
        ("kind: sql-result\ntolerance: 2", "'tolerance' must be between 0 and 1"),
        ("kind: sql-error\nerror: OOPS", "'error' must be one of CHECK, UNIQUE, NOT NULL, FOREIGN KEY, PRIMARY KEY, DATATYPE, syntax, no such table, no such column, not 'OOPS'"),
        ("kind: sql-plan\nuses-index: maybe", "'uses-index' must be true or false"),
    ])
    func badOptionValue(check: String, message: String) throws {
        let yaml = lessonYAML(steps: [stepYAML(check: check, solution: "SELECT 1")])
        let error = #expect(throws: LessonProblem.self) { try parseLesson(yaml) }
        #expect(error?.message == message)
        let optionLine = check.split(separator: "\n")[1]
        #expect(error?.line == lineNumber(of: "      " + optionLine, in: yaml))
    }

    @Test("a check missing its required option says which")
    func missingCheckOption() throws {
        let choice = lessonYAML(steps: [stepYAML(check: "kind: choice", solution: "a")])
        #expect(throws: LessonProblem.self) { try parseLesson(choice) }
        do { _ = try parseLesson(choice) } catch let problem as LessonProblem {
            #expect(problem.message == "a choice check needs 'options' (multiple choice) or 'accept' (short answer)")
        }
        let error = lessonYAML(steps: [stepYAML(check: "kind: sql-error", solution: "a")])
        do { _ = try parseLesson(error); Issue.record("an sql-error check without 'error' loaded") } catch let problem as LessonProblem {
            #expect(problem.message.hasPrefix("an sql-error check needs 'error'"))
        }
    }

    @Test("a prerequisite that names no loaded lesson is reported")
    func unknownPrerequisite() throws {
        let folder = try temporaryFolder()
        let yaml = lessonYAML(id: "lonely", steps: [stepYAML(check: "kind: sql-result", solution: "SELECT 1")]).replacing("summary: A small pantry for tests.", with: "summary: S\nrequires: [nowhere]")
        try yaml.write(toFile: folder + "/a.yaml", atomically: true, encoding: .utf8)
        let catalog = LessonLoader().loadDirectory(folder)
        #expect(catalog.lessons.map(\.id) == ["lonely"])
        #expect(catalog.problems.map(\.message) == ["requires unknown lesson 'nowhere'"])
    }

    @Test("a folder without lessons is a problem, not silence")
    func emptyFolder() throws {
        let catalog = LessonLoader().loadDirectory(try temporaryFolder())
        #expect(catalog.lessons.isEmpty)
        #expect(catalog.problems.first?.message == "no lesson files (*.yaml) found")
    }
}
