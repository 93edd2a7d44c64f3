import KitchenSQL

/// The interpreter behind the prompt: it takes lines, decides when a statement is complete,
/// runs SQL and dot-commands, and writes results and errors to its sinks.
///
/// It never reads stdin and knows nothing of terminals: the `kitchen` binary feeds it lines
/// from libedit or a pipe, tests feed it strings.
public final class ShellSession {
    /// The database statements run on; the tutor swaps it when the learner changes lesson.
    public var connection: Connection {
        didSet { connectionDidChange?(connection) }
    }
    /// Told when `connection` changes (the prompt re-targets Ctrl-C).
    public var connectionDidChange: ((Connection) -> Void)?
    /// The prompt's label, e.g. `kitchen` or `kitchen[select-basics 2/8]`.
    public var promptLabel = "kitchen"
    public var settings: ShellSettings
    public let output: any OutputSink
    public let errors: any OutputSink
    public var commands: CommandTable
    /// Failed statements and commands so far; batch mode exits 1 when this is not zero.
    public private(set) var failureCount = 0
    /// Called after every SQL statement the learner ran, with its outcome (lessons grade these).
    public var statementObservers: [(ExecutedStatement) -> Void] = []
    /// Input that is not SQL or a dot-command (an HTTP request) can be claimed here first.
    /// A handler sees the lines typed so far and says whether they are its own, complete or not.
    public var lineHandlers: [(ShellSession, [String]) -> LineClaim] = []
    /// The handler collecting a multi-line input, and the lines so far.
    private var claimed: (handler: Int, lines: [String])?

    private var pending = ""
    /// Extra advice for a failed statement, from the layers around the prompt (a lesson's
    /// question step says how to answer it): each gets the statement's text.
    public var errorAdvisors: [(String) -> String?] = []
    /// The statement that just failed, told to observers once its error is reported.
    private var failedStatement: ExecutedStatement?
    private var hintedAboutSemicolon = false
    private var pendingStartLine = 1
    private var lineNumber = 0
    private var readDepth = 0
    public var style: Style { Style(enabled: settings.color) }

    public init(connection: Connection, settings: ShellSettings, output: any OutputSink, errors: any OutputSink, commands: CommandTable? = nil) {
        self.connection = connection
        self.settings = settings
        self.output = output
        self.errors = errors
        self.commands = commands ?? BuiltinCommands.table()
    }

    public enum FeedResult: Equatable {
        /// The line was handled (or was part of a statement that now ran).
        case ready
        /// A statement is open; the prompt should continue it.
        case needsMore
        case quit
    }

    /// True while a multi-line statement (or request) is being typed.
    public var isContinuing: Bool { !pending.isEmpty || claimed != nil }

    /// Takes one line of input.
    public func feed(line: String) -> FeedResult {
        lineNumber += 1
        if var current = claimed {
            current.lines.append(line)
            claimed = nil
            if lineHandlers[current.handler](self, current.lines) == .needsMore { claimed = current }
            output.flush()
            return .ready
        }
        if pending.isEmpty {
            let trimmed = line.trimmingSpaces()
            if trimmed.isEmpty { return .ready }
            if trimmed.hasPrefix(".") {
                return runCommand(trimmed) == .quit ? .quit : .ready
            }
            if trimmed.hasPrefix("--") && !trimmed.contains("\n") && Connection.isComplete(trimmed + "\n") == false {
                return .ready
            }
            for (index, handler) in lineHandlers.enumerated() {
                switch handler(self, [line]) {
                case .notMine: continue
                case .handled: output.flush(); return .ready
                case .needsMore: claimed = (index, [line]); return .ready
                }
            }
            pendingStartLine = lineNumber
        }
        if !pending.isEmpty, Self.isCommandLine(line) {
            // A dot-command is never swallowed into a statement left open (a stray word or letter):
            // the unfinished statement is dropped, with a word about it, and the command runs.
            let dropped = pending
            pending = ""
            hintedAboutSemicolon = false
            errors.writeLine(style.yellow("(The unfinished statement \"\(dropped.trimmingSpaces())\" was dropped: it had no ; at the end.)"))
            for advisor in errorAdvisors { if let advice = advisor(dropped) { errors.writeLine(style.yellow(advice)) } }
            errors.flush()
            return runCommand(line.trimmingSpaces()) == .quit ? .quit : .ready
        }
        if !pending.isEmpty && line.trimmingSpaces().isEmpty && settings.interactive && !hintedAboutSemicolon {
            // An empty line in the middle of a statement usually means a forgotten semicolon.
            hintedAboutSemicolon = true
            output.writeLine(style.dim("(The statement goes on until a ; — type ; and Enter to run it, or Ctrl-C to drop it.)"))
        }
        pending += pending.isEmpty ? line : "\n" + line
        guard Connection.isComplete(pending) else { return .needsMore }
        hintedAboutSemicolon = false
        let sql = pending
        pending = ""
        run(sql: sql, startLine: pendingStartLine)
        return .ready
    }

    /// A line that is a dot-command even inside a statement: a dot, then a letter.
    static func isCommandLine(_ line: String) -> Bool {
        let trimmed = line.trimmingSpaces()
        return trimmed.hasPrefix(".") && trimmed.dropFirst().first?.isLetter == true
    }

    /// Drops a half-typed statement (Ctrl-C at a continuation prompt).
    public func cancelPending() {
        claimed = nil
        pending = ""
    }

    /// At end of input: a statement left open is an error, as in the sqlite3 shell.
    public func finishInput() {
        if let current = claimed {
            // At the end of input a request still open is sent as if a blank line followed.
            claimed = nil
            _ = lineHandlers[current.handler](self, current.lines + [""])
        }
        guard !pending.trimmingSpaces().isEmpty else { return }
        let sql = pending
        pending = ""
        // Like the sqlite3 shell, the last statement may omit its semicolon; one that is really
        // unfinished (an open quote) fails with SQLite's own "incomplete input" or token error.
        run(sql: sql, startLine: pendingStartLine)
    }

    // MARK: SQL

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

    // MARK: Errors

    /// Shows a SQL error with a caret under the offending token and advice for beginners.
    public func report(_ error: DatabaseError, input: String, startLine: Int) {
        failureCount += 1
        let schema = try? connection.schema()
        let lines = ErrorReport.lines(for: error, input: input, startLine: startLine, interactive: settings.interactive,
                                      numberWithinStatement: settings.interactive && readDepth == 0,
                                      width: settings.interactive ? settings.terminalWidth : nil, advice: ErrorExplainer.explain(error, schema: schema), style: style)
        for line in lines { errors.writeLine(line) }
        for advisor in errorAdvisors { if let advice = advisor(input) { errors.writeLine(style.yellow(advice)) } }
        errors.flush()
    }

    /// Reports a failure that is not a SQL error (a bad command, an unreadable file).
    public func reportFailure(_ message: String) {
        failureCount += 1
        errors.writeLine(style.boldRed("Error:") + " " + message)
        errors.flush()
    }

    /// Counts a failure reported elsewhere (a failed check), for batch exit codes.
    public func recordFailure() {
        failureCount += 1
    }

    // MARK: Commands

    func runCommand(_ line: String) -> DotCommand.Outcome {
        var words = CommandLineWords.split(String(line.dropFirst()))
        guard !words.isEmpty else {
            reportFailure("a dot-command needs a name; .help lists them")
            return .done
        }
        let name = words.removeFirst()
        guard let command = commands.command(named: name) else {
            let suggestion = Suggestions.nearest(to: name, among: commands.allNames).map { " Did you mean .\($0)?" } ?? ""
            reportFailure("unknown command .\(name).\(suggestion) .help lists them all.")
            return .done
        }
        do {
            let arguments = try command.validate(words)
            let outcome = try command.run(self, arguments)
            output.flush()
            return outcome
        } catch let error as CommandError {
            reportFailure(".\(command.name): \(error.message)")
        } catch let error as DatabaseError {
            report(error, input: error.sql ?? "", startLine: lineNumber)
        } catch {
            reportFailure(".\(command.name): \(error)")
        }
        return .done
    }

    /// Runs the lines of a script, as `.read` does.
    public func runScript(_ text: String) -> DotCommand.Outcome {
        readDepth += 1
        defer { readDepth -= 1 }
        guard readDepth <= 8 else {
            reportFailure(".read is nested too deeply (a file that reads itself?)")
            return .done
        }
        let savedLine = lineNumber
        lineNumber = 0
        defer { lineNumber = savedLine }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if feed(line: String(line)) == .quit { return .quit }
        }
        finishInput()
        return .done
    }
}

/// A line handler's answer about the lines typed so far.
public enum LineClaim: Equatable {
    case notMine
    case handled
    case needsMore
}

/// What one statement did, as observers (graders) see it.
public struct ExecutedStatement: Sendable {
    public var sql: String
    public var isReadOnly: Bool
    public var rowCount: Int
    public var error: DatabaseError?
}
