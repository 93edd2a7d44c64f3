import KitchenSQL

/// Rows returned by a statement, kept whole for comparison (bounded by `limit`).
public struct ResultSet: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[DatabaseValue]]
    /// True when there were more rows than kept.
    public var truncated: Bool

    public init(columns: [String], rows: [[DatabaseValue]], truncated: Bool = false) {
        self.columns = columns
        self.rows = rows
        self.truncated = truncated
    }
}

/// What happened when an answer's statements ran on a database.
public struct AnswerRun: Sendable {
    /// The statements that ran, in order (the failed one last, if one failed).
    public var statements: [String]
    /// The rows of the last statement that returned rows.
    public var lastResult: ResultSet?
    /// The SQL of that statement.
    public var lastQuery: String?
    /// The first error; statements after it did not run.
    public var error: DatabaseError?
    /// The statements that ran and may change the database (SQLite's `sqlite3_stmt_readonly` says
    /// no): INSERT, UPDATE, DELETE, CREATE, DROP, ALTER… Transaction control does not count.
    public var writes: [String] = []

    /// Runs every statement of `answer` on `connection`, stopping at the first error.
    public static func run(_ answer: Answer, on connection: Connection, rowLimit: Int = 100_000) -> AnswerRun {
        var run = AnswerRun(statements: [], lastResult: nil, lastQuery: nil, error: nil)
        var lastOffset: Int?
        do {
            try connection.forEachStatement(in: answer.text) { statement in
                run.statements.append(statement.sql)
                lastOffset = statement.offset
                if !statement.isReadOnly { run.writes.append(statement.sql) }
                if statement.columnCount > 0 {
                    var rows: [[DatabaseValue]] = []
                    var truncated = false
                    while try statement.step() {
                        if rows.count >= rowLimit {
                            truncated = true
                            break
                        }
                        rows.append(statement.currentRow)
                    }
                    run.lastResult = ResultSet(columns: statement.columnNames, rows: rows, truncated: truncated)
                    run.lastQuery = statement.sql
                } else {
                    while try statement.step() {}
                }
            }
        } catch let error as DatabaseError {
            // A statement that failed to prepare never reached the loop body: count it too.
            if error.inputOffset != lastOffset || run.statements.isEmpty {
                run.statements.append(error.sql ?? "")
            }
            run.error = error
        } catch {
            run.error = DatabaseError(extendedCode: 1, message: "\(error)")
        }
        return run
    }
}
