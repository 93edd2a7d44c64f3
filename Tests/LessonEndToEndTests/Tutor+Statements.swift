import Foundation
import Testing

@Suite("A step's required statements, through the kitchen binary")
struct TutorStatements {
    /// One step: add a cake in a transaction. The connection sees its own uncommitted row, so
    /// only `statements` can tell a learner who never ran COMMIT.
    static let lesson = """
        format: 1
        id: bakery
        title: The bakery
        summary: Transactions, graded on how the data got there.
        setup:
          sql: |
            CREATE TABLE cakes (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
        steps:
          - id: commit
            title: Commit it
            text: Add a cake inside a transaction.
            task: In one transaction, add the cake 'Torte'.
            check:
              kind: sql-state
            statements:
              - BEGIN
              - starts-with: [COMMIT, END]
                message: Until COMMIT the cake is only provisional.
            hints:
              - BEGIN, the INSERT, COMMIT.
            solution: BEGIN; INSERT INTO cakes (name) VALUES ('Torte'); COMMIT;
            wrong:
              - answer: INSERT INTO cakes (name) VALUES ('Torte');
                expect: no BEGIN

        """

    @Test("the right row before COMMIT gets 'not yet' naming COMMIT; COMMIT passes the step")
    func commitPasses() throws {
        let sandbox = try Sandbox()
        try sandbox.write("bakery.yaml", Self.lesson)
        let run = try sandbox.learn([
            ".lesson bakery",
            "BEGIN;",
            "INSERT INTO cakes (name) VALUES ('Torte');",
            ".check",
            "COMMIT;",
        ])
        let verdicts = run.outputLines.filter { $0.hasPrefix("not yet: ") }
        #expect(verdicts == ["not yet: the data is right, but your statements have no COMMIT (or END) after BEGIN — .check for details"], "\(run.output)")
        #expect(run.output.contains("Until COMMIT the cake is only provisional."), "the .check shows the author's message")
        #expect(occurrences(of: "Step passed!", in: run.output) == 1, "\(run.output)")
        let passedLine = try #require(run.outputLines.firstIndex { $0.contains("Step passed!") })
        let commitLine = try #require(run.outputLines.lastIndex { $0.contains("Until COMMIT") })
        #expect(commitLine < passedLine, "the pass comes after COMMIT, not before")
        #expect(try sandbox.lessonProgress("bakery")["passed"] as? [String] == ["commit"])
    }

    @Test("without BEGIN the step does not pass, however right the row")
    func autocommitFails() throws {
        let sandbox = try Sandbox()
        try sandbox.write("bakery.yaml", Self.lesson)
        let run = try sandbox.learn([".lesson bakery", "INSERT INTO cakes (name) VALUES ('Torte');"])
        #expect(run.outputLines.contains("not yet: the data is right, but your statements have no BEGIN — .check for details"), "\(run.output)")
        #expect(!run.output.contains("Step passed!"))
    }
}
