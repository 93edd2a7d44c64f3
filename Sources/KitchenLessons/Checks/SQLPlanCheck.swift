import KitchenSQL

/// `sql-plan`: after the answer, a query's plan must (or must not) find its rows through an index.
///
/// "Through an index" means a `SEARCH` using an index or the integer primary key. A `SCAN … USING
/// INDEX` that walks an index only to return rows in ORDER BY order counts only when the step
/// says `order-by-index: true`. The plan must also hold for other values than the query's own
/// literals whenever the reference's does (a partial index `WHERE customer_no = 4242` serves one
/// value only), and the answer may change nothing but indexes and statistics unless the
/// reference changes more (deleting most rows before creating the index is no speed-up).
struct SQLPlanCheck: Check {
    /// The query whose plan is read; nil means the answer's own last query.
    var query: String?
    var usesIndex: Bool
    var index: String?
    var orderByIndex: Bool

    static let kind = CheckKind(name: "sql-plan", options: ["query", "uses-index", "index", "order-by-index"]) { options in
        SQLPlanCheck(query: try options.string("query"), usesIndex: try options.bool("uses-index") ?? true,
                     index: try options.string("index"), orderByIndex: try options.bool("order-by-index") ?? false)
    }

    func grade(_ answer: Answer, in context: GradingContext) throws -> Verdict {
        guard !answer.isEmpty else {
            return .fail("No answer yet.")
        }
        // With a fixed query only its plan matters, and a plan depends on the schema, not the rows:
        // an empty copy makes a CREATE INDEX on 120,000 rows cost nothing to grade.
        let fresh = { query != nil ? try context.freshSchemaOnlyCopy() : try context.freshCopy() }
        let database = try fresh()
        let learner = AnswerRun.run(answer, on: database)
        if let verdict = SQLVerdicts.failed(learner) { return verdict }
        let (reference, referenceDatabase) = try referenceRun(in: context, fresh: fresh)
        if let verdict = try dataChanges(learner: learner, reference: reference, answer: answer, context: context) { return verdict }
        let planned: String
        let referenceQuery: String
        switch try queriesToPlan(answer, learner: learner, reference: reference, in: context) {
        case .verdict(let verdict): return verdict
        case .queries(let learnerQuery, let expectedQuery):
            planned = learnerQuery
            referenceQuery = expectedQuery
        }
        let plan = try database.trusted { try database.queryPlan(for: planned) }
        let drawn = plan.rendered.split(separator: "\n").map { "  " + $0 }
        if let verdict = indexUseVerdict(plan, drawn: drawn) { return verdict }
        if usesIndex, let verdict = try otherValues(planned: planned, referenceQuery: referenceQuery, learner: database, reference: referenceDatabase) {
            return verdict
        }
        if usesIndex, index == nil, let verdict = try searchedColumns(plan: plan, referenceQuery: referenceQuery, reference: referenceDatabase) {
            return verdict
        }
        if query == nil, let verdict = try hiddenVariantVerdict(answer, in: context) { return verdict }
        return .pass(usesIndex ? "Correct: SQLite now finds the rows through an index." : "Correct: the plan reads the table without an index.", drawn)
    }

    /// The reference's run and a copy of the database it leaves. The reference does the same on
    /// the same start database at every grading (on the indexes lesson, a CREATE INDEX over
    /// 120,000 rows): its run and the database it leaves are kept, and each grading reads a copy.
    private func referenceRun(in context: GradingContext, fresh: () throws -> Connection) throws -> (AnswerRun, Connection) {
        let kept = try context.memo.value(for: "sql-plan-reference-" + (query != nil ? "schema" : "full")) {
            let database = try fresh()
            let run = AnswerRun.run(context.reference, on: database)
            return (run: run, database: try database.serialize())
        }
        let referenceDatabase = try Connection.inMemory(copying: kept.database, policy: context.policy)
        if let error = kept.run.error {
            throw LessonProblem(file: context.lesson.file, line: context.step.line, message: "the solution of step '\(context.step.id)' fails: \(error.message)")
        }
        return (kept.run, referenceDatabase)
    }

    /// The learner's and the reference's query to plan, or the verdict that ends grading first.
    private enum QueriesToPlan {
        case queries(learner: String, reference: String)
        case verdict(Verdict)
    }

    /// The step's fixed query for both; otherwise each side's last query, once the learner's
    /// returns the right rows (in an order that is not chance).
    private func queriesToPlan(_ answer: Answer, learner: AnswerRun, reference: AnswerRun, in context: GradingContext) throws -> QueriesToPlan {
        if let query {
            return .queries(learner: query, reference: query)
        }
        guard let last = learner.lastQuery, let actual = learner.lastResult else {
            return .verdict(.fail("Your answer has no query to look at: this step wants a SELECT."))
        }
        guard let expected = reference.lastResult, let expectedQuery = reference.lastQuery else {
            throw LessonProblem(file: context.lesson.file, line: context.step.line, message: "the solution of step '\(context.step.id)' has no query to plan")
        }
        if let differences = ResultDiff().differences(expected: expected, actual: actual) {
            return .verdict(.fail("Not yet: your query's result is not the one asked for.", differences))
        }
        // The index may return today's rows in the wanted order without an ORDER BY.
        if let verdict = try RowOrderByChance.verdict(answer, expected: expected, diff: ResultDiff(), in: context, memoKey: "sql-plan-reference-reversed") {
            return .verdict(verdict)
        }
        return .queries(learner: last, reference: expectedQuery)
    }

    /// A failing verdict when the plan finds rows through an index and the step wants none, or
    /// the other way round; nil when it does what the step asks.
    private func indexUseVerdict(_ plan: QueryPlan, drawn: [String]) -> Verdict? {
        let found = findsRows(plan)
        if usesIndex && !found {
            let what = index.map { "the index \($0)" } ?? "an index"
            var lines = drawn
            if !orderByIndex, walksIndexInOrder(plan) {
                lines.append("SCAN … USING INDEX walks the whole index to return the rows in order: it still reads every row. This step wants SQLite to find the rows (SEARCH).")
            }
            return .fail("The plan does not use \(what) to find the rows yet, so SQLite reads the whole table:", lines)
        }
        if !usesIndex && found {
            return .fail("The plan still uses an index, but this step wants a plan without one:", drawn)
        }
        return nil
    }

    /// The rows must hold on the hidden variant too: a hard-coded id found through the primary
    /// key is fast, and wrong.
    private func hiddenVariantVerdict(_ answer: Answer, in context: GradingContext) throws -> Verdict? {
        let hidden = AnswerRun.run(answer, on: try context.freshVariant())
        let hiddenExpected = try context.memo.value(for: "sql-plan-reference-variant") { try SQLVerdicts.referenceResult(context, on: try context.freshVariant()) }
        return SQLVerdicts.variantFailure(hidden, expected: hiddenExpected, diff: ResultDiff())
    }

    /// True when some step of `plan` finds rows through an index (the named one, if any).
    func findsRows(_ plan: QueryPlan) -> Bool {
        plan.steps.contains { step in
            let detail = step.detail
            let searches = detail.hasPrefix("SEARCH ") && (detail.contains(" INDEX ") || detail.contains("PRIMARY KEY"))
            let walks = orderByIndex && walksInOrder(detail)
            guard searches || walks else { return false }
            guard let index else { return true }
            return detail.contains("INDEX \(index) ") || detail.hasSuffix("INDEX \(index)")
        }
    }

    func walksIndexInOrder(_ plan: QueryPlan) -> Bool {
        plan.steps.contains { walksInOrder($0.detail) }
    }

    private func walksInOrder(_ detail: String) -> Bool {
        detail.hasPrefix("SCAN ") && detail.contains(" USING INDEX ")
    }

    /// A failing verdict when the answer changes more than indexes and statistics and the
    /// reference does not (or, when the reference changes data too, when the data differ).
    private func dataChanges(learner: AnswerRun, reference: AnswerRun, answer: Answer, context: GradingContext) throws -> Verdict? {
        let learnerData = learner.writes.filter { !Self.isIndexStatement($0) }
        guard let first = learnerData.first else { return nil }
        if reference.writes.allSatisfy(Self.isIndexStatement) {
            let shown = first.oneLine
            return .fail("Your answer changes the data, not just how SQLite finds it: this step allows only CREATE INDEX, DROP INDEX and ANALYZE.",
                         ["  " + (shown.count > 100 ? String(shown.prefix(100)) + "…" : shown)])
        }
        let learnerDatabase = try context.freshCopy()
        _ = AnswerRun.run(answer, on: learnerDatabase)
        let referenceDatabase = try context.freshCopy()
        _ = AnswerRun.run(context.reference, on: referenceDatabase)
        if let differences = try DatabaseComparison().differences(learner: learnerDatabase, reference: referenceDatabase, start: try context.freshCopy()) {
            return .fail("The database after your statements is not the one this step leaves.", differences)
        }
        return nil
    }

    /// A failing verdict when the plan finds rows through an index, but not by what the
    /// reference's plan searches with: every column a `SEARCH` of the reference's plan looks up
    /// must be looked up by some `SEARCH` of the answer's plan (an index on `status` where the
    /// query's lookup needs `table_no` is an index, and the wrong one). An index with more columns
    /// (`table_no, status`) searches with more and passes.
    private func searchedColumns(plan: QueryPlan, referenceQuery: String, reference: Connection) throws -> Verdict? {
        guard let referencePlan = try? reference.trusted({ try reference.queryPlan(for: referenceQuery) }) else { return nil }
        let learnerSearches = plan.steps.compactMap { Self.searchColumns(of: $0.detail) }
        for step in referencePlan.steps {
            guard let wanted = Self.searchColumns(of: step.detail), !wanted.isEmpty else { continue }
            if learnerSearches.contains(where: { wanted.isSubset(of: $0) }) { continue }
            let found = learnerSearches.flatMap { $0.sorted() }
            return .fail(
                "The plan finds rows through an index, but not by what this step looks up: it searches by \(found.isEmpty ? "nothing" : found.joined(separator: ", ")), and the rows are wanted by \(wanted.sorted().joined(separator: ", ")).",
                plan.rendered.split(separator: "\n").map { "  " + $0 }
                    + ["An index helps a lookup when it starts with the column the WHERE (or the JOIN) compares: which column is that here?"])
        }
        return nil
    }

    /// The columns a plan step looks rows up by (`SEARCH t USING INDEX i (a=? AND b>?)` → a, b;
    /// `… INTEGER PRIMARY KEY (rowid=?)` → rowid), or nil for a step that searches nothing. A
    /// skip-scan's `ANY(a)` does not look `a` up.
    static func searchColumns(of detail: String) -> Set<String>? {
        guard detail.hasPrefix("SEARCH "), detail.contains(" INDEX ") || detail.contains("PRIMARY KEY"),
              detail.hasSuffix(")"), let open = detail.firstRange(of: " (") else { return nil }
        let inside = detail[open.upperBound..<detail.index(before: detail.endIndex)]
        var columns: Set<String> = []
        for term in inside.split(separator: " AND ") {
            let text = term.drop { $0 == " " }
            if text.hasPrefix("ANY(") { continue }
            let name = text.prefix { !"=<>!".contains($0) && $0 != " " }
            if !name.isEmpty { columns.insert(name.lowercased()) }
        }
        return columns
    }

    static func isIndexStatement(_ sql: String) -> Bool {
        let words: [String] = SQLToken.tokenize(sql).prefix(3).map(\.keyword)
        let first = words.first ?? ""
        let second = words.count > 1 ? words[1] : ""
        let third = words.count > 2 ? words[2] : ""
        if first == "ANALYZE" || first == "REINDEX" { return true }
        if first == "DROP" { return second == "INDEX" }
        return first == "CREATE" && (second == "INDEX" || (second == "UNIQUE" && third == "INDEX"))
    }

    /// A failing verdict when the plan finds rows through an index for the query's own values
    /// only: the same query with other literals must still use one whenever the reference's does.
    private func otherValues(planned: String, referenceQuery: String, learner: Connection, reference: Connection) throws -> Verdict? {
        for variant in 0..<2 {
            guard let altered = SQLToken.alteringLiterals(planned, variant: variant),
                  let referenceAltered = SQLToken.alteringLiterals(referenceQuery, variant: variant),
                  let learnerPlan = try? learner.trusted({ try learner.queryPlan(for: altered) }),
                  let referencePlan = try? reference.trusted({ try reference.queryPlan(for: referenceAltered) })
            else { continue }
            if findsRows(referencePlan) && !findsRows(learnerPlan) {
                return .fail(
                    "The plan uses an index for this exact value only: the same query for another value reads the whole table. A partial index (CREATE INDEX … WHERE …) serves the rows its WHERE names; this step wants an index that serves every lookup.",
                    ["  " + altered.oneLine] + learnerPlan.rendered.split(separator: "\n").map { "  " + $0 })
            }
        }
        return nil
    }
}

extension SQLToken {
    /// `sql` with every number and string literal changed (variant 0: n + 1 and 'text~';
    /// variant 1: -n - 1 and '~text'), or nil when it has none.
    static func alteringLiterals(_ sql: String, variant: Int) -> String? {
        let tokens = tokenize(sql)
        let bytes = Array(sql.utf8)
        var result: [UInt8] = []
        var position = 0
        var changed = false
        for token in tokens where token.kind == .number || token.kind == .string {
            var replacement: String?
            if token.kind == .number {
                if let number = Int64(token.text) {
                    replacement = variant == 0 ? String(number + 1) : String(-number - 1)
                } else if let number = Double(token.text) {
                    replacement = variant == 0 ? String(number + 1.5) : String(-number - 1.5)
                }
            } else {
                let inner = token.text.dropFirst().dropLast()
                replacement = variant == 0 ? "'\(inner)~'" : "'~\(inner)'"
            }
            guard let replacement else { continue }
            result += bytes[position..<token.start]
            result += Array(replacement.utf8)
            position = token.end
            changed = true
        }
        guard changed else { return nil }
        result += bytes[position...]
        return String(decoding: result, as: UTF8.self)
    }
}
