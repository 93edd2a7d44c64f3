import KitchenSQL

/// Lays out an error: the message, the line of the statement with a caret under the
/// offending token, then advice.
enum ErrorReport {
    /// - Parameter numberWithinStatement: at the prompt a statement's lines count from 1 (the learner
    ///   sees the statement, not the session); a script (piped input, `.read`) counts its own lines.
    static func lines(for error: DatabaseError, input: String, startLine: Int, interactive: Bool, numberWithinStatement: Bool? = nil,
                      width: Int? = nil, advice: [String], style: Style) -> [String] {
        let withinStatement = numberWithinStatement ?? interactive
        var lines: [String] = []
        let sql = error.sql ?? ""
        // Where the statement sits in the input tells which input line it started on.
        let statementLine = startLine + input.utf8.prefix(error.inputOffset ?? 0).filter { $0 == .newline }.count
        if interactive {
            lines.append(style.boldRed("Error:") + " " + error.message)
        } else {
            lines.append("Error near line \(statementLine): \(error.message)")
        }
        if let offset = error.locatedOffset, !sql.isEmpty, offset <= sql.utf8.count {
            let bytes = Array(sql.utf8)
            var lineStart = offset
            while lineStart > 0 && bytes[lineStart - 1] != .newline { lineStart -= 1 }
            var lineEnd = offset
            while lineEnd < bytes.count && bytes[lineEnd] != .newline { lineEnd += 1 }
            let text = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
            // Tabs are shown as spaces, so they are measured as spaces too.
            let before = String(decoding: bytes[lineStart..<offset], as: UTF8.self).replacing("\t", with: " ")
            let lineInStatement = bytes[0..<lineStart].filter { $0 == .newline }.count
            let label: String
            if withinStatement {
                label = lineInStatement > 0 ? "line \(lineInStatement + 1): " : ""
            } else {
                label = "line \(statementLine + lineInStatement): "
            }
            // A line wider than the terminal is shown as a window around the caret, so the caret
            // stays under its token instead of landing on a folded line.
            let shown = window(text.replacing("\t", with: " "), caret: DisplayWidth.of(before),
                               width: width.map { $0 - 2 - DisplayWidth.of(label) })
            lines.append("  " + label + shown.text)
            lines.append("  " + String(repeating: " ", count: DisplayWidth.of(label) + shown.caret) + style.red("^"))
        }
        for line in advice {
            lines.append(interactive ? style.cyan(line) : "Hint: " + line)
        }
        return lines
    }

    /// `text` cut to `width` columns around column `caret` (marked with … where cut), and the
    /// caret's column in the cut text.
    static func window(_ text: String, caret: Int, width: Int?) -> (text: String, caret: Int) {
        guard let width, width > 10, DisplayWidth.of(text) > width else { return (text, caret) }
        let room = width - 2
        let first = max(0, min(caret - room * 2 / 3, DisplayWidth.of(text) - room))
        var result = first > 0 ? "…" : ""
        var column = 0
        var used = 0
        var cutEnd = false
        for character in text {
            let characterWidth = DisplayWidth.of(String(character))
            defer { column += characterWidth }
            if column < first { continue }
            if used + characterWidth > room { cutEnd = true; break }
            result.append(character)
            used += characterWidth
        }
        return (result + (cutEnd ? "…" : ""), caret - first + (first > 0 ? 1 : 0))
    }
}

/// A SQL error explained the way the prompt explains it (message, the line with a caret, advice),
/// as plain lines for front ends other than the prompt's own statements: a route's statement that
/// failed on a request, or that was checked when the route was defined.
public enum SQLErrorExplanation {
    /// Where the failed SQL was written: the whole line, its number when worth showing, and the
    /// 1-based column at which the SQL starts in that line.
    public struct Source: Sendable, Equatable {
        public var text: String
        public var line: Int?
        public var sqlColumn: Int

        public init(text: String, line: Int?, sqlColumn: Int) {
            self.text = text
            self.line = line
            self.sqlColumn = sqlColumn
        }
    }

    /// `heading` (or SQLite's message), the source line with a caret under the offending token
    /// (the SQL itself when no source is given), then the advice the prompt would give.
    public static func lines(for error: DatabaseError, schema: Schema?, heading: String? = nil, source: Source? = nil) -> [String] {
        var lines = [heading ?? error.message]
        let sql = error.sql ?? ""
        if let offset = error.locatedOffset, !sql.isEmpty, offset <= sql.utf8.count {
            let bytes = Array(sql.utf8)
            if let source {
                // The SQL sits on one line of the definition: point into that line.
                let label = source.line.map { "line \($0): " } ?? ""
                let before = String(source.text.prefix(max(0, source.sqlColumn - 1)))
                let inSQL = String(decoding: bytes[0..<offset], as: UTF8.self)
                let text = source.text.replacing("\t", with: " ")
                lines.append("  " + label + text)
                lines.append("  " + String(repeating: " ", count: DisplayWidth.of(label) + DisplayWidth.of(before) + DisplayWidth.of(inSQL.replacing("\t", with: " "))) + "^")
            } else {
                var lineStart = offset
                while lineStart > 0 && bytes[lineStart - 1] != .newline { lineStart -= 1 }
                var lineEnd = offset
                while lineEnd < bytes.count && bytes[lineEnd] != .newline { lineEnd += 1 }
                let text = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self).replacing("\t", with: " ")
                let before = String(decoding: bytes[lineStart..<offset], as: UTF8.self).replacing("\t", with: " ")
                lines.append("  " + text)
                lines.append("  " + String(repeating: " ", count: DisplayWidth.of(before)) + "^")
            }
        } else if !sql.isEmpty {
            lines.append("  " + (source?.text ?? sql))
        }
        lines += ErrorExplainer.explain(error, schema: schema)
        return lines
    }
}

extension ShellSession {
    /// Shows an explanation from `SQLErrorExplanation` styled as the prompt shows its own errors:
    /// the first line as the error, indented lines as the code with its caret, the rest as advice.
    /// - Parameter countsAsFailure: false for a failure the learner did not type (a route failing
    ///   on a request from curl), so batch exit codes stay about the learner's own input.
    public func reportExplanation(_ lines: [String], countsAsFailure: Bool = true) {
        guard let first = lines.first else { return }
        if countsAsFailure { recordFailure() }
        errors.writeLine(style.boldRed("Error:") + " " + first)
        let rest = Array(lines.dropFirst())
        var index = 0
        while index < rest.count {
            let line = rest[index]
            index += 1
            if line.hasPrefix("  ") {
                let next = index < rest.count ? rest[index] : ""
                if next.contains("^") && next.allSatisfy({ $0 == " " || $0 == "^" }) {
                    // The line and its caret, cut to the window's width around the caret.
                    let caret = next.count - 3
                    let shown = ErrorReport.window(String(line.dropFirst(2)), caret: caret,
                                                   width: settings.interactive ? settings.terminalWidth.map { $0 - 2 } : nil)
                    errors.writeLine("  " + shown.text)
                    errors.writeLine("  " + String(repeating: " ", count: shown.caret) + style.red("^"))
                    index += 1
                } else {
                    errors.writeLine(line)
                }
            } else {
                errors.writeLine(settings.interactive ? style.cyan(line) : "Hint: " + line)
            }
        }
        errors.flush()
    }
}

extension DatabaseError {
    /// Where the offending token is: SQLite's offset, or, for an unknown table or column that SQLite
    /// names without a position, the first place the name appears as a whole word.
    var locatedOffset: Int? {
        if let offset { return offset }
        guard let sql, sandboxReason == nil else { return nil }
        for prefix in ["no such table: ", "no such column: "] where message.hasPrefix(prefix) {
            let name = String(message.dropFirst(prefix.count))
            return Self.wordOffset(name, in: sql) ?? name.split(separator: ".").last.flatMap { Self.wordOffset(String($0), in: sql) }
        }
        return nil
    }

    static func wordOffset(_ word: String, in sql: String) -> Int? {
        let text = Array(sql.utf8), target = Array(word.lowercased().utf8)
        guard !target.isEmpty, text.count >= target.count else { return nil }
        func isWordByte(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "_") || (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte >= 0x80
        }
        for start in 0...(text.count - target.count) {
            guard zip(text[start..<(start + target.count)], target).allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0) == $1 }) else { continue }
            if start > 0 && isWordByte(text[start - 1]) { continue }
            let end = start + target.count
            if end < text.count && isWordByte(text[end]) { continue }
            return start
        }
        return nil
    }
}
