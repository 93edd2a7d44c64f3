import KitchenSQL

/// `sql-plan`: after the answer, a query's plan must (or must not) use an index.
struct SQLPlanCheck: Check {
    /// The query whose plan is read; nil means the answer's own last query.
    var query: String?
    var usesIndex: Bool
    var index: String?

    static let kind = CheckKind(name: "sql-plan", options: ["query", "uses-index", "index"]) { options in
        SQLPlanCheck(query: try options.string("query"), usesIndex: try options.bool("uses-index") ?? true, index: try options.string("index"))
    }

    func grade(_ answer: Answer, in context: GradingContext) throws -> Verdict {
        guard !answer.isEmpty else {
            return .fail("No answer yet.")
        }
        // With a fixed query only its plan matters, and a plan depends on the schema, not the rows:
        // an empty copy makes a CREATE INDEX on 120,000 rows cost nothing to grade.
        let database = query != nil ? try context.freshSchemaOnlyCopy() : try context.freshCopy()
        let learner = AnswerRun.run(answer, on: database)
        if let verdict = SQLVerdicts.failed(learner) { return verdict }
        let planned: String
        if let query {
            planned = query
        } else {
            guard let last = learner.lastQuery, let actual = learner.lastResult else {
                return .fail("Your answer has no query to look at: this step wants a SELECT.")
            }
            let expected = try SQLVerdicts.referenceResult(context, on: try context.freshCopy())
            if let differences = ResultDiff().differences(expected: expected, actual: actual) {
                return .fail("Not yet: your query's result is not the one asked for.", differences)
            }
            planned = last
        }
        let plan = try database.trusted { try database.queryPlan(for: planned) }
        let drawn = plan.rendered.split(separator: "\n").map { "  " + $0 }
        let found = plan.usesIndex(named: index)
        if usesIndex && !found {
            let what = index.map { "the index \($0)" } ?? "an index"
            return .fail("The plan does not use \(what) yet, so SQLite reads the whole table:", drawn)
        }
        if !usesIndex && found {
            return .fail("The plan still uses an index, but this step wants a plan without one:", drawn)
        }
        return .pass(usesIndex ? "Correct: SQLite now finds the rows through an index." : "Correct: the plan reads the table without an index.", drawn)
    }
}
