import KitchenSQL
import Testing
@testable import KitchenLessons

/// What grading keeps between gradings to be fast must never change a verdict: a variant
/// derived from the previous step's is the variant made from scratch, and a reference kept in
/// the memo belongs to its step only.
@Suite("Grading reuses what does not depend on the answer")
struct LessonDatabasesReuse {
    /// Every row of every table, and the schema, of a database's bytes.
    func contents(_ bytes: [UInt8]) throws -> [String] {
        let database = try Connection.inMemory(copying: bytes)
        var lines: [String] = []
        try database.trusted {
            for row in try database.fetchAll("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name") {
                lines.append(row.map { $0.textValue ?? "NULL" }.joined(separator: "|"))
            }
            for table in try database.fetchAll("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").compactMap({ $0[0].textValue }) {
                for row in try database.fetchAll("SELECT rowid, * FROM \(SQLIdentifier.quote(table)) ORDER BY rowid") {
                    lines.append(table + ": " + row.map { "\($0)" }.joined(separator: "|"))
                }
            }
        }
        return lines
    }

    let steps = [
        stepYAML(id: "first", check: "kind: sql-result", solution: "CREATE INDEX items_price ON items (price);\nSELECT name FROM items WHERE price > 5;"),
        stepYAML(id: "second", check: "kind: sql-result", solution: "DROP INDEX items_price; CREATE INDEX items_name ON items (name, price);\nSELECT name FROM items;"),
        stepYAML(id: "third", check: "kind: sql-result", solution: "SELECT count(*) FROM items;"),
        stepYAML(id: "fourth", check: "kind: sql-result", solution: "CREATE UNIQUE INDEX items_unique ON items (price);\nSELECT name FROM items;"),
        stepYAML(id: "fifth", check: "kind: sql-result", solution: "SELECT price FROM items;"),
    ]

    @Test("a step after index-only changes gets the same hidden variant as one made from scratch")
    func derivedVariantIsTheScratchVariant() throws {
        let lesson = try parseLesson(lessonYAML(steps: steps, variant: "UPDATE items SET price = price + 1 WHERE id = 2;"))
        let databases = LessonDatabases(lesson: lesson)
        for index in lesson.steps.indices {
            let derived = try databases.variant(ofStep: index)
            let scratch = try HiddenVariant.make(from: try databases.start(ofStep: index), extraSQL: lesson.setup.variantSQL, policy: databases.policy, lesson: lesson)
            #expect(try contents(derived) == contents(scratch), "step \(index + 1)")
        }
        // The indexes really are there (the comparison above is not of two empty schemas).
        #expect(try contents(databases.variant(ofStep: 2)).contains { $0.contains("items_name") })
        #expect(try !contents(databases.variant(ofStep: 2)).contains { $0.contains("items_price") })
    }

    @Test("only plain CREATE INDEX and DROP INDEX let a variant be derived")
    func indexOnlyStatements() {
        #expect(LessonDatabases.changesOnlyAnIndex("CREATE INDEX a ON t (x)"))
        #expect(LessonDatabases.changesOnlyAnIndex("create index if not exists a on t (x)"))
        #expect(LessonDatabases.changesOnlyAnIndex("DROP INDEX a"))
        #expect(!LessonDatabases.changesOnlyAnIndex("CREATE UNIQUE INDEX a ON t (x)"))
        #expect(!LessonDatabases.changesOnlyAnIndex("ANALYZE"))
        #expect(!LessonDatabases.changesOnlyAnIndex("DELETE FROM t"))
        #expect(!LessonDatabases.changesOnlyAnIndex("CREATE TABLE index_of_things (x)"))
    }

    @Test("a kept reference is kept for the step being graded only, and a wrong answer still fails after the solution passed")
    func memoPerStep() throws {
        let lesson = try parseLesson(lessonYAML(steps: [
            stepYAML(id: "cheap", check: "kind: sql-result", solution: "SELECT name FROM items WHERE price < 5;"),
            stepYAML(id: "dear", check: "kind: sql-result", solution: "SELECT name FROM items WHERE price > 10;"),
        ]))
        let grader = Grader(lesson: lesson)
        #expect(grader.grade(Answer("SELECT name FROM items WHERE price < 5;"), step: 0).passed)
        #expect(!grader.grade(Answer("SELECT name FROM items WHERE price > 10;"), step: 0).passed)
        let first = try grader.databases.context(forStep: 0).memo
        #expect(first.count == 3, "the reference's rows, read backwards, and on the variant (answers without ORDER BY need no tie-order copy)")
        #expect(grader.grade(Answer("SELECT name FROM items WHERE price > 10;"), step: 1).passed)
        #expect(!grader.grade(Answer("SELECT name FROM items WHERE price < 5;"), step: 1).passed)
        let second = try grader.databases.context(forStep: 1).memo
        #expect(first !== second)
        #expect(second.count == 3)
        // Kept memos hold database copies under one process-wide heap limit: moving back to
        // step 0 starts it afresh instead of keeping every step's.
        #expect(try grader.databases.context(forStep: 0).memo.count == 0)
    }

    @Test("steps that start from the same database share their tie-order copies; a step after a write gets its own")
    func tieOrderCopiesShared() throws {
        let lesson = try parseLesson(lessonYAML(steps: [
            stepYAML(id: "ask", check: "kind: sql-result", solution: "SELECT name FROM items ORDER BY price;"),
            stepYAML(id: "ask-again", check: "kind: sql-result", solution: "INSERT INTO items (name, price) VALUES ('Late', 1);"),
            stepYAML(id: "after-insert", check: "kind: sql-result", solution: "SELECT name FROM items;"),
            stepYAML(id: "same-again", check: "kind: sql-result", solution: "SELECT name FROM items;"),
        ], variant: "UPDATE items SET price = price + 1 WHERE id = 2;"))
        let databases = LessonDatabases(lesson: lesson)
        #expect(try (0..<4).map { try databases.firstStepWithSameStart(as: $0) } == [0, 0, 2, 2])
        for index in lesson.steps.indices {
            let context = try databases.context(forStep: index)
            let start = try databases.start(ofStep: index)
            #expect(try contents(context.freshTieOrderCopy().serialize()) == contents(TieOrderCopy.make(from: start, policy: databases.policy)), "step \(index + 1)")
            #expect(try contents(context.freshTieOrderVariant().serialize())
                    == contents(TieOrderCopy.make(from: databases.variant(ofStep: index), policy: databases.policy)), "step \(index + 1)")
        }
        // The row the second step's solution adds is in the copies from the third step on only.
        #expect(try !contents(databases.context(forStep: 1).freshTieOrderCopy().serialize()).contains { $0.contains("Late") })
        #expect(try contents(databases.context(forStep: 2).freshTieOrderCopy().serialize()).contains { $0.contains("Late") })
    }
}
