import KitchenSQL

/// Lays out an error: the message, the line of the statement with a caret under the
/// offending token, then advice.
enum ErrorReport {
    static func lines(for error: DatabaseError, input: String, startLine: Int, interactive: Bool, advice: [String], style: Style) -> [String] {
        var lines: [String] = []
        let sql = error.sql ?? ""
        // Where the statement sits in the input tells which input line it started on.
        let statementLine = startLine + input.utf8.prefix(error.inputOffset ?? 0).filter { $0 == .newline }.count
        if interactive {
            lines.append(style.boldRed("Error:") + " " + error.message)
        } else {
            lines.append("Error near line \(statementLine): \(error.message)")
        }
        if let offset = error.offset, !sql.isEmpty, offset <= sql.utf8.count {
            let bytes = Array(sql.utf8)
            var lineStart = offset
            while lineStart > 0 && bytes[lineStart - 1] != .newline { lineStart -= 1 }
            var lineEnd = offset
            while lineEnd < bytes.count && bytes[lineEnd] != .newline { lineEnd += 1 }
            let text = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
            // Tabs are shown as spaces, so they are measured as spaces too.
            let before = String(decoding: bytes[lineStart..<offset], as: UTF8.self).replacing("\t", with: " ")
            let lineInStatement = bytes[0..<lineStart].filter { $0 == .newline }.count
            let label = lineInStatement > 0 || !interactive ? "line \(statementLine + lineInStatement): " : ""
            lines.append("  " + label + text.replacing("\t", with: " "))
            lines.append("  " + String(repeating: " ", count: DisplayWidth.of(label) + DisplayWidth.of(before)) + style.red("^"))
        }
        for line in advice {
            lines.append(interactive ? style.cyan(line) : "Hint: " + line)
        }
        return lines
    }
}
