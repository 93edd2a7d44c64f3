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
    public internal(set) var failureCount = 0
    /// Called after every SQL statement the learner ran, with its outcome (lessons grade these).
    public var statementObservers: [(ExecutedStatement) -> Void] = []
    /// Called whenever the prompt is back for new input (not between the lines of a statement or
    /// request still being typed): what happened meanwhile outside the prompt can be told now.
    public var promptObservers: [() -> Void] = []
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
    var failedStatement: ExecutedStatement?
    private var hintedAboutSemicolon = false
    private var pendingStartLine = 1
    /// The line being read (within a `.read` script, its line there), for error positions.
    var lineNumber = 0
    /// How many `.read` scripts are running inside each other.
    var readDepth = 0
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
        let result = take(line: line)
        if result == .ready && !isContinuing {
            for observer in promptObservers { observer() }
            output.flush()
        }
        return result
    }

    private func take(line: String) -> FeedResult {
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
            if settings.interactive, let command = Self.bareWords[String(trimmed.lowercased().reversed().drop { $0 == ";" }.reversed())] {
                return runCommand(command) == .quit ? .quit : .ready
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

    /// Words typed alone at a terminal, out of habit from a shell or another REPL, that are no
    /// SQL: as in psql, `exit` and `quit` leave and `help` helps, instead of opening a statement
    /// that waits for a `;` (a script's lines are read as SQL, as before).
    static let bareWords = ["exit": ".quit", "quit": ".quit", "help": ".help"]

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
}

/// A line handler's answer about the lines typed so far.
public enum LineClaim: Equatable {
    case notMine
    case handled
    case needsMore
}
