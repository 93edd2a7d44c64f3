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
    /// Where each statement ran with respect to explicit transactions, one entry per statement.
    public var places: [TransactionPlace] = []

    /// A statement's place among the transactions of an answer, read from SQLite's autocommit
    /// flag before and after it ran (not from its text, so `BEGIN` inside a comment or a failed
    /// `COMMIT` changes nothing).
    public struct TransactionPlace: Sendable, Equatable {
        /// The explicit transaction the statement ran in, numbered from 1 in the order they
        /// opened; nil for a statement that ran on its own (autocommit).
        public var transaction: Int?
        /// It opened that transaction (BEGIN).
        public var opens = false
        /// It ended that transaction (COMMIT, END or ROLLBACK).
        public var closes = false

        public init(transaction: Int?, opens: Bool = false, closes: Bool = false) {
            self.transaction = transaction
            self.opens = opens
            self.closes = closes
        }
    }

    /// Runs every statement of `answer` on `connection`, stopping at the first error.
    public static func run(_ answer: Answer, on connection: Connection, rowLimit: Int = 100_000) -> AnswerRun {
        var run = AnswerRun(statements: [], lastResult: nil, lastQuery: nil, error: nil)
        var lastOffset: Int?
        var opened = 0
        var current: Int?
        do {
            try connection.forEachStatement(in: answer.text) { statement in
                run.statements.append(statement.sql)
                let wasAutocommit = connection.isAutocommit
                // Recorded before it runs, so a statement that fails keeps its place too.
                run.places.append(TransactionPlace(transaction: wasAutocommit ? nil : current))
                defer {
                    let isAutocommit = connection.isAutocommit
                    if wasAutocommit && !isAutocommit {
                        opened += 1
                        current = opened
                        run.places[run.places.count - 1] = TransactionPlace(transaction: opened, opens: true)
                    } else if !wasAutocommit && isAutocommit {
                        run.places[run.places.count - 1].closes = true
                        current = nil
                    }
                }
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
                run.places.append(TransactionPlace(transaction: current))
            }
            run.error = error
        } catch {
            run.error = DatabaseError(extendedCode: 1, message: "\(error)")
        }
        return run
    }
}
