import KitchenSQL

/// `sql-state`: after the answer's statements, the database must hold what it holds after the
/// reference's, judged by the step's queries or by whole tables.
public struct SQLStateCheck: Check {
    public var queries: [String]
    public var tables: [String]

    public init(queries: [String], tables: [String]) {
        self.queries = queries
        self.tables = tables
    }

    public static let kind = CheckKind(name: "sql-state", options: ["queries", "tables"]) { options in
        SQLStateCheck(queries: try options.strings("queries") ?? [], tables: try options.strings("tables") ?? [])
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
        if let differences = try compare(learner: learnerDatabase, reference: referenceDatabase) {
            return .fail("Not yet: the database does not hold what it should after your statements.", differences)
        }
        return .pass("Correct: the database now holds exactly what it should.")
    }

    /// Nil when both databases agree on what this check looks at.
    public func compare(learner: Connection, reference: Connection) throws -> [String]? {
        let diff = ResultDiff()
        if !queries.isEmpty {
            for query in queries {
                let expected = try Self.fetch(query, on: reference)
                guard let actual = try? Self.fetch(query, on: learner) else {
                    return ["After your statements, this query fails: \(query)"]
                }
                if let differences = diff.differences(expected: expected, actual: actual) {
                    return ["After your statements, \(query) gives a different result:"] + differences
                }
            }
            return nil
        }
        let expectedSchema = try reference.schema()
        let actualSchema = try learner.schema()
        let names = tables.isEmpty ? expectedSchema.tables.filter { $0.type == "table" }.map(\.name) : tables
        if tables.isEmpty {
            let extra = actualSchema.tables.filter { $0.type == "table" && expectedSchema.table(named: $0.name) == nil }
            if let table = extra.first {
                return ["There is a table \(table.name) that should not be there."]
            }
        }
        for name in names {
            guard let expectedTable = expectedSchema.table(named: name) else { continue }
            guard let actualTable = actualSchema.table(named: name) else {
                return ["There is no table \(name) after your statements."]
            }
            if expectedTable.columns.map({ $0.lowercased() }) != actualTable.columns.map({ $0.lowercased() }) {
                return ["The table \(name) has the columns \(actualTable.columns.joined(separator: ", ")); expected \(expectedTable.columns.joined(separator: ", "))."]
            }
            let query = "SELECT * FROM \(SQLIdentifier.quote(name))"
            if let differences = diff.differences(expected: try Self.fetch(query, on: reference), actual: try Self.fetch(query, on: learner)) {
                return ["The rows of \(name) are not right:"] + differences
            }
        }
        return nil
    }

    static func fetch(_ query: String, on connection: Connection) throws -> ResultSet {
        try connection.trusted {
            let statement = try connection.prepare(query)
            return ResultSet(columns: statement.columnNames, rows: try statement.fetchAll())
        }
    }
}
