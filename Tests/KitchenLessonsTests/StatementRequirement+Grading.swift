import Testing
@testable import KitchenLessons

@Suite("statements: a step can require statements the answer must have run, in order")
struct StatementRequirementGrading {
    static let insert = "INSERT INTO items (name, price, category_id) VALUES ('Cake', 5, 1);"

    /// A state step whose reference adds a cake inside a transaction and which requires BEGIN,
    /// the INSERT, then COMMIT or END.
    func transactionStep() throws -> Grader {
        let yaml = lessonYAML(steps: [stepYAML(check: "kind: sql-state", solution: "BEGIN;\n\(Self.insert)\nCOMMIT;")
            + "    statements:\n      - BEGIN\n      - starts-with: INSERT INTO items\n      - starts-with: [COMMIT, END]\n        message: Until COMMIT the cake is only provisional.\n"])
        return Grader(lesson: try parseLesson(yaml))
    }

    @Test("a statement meets a requirement by its first words, as SQL tokens")
    func matching() {
        let commit = StatementRequirement(alternatives: ["COMMIT", "END"])
        #expect(commit.isMet(by: "commit"))
        #expect(commit.isMet(by: "COMMIT TRANSACTION"))
        #expect(commit.isMet(by: "  end  "))
        #expect(commit.isMet(by: "/* done */ COMMIT"))
        #expect(!commit.isMet(by: "-- COMMIT\nSELECT 1"), "a COMMIT inside a comment is no COMMIT")
        #expect(!commit.isMet(by: "SELECT 'COMMIT'"))
        let insert = StatementRequirement(alternatives: ["INSERT INTO items"])
        #expect(insert.isMet(by: "insert into \"items\" (name) VALUES ('x')"))
        #expect(insert.isMet(by: "INSERT\n  INTO items VALUES (1)"))
        #expect(!insert.isMet(by: "INSERT INTO items_archive VALUES (1)"), "another table's name is another word")
        #expect(!insert.isMet(by: "INSERT INTO categories VALUES (1)"))
    }

    @Test("requirements are met in order: each by a statement after the one before")
    func order() throws {
        let steps = [StatementRequirement(alternatives: ["BEGIN"]), StatementRequirement(alternatives: ["COMMIT"])]
        #expect(StatementRequirement.firstUnmet(steps, in: ["BEGIN", "INSERT INTO items VALUES (1)", "COMMIT"]) == nil)
        let backwards = try #require(StatementRequirement.firstUnmet(steps, in: ["COMMIT", "BEGIN"]))
        #expect(backwards.missing.alternatives == ["COMMIT"])
        #expect(backwards.after?.alternatives == ["BEGIN"])
        let none = try #require(StatementRequirement.firstUnmet(steps, in: ["INSERT INTO items VALUES (1)"]))
        #expect(none.missing.alternatives == ["BEGIN"])
        #expect(none.after == nil)
    }

    @Test("the right rows without COMMIT fail, with the author's message; BEGIN … END passes")
    func transaction() throws {
        let grader = try transactionStep()
        #expect(grader.grade(Answer("BEGIN;\n\(Self.insert)\nCOMMIT;"), step: 0).passed)
        #expect(grader.grade(Answer("begin transaction;\n\(Self.insert)\nend;"), step: 0).passed)

        let uncommitted = grader.grade(Answer("BEGIN;\n\(Self.insert)"), step: 0)
        #expect(!uncommitted.passed, "the fresh copy sees its own uncommitted row, so only the statements tell")
        #expect(uncommitted.summary == "Not yet: the data is right, but your statements have no COMMIT (or END) after INSERT INTO items.")
        #expect(uncommitted.details.contains("Until COMMIT the cake is only provisional."))
        #expect(uncommitted.details.first == "This step asks for these statements, in this order: BEGIN, then INSERT INTO items, then COMMIT (or END).")

        let autocommit = grader.grade(Answer(Self.insert), step: 0)
        #expect(!autocommit.passed)
        #expect(autocommit.summary.hasSuffix("your statements have no BEGIN."))

        let wrongRows = grader.grade(Answer("BEGIN; INSERT INTO items (name, price, category_id) VALUES ('Pie', 5, 1); COMMIT;"), step: 0)
        #expect(!wrongRows.passed)
        #expect(!wrongRows.summary.contains("the data is right"), "the check's own verdict comes first")
    }

    @Test("a statement that failed does not meet a requirement")
    func failedStatement() throws {
        let yaml = lessonYAML(steps: [stepYAML(check: "kind: sql-state", solution: "BEGIN; SELECT 1; COMMIT;")
            + "    statements:\n      - BEGIN\n      - ROLLBACK\n"])
        let lesson = try parseLesson(yaml)
        // The reference itself lacks ROLLBACK: lint says so, with the step.
        let problems = LessonLint.deepProblems(of: lesson)
        #expect(problems.count == 1)
        #expect(problems.first?.description.contains("step 'only': the solution does not pass its own check") == true)
        #expect(problems.first?.description.contains("your statements have no ROLLBACK after BEGIN.") == true)
        // A ROLLBACK with no transaction open fails, so it counts for nothing.
        let grader = Grader(lesson: lesson)
        let verdict = grader.grade(Answer("ROLLBACK; BEGIN;"), step: 0)
        #expect(!verdict.passed)
    }

    @Test("statements are for SQL steps, and each entry needs words")
    func options() throws {
        let choice = lessonYAML(steps: [stepYAML(check: "kind: choice\noptions: [a, b]", solution: "a") + "    statements:\n      - COMMIT\n"])
        #expect(throws: LessonProblem.self) { try parseLesson(choice) }
        let unknownKey = lessonYAML(steps: [stepYAML(check: "kind: sql-state", solution: "BEGIN; COMMIT;") + "    statements:\n      - starts: COMMIT\n"])
        #expect(throws: LessonProblem.self) { try parseLesson(unknownKey) }
        let empty = lessonYAML(steps: [stepYAML(check: "kind: sql-state", solution: "BEGIN; COMMIT;") + "    statements:\n      - starts-with: '-- nothing'\n"])
        #expect(throws: LessonProblem.self) { try parseLesson(empty) }
    }

    @Test("sql-error and probes know DATATYPE, a STRICT table refusing a value of the wrong type")
    func datatype() throws {
        let strict = "CREATE TABLE counts (n INTEGER) STRICT;"
        let grader = try KitchenLessonsTests.grader(check: "kind: sql-error\nerror: DATATYPE", solution: "INSERT INTO counts (n) VALUES ('two')", setup: pantrySetup + "\n" + strict)
        #expect(grader.grade(Answer("INSERT INTO counts (n) VALUES ('two');"), step: 0).passed)
        #expect(!grader.grade(Answer("INSERT INTO counts (n) VALUES (2);"), step: 0).passed)
        let probe = BehaviourProbe(sql: "INSERT INTO counts (n) VALUES ('two')", error: "DATATYPE")
        let database = try grader.databases.context(forStep: 0).freshCopy()
        #expect(probe.mismatch(on: database) == nil)
    }
}
