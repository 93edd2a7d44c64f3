import KitchenSQL

/// Running SQL: statements in order, results rendered through the output mode, observers told.
extension ShellSession {
    /// Runs every statement in `sql` in order; stops at the first error.
    public func run(sql: String, startLine: Int = 1) {
        do {
            try connection.forEachStatement(in: sql) { statement in
                try execute(statement)
            }
        } catch let error as DatabaseError {
            report(error, input: sql, startLine: startLine)
            // Observers hear of a failed statement after its error is shown, so what they say
            // about it (a lesson's verdict) comes after the error, never before.
            if let failed = failedStatement {
                failedStatement = nil
                for observer in statementObservers { observer(failed) }
            }
        } catch {
            reportFailure("\(error)")
        }
        output.flush()
    }

    private func execute(_ statement: Statement) throws {
        if settings.showQueryPlan && statement.explainMode == 0 {
            if let plan = try? connection.queryPlan(for: statement.sql), !plan.steps.isEmpty {
                output.writeLine(plan.rendered)
            }
        }
        let clock = ContinuousClock()
        let started = clock.now
        let changesBefore = connection.totalChanges
        var rows = 0
        var truncated = false
        var notices: [String] = []
        do {
            if statement.explainMode == 2 {
                try renderPlan(statement)
            } else if statement.columnCount > 0 {
                // Results are data: never word-wrapped (box tables are fitted to the width instead).
                (rows, truncated, notices) = try output.verbatim { try render(statement) }
            } else {
                while try statement.step() {}
            }
        } catch let error as DatabaseError {
            failedStatement = ExecutedStatement(sql: statement.sql, isReadOnly: statement.isReadOnly, rowCount: rows, error: error)
            throw error
        }
        let elapsed = clock.now - started
        for notice in notices { output.writeLine(style.yellow(notice)) }
        if settings.interactive {
            if truncated, let limit = settings.rowLimit {
                output.writeLine(style.yellow("Showing the first \(limit) rows; the rest were cut. Add a LIMIT, or .limit 0 to show everything."))
            } else if statement.columnCount > 0 && statement.explainMode == 0 {
                output.writeLine(style.dim(rows == 1 ? "1 row" : "\(rows) rows"))
            }
            if let verb = Self.changeVerb(statement.sql), statement.columnCount == 0 {
                let changed = connection.totalChanges > changesBefore ? connection.changes : 0
                output.writeLine(style.dim(changed == 1 ? "1 row \(verb)" : "\(changed) rows \(verb)"))
            }
        }
        if settings.timer {
            output.writeLine("Time: \(Self.format(elapsed))")
        }
        notify(statement, rows: rows, error: nil)
    }

    private func notify(_ statement: Statement, rows: Int, error: DatabaseError?) {
        guard !statementObservers.isEmpty else { return }
        let executed = ExecutedStatement(sql: statement.sql, isReadOnly: statement.isReadOnly, rowCount: rows, error: error)
        for observer in statementObservers { observer(executed) }
    }

    private func render(_ statement: Statement) throws -> (rows: Int, truncated: Bool, notices: [String]) {
        var formatter = FormatterFactory.make(for: settings)
        var writer = ByteWriter(sink: output)
        var rows = 0
        var truncated = false
        var begun = false
        while try statement.step() {
            if !begun {
                formatter.begin(columns: statement.columnNames, writer: &writer)
                begun = true
            }
            if let limit = settings.rowLimit, limit > 0, rows >= limit {
                truncated = true
                break
            }
            formatter.row(from: statement, writer: &writer)
            rows += 1
        }
        if !begun, settings.interactive, settings.mode == .box || settings.mode == .table {
            // An empty result still shows its columns, so the learner sees the query ran.
            formatter.begin(columns: statement.columnNames, writer: &writer)
            begun = true
        }
        let notices = begun ? formatter.end(writer: &writer) : []
        writer.flush()
        if truncated { statement.reset() }
        return (rows, truncated, notices)
    }

    private func renderPlan(_ statement: Statement) throws {
        var steps: [QueryPlan.Step] = []
        while try statement.step() {
            let row = statement.currentRow
            guard case .integer(let id) = row[0], case .integer(let parent) = row[1] else { continue }
            steps.append(.init(id: Int(id), parent: Int(parent), detail: row[3].textValue ?? ""))
        }
        output.writeLine(QueryPlan(steps: steps).rendered)
    }

    /// "changed", "inserted"… for statements whose effect is a number of rows.
    static func changeVerb(_ sql: String) -> String? {
        let first = sql.prefix(while: { $0.isLetter }).uppercased()
        return switch first {
        case "INSERT", "REPLACE": "inserted"
        case "UPDATE": "updated"
        case "DELETE": "deleted"
        default: nil
        }
    }

    static func format(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        if seconds < 1 {
            let milliseconds = (seconds * 1000 * 100).rounded() / 100
            return "\(milliseconds) ms"
        }
        return "\((seconds * 1000).rounded() / 1000) s"
    }
}

/// What one statement did, as observers (graders) see it.
public struct ExecutedStatement: Sendable {
    public var sql: String
    public var isReadOnly: Bool
    public var rowCount: Int
    public var error: DatabaseError?
}
