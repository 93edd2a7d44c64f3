import KitchenSQL

/// `sql-state`: after the answer's statements, the database must hold what it holds after the
/// reference's. The step's `queries` are compared first (their messages are the most specific);
/// then the whole database (its normalised schema and every table's rows), unless `tables` limits
/// the comparison to some tables or `scope: queries` to the queries alone.
public struct SQLStateCheck: Check {
    public var queries: [String]
    public var tables: [String]
    /// False when only the queries are compared (`scope: queries`).
    public var wholeDatabase: Bool

    public init(queries: [String], tables: [String], wholeDatabase: Bool = true) {
        self.queries = queries
        self.tables = tables
        self.wholeDatabase = wholeDatabase
    }

    public static let kind = CheckKind(name: "sql-state", options: ["queries", "tables", "scope"]) { options in
        let scope = try options.choice("scope", ["database", "queries"]) ?? "database"
        let queries = try options.strings("queries") ?? []
        if scope == "queries" && queries.isEmpty {
            throw options.problem("'scope: queries' compares only the step's queries, so the check needs 'queries'", key: "scope")
        }
        return SQLStateCheck(queries: queries, tables: try options.strings("tables") ?? [], wholeDatabase: scope == "database")
    }

    public func grade(_ answer: Answer, in context: GradingContext) throws -> Verdict {
        guard !answer.isEmpty else {
            return .fail("No answer yet: run the statements that change the database.")
        }
        let learnerDatabase = try context.freshCopy()
        let learner = AnswerRun.run(answer, on: learnerDatabase)
        if let verdict = SQLVerdicts.failed(learner) { return verdict }
        let referenceDatabase = try context.freshCopy()
        let reference = AnswerRun.run(context.reference, on: referenceDatabase)
        if let error = reference.error {
            throw LessonProblem(file: context.lesson.file, line: context.step.line, message: "the solution of step '\(context.step.id)' fails: \(error.message)")
        }
        if let differences = try compare(learner: learnerDatabase, reference: referenceDatabase, start: try context.freshCopy()) {
            return .fail("Not yet: the database does not hold what it should after your statements.", differences)
        }
        return .pass("Correct: the database now holds exactly what it should.")
    }

    /// Nil when both databases agree on what this check looks at. With `start` (the database
    /// before any statement), a change to a table the step does not touch is named as such.
    public func compare(learner: Connection, reference: Connection, start: Connection? = nil) throws -> [String]? {
        let diff = ResultDiff()
        for query in queries {
            let expected = try Self.fetch(query, on: reference)
            let actual: ResultSet
            do {
                actual = try Self.fetch(query, on: learner)
            } catch let error as DatabaseError {
                return ["After your statements, this query fails (\(error.message)): \(query)"]
            }
            if let differences = diff.differences(expected: expected, actual: actual) {
                return ["After your statements, \(query) gives a different result:"] + differences
            }
        }
        guard wholeDatabase else { return nil }
        return try DatabaseComparison(tables: tables).differences(learner: learner, reference: reference, start: start)
    }

    static func fetch(_ query: String, on connection: Connection) throws -> ResultSet {
        try DatabaseComparison.fetch(query, on: connection)
    }
}
