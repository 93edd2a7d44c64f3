import KitchenSQL
import KitchenSupport
#if canImport(Glibc)
import Glibc
#endif

/// The SQL shell's own dot-commands, in the sqlite3 shell's spirit.
public enum BuiltinCommands {
    public static func table() -> CommandTable {
        CommandTable(lookCommands() + outputCommands() + runCommands())
    }

    /// `.help`, `.tables`, `.schema`: what is there.
    static func lookCommands() -> [DotCommand] {
        [
            DotCommand("help", arguments: [.text("PATTERN", optional: true)], summary: "Show commands (those matching PATTERN)") { session, arguments in
                // Laid out here for the terminal's width, so the wrapper must not break its lines again.
                let text = help(session.commands, pattern: arguments.first, style: session.style,
                                width: session.settings.interactive ? session.settings.terminalWidth : nil)
                session.output.verbatim { session.output.write(text) }
                return .done
            },
            DotCommand("tables", arguments: [.text("PATTERN", optional: true)], group: "SQL", summary: "List tables and views") { session, arguments in
                let names = try session.connection.schema().tables.map(\.name)
                    .filter { name in arguments.first.map { LikePattern.matches($0, name) } ?? true }
                if !names.isEmpty { session.output.writeLine(columns(names, width: session.settings.terminalWidth ?? 80)) }
                return .done
            },
            DotCommand("schema", arguments: [.table(), .choice("DIAGRAM", ["--diagram"], optional: true)], group: "SQL",
                       summary: "Show the CREATE statements (of TABLE and its indexes); --diagram draws the tables instead") { session, arguments in
                if arguments.contains("--diagram") {
                    try drawDiagram(session, table: arguments.first { $0 != "--diagram" })
                    return .done
                }
                let schema = try session.connection.schema()
                let wanted = arguments.first?.lowercased()
                if let wanted, schema.table(named: wanted) == nil {
                    throw CommandError("no table named \(arguments[0]). Tables here: \(schema.tableNames.joined(separator: ", ")).")
                }
                for entry in schema.statements where wanted == nil || entry.tableName.lowercased() == wanted {
                    session.output.writeLine(entry.sql + ";")
                }
                return .done
            },
            DotCommand("erd", arguments: [.table()], group: "SQL",
                       summary: "Draw the tables, their columns and foreign keys as boxes (of TABLE and its neighbours)") { session, arguments in
                try drawDiagram(session, table: arguments.first)
                return .done
            },
        ]
    }

    /// How results are drawn.
    static func outputCommands() -> [DotCommand] {
        [
            DotCommand("mode", arguments: [.choice("MODE", RenderMode.allCases.map(\.rawValue), optional: true)], group: "Output",
                       summary: "Show or set how results are drawn") { session, arguments in
                if let mode = arguments.first.flatMap(RenderMode.init(rawValue:)) {
                    session.settings.mode = mode
                } else {
                    session.output.writeLine("current output mode: \(session.settings.mode.rawValue)")
                }
                return .done
            },
            DotCommand("headers", arguments: [.choice("SWITCH", ["on", "off"])], group: "Output", summary: "Column names in csv and list modes") { session, arguments in
                session.settings.headers = arguments[0] == "on"
                return .done
            },
            DotCommand("timer", arguments: [.choice("SWITCH", ["on", "off"])], group: "Output", summary: "Show how long each statement took") { session, arguments in
                session.settings.timer = arguments[0] == "on"
                return .done
            },
            DotCommand("eqp", arguments: [.choice("SWITCH", ["on", "off"])], group: "Output", summary: "Show the query plan before each result") { session, arguments in
                session.settings.showQueryPlan = arguments[0] == "on"
                return .done
            },
            DotCommand("limit", arguments: [.text("ROWS", optional: true)], group: "Output", summary: "Show or set how many rows are shown at most (0: all)") { session, arguments in
                guard let text = arguments.first else {
                    session.output.writeLine("row limit: \(session.settings.rowLimit.map(String.init) ?? "none")")
                    return .done
                }
                guard let rows = Int(text), rows >= 0 else { throw CommandError("ROWS must be a whole number, 0 for no limit") }
                session.settings.rowLimit = rows == 0 ? nil : rows
                return .done
            },
        ]
    }

    /// How SQL runs, scripts, leaving.
    static func runCommands() -> [DotCommand] {
        [
            DotCommand("timeout", arguments: [.text("SECONDS", optional: true)], group: "SQL", summary: "Show or set the time limit for one statement") { session, arguments in
                guard let text = arguments.first else {
                    session.output.writeLine("time limit: \(session.connection.policy.timeLimit) s")
                    return .done
                }
                guard let seconds = Double(text), seconds > 0, seconds <= 600 else {
                    throw CommandError("SECONDS must be a number between 0 and 600")
                }
                session.connection.policy.timeLimit = seconds
                return .done
            },
            DotCommand("read", arguments: [.file()], group: "SQL", summary: "Run the SQL and commands in FILE") { session, arguments in
                let text = try FileText.read(arguments[0])
                return session.runScript(text)
            },
            DotCommand("quit", aliases: ["exit"], summary: "Leave Kitchen") { _, _ in .quit },
        ]
    }

    /// `.schema --diagram` and `.erd`: boxes fitted to the terminal's width of the moment.
    static func drawDiagram(_ session: ShellSession, table: String?) throws {
        var diagram = try SchemaDiagram.read(from: session.connection)
        if let table {
            guard diagram.tables.contains(where: { $0.name.lowercased() == table.lowercased() }) else {
                throw CommandError("no table named \(table). Tables here: \(diagram.tables.map(\.name).joined(separator: ", ")).")
            }
            diagram = diagram.around(table)
        }
        let lines = diagram.render(width: session.settings.terminalWidth ?? 100, unicode: session.settings.unicode, style: session.style)
        // A drawing: never word-wrapped (it is fitted to the width already).
        session.output.verbatim {
            for line in lines { session.output.writeLine(line) }
        }
    }

    /// The widest usage that shares its line with the summary; a longer one (`.load`'s options)
    /// gets the summary on the next line, so one long usage does not push every summary right.
    static let helpUsageColumn = 26

    /// `.help`: each group's commands, usage then summary. With a `width`, summaries wrap with a
    /// hanging indent at their own column; without one (batch output) each stays on one line.
    static func help(_ table: CommandTable, pattern: String?, style: Style, width: Int? = nil) -> String {
        let matching = table.commands.filter { command in
            guard let pattern = pattern?.lowercased().trimmingPrefix(".") else { return true }
            return command.name.hasPrefix(pattern) || command.summary.lowercased().contains(pattern)
        }
        guard !matching.isEmpty else { return "No command matches \(pattern ?? ""). .help lists them all.\n" }
        let usageWidth = min(helpUsageColumn, matching.map { DisplayWidth.of($0.usage) }.max() ?? 0)
        let column = 2 + usageWidth + 2
        var text = ""
        for group in table.groups {
            let commands = matching.filter { $0.group == group }
            guard !commands.isEmpty else { continue }
            text += style.bold(group) + "\n"
            for command in commands {
                let usage = "  " + command.usage
                var summary = [command.summary]
                if let width, width - column >= 20 {
                    summary = WordWrappingOutput.wrap(command.summary, width: width - column).split(separator: "\n").map(String.init)
                }
                let indent = String(repeating: " ", count: column)
                if DisplayWidth.of(command.usage) > usageWidth {
                    text += usage + "\n"
                } else {
                    text += usage + String(repeating: " ", count: column - DisplayWidth.of(usage)) + summary.removeFirst() + "\n"
                }
                for line in summary { text += indent + line + "\n" }
            }
        }
        if pattern == nil {
            let closing = "End SQL statements with ; (they may span lines). Tab completes; Ctrl-C cancels; Ctrl-D leaves."
            text += "\n" + (width.map { WordWrappingOutput.wrap(closing, width: $0) } ?? closing) + "\n"
        }
        return text
    }

    static func columns(_ names: [String], width: Int) -> String {
        let columnWidth = (names.map(DisplayWidth.of).max() ?? 0) + 2
        let perLine = max(1, width / columnWidth)
        var lines: [String] = []
        var start = 0
        while start < names.count {
            let slice = names[start..<min(start + perLine, names.count)]
            lines.append(slice.map { $0 + String(repeating: " ", count: columnWidth - DisplayWidth.of($0)) }.joined().trimmingTrailingSpaces())
            start += perLine
        }
        return lines.joined(separator: "\n")
    }
}

/// SQL LIKE matching (% and _, case-insensitive) for command patterns.
enum LikePattern {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let pattern = Array(pattern.lowercased()), text = Array(text.lowercased())
        func match(_ p: Int, _ t: Int) -> Bool {
            if p == pattern.count { return t == text.count }
            if pattern[p] == "%" { return (t...text.count).contains { match(p + 1, $0) } }
            guard t < text.count, pattern[p] == "_" || pattern[p] == text[t] else { return false }
            return match(p + 1, t + 1)
        }
        return match(0, 0)
    }
}

/// Reading whole files for `.read`, with errors a learner can act on.
enum FileText {
    static func read(_ path: String) throws -> String {
        do {
            return try FileReading.read(path)
        } catch let failure as FileReading.Failure {
            throw CommandError("cannot read \(path): \(failure.reason)")
        }
    }
}
