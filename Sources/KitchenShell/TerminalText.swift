/// The one path for text that came from outside (the network, a database value, a lesson file)
/// on its way to the learner's terminal.
///
/// A request body holding `ESC ] 0;title BEL` would retitle the window, `ESC [2J` would clear the
/// screen, a bare CR could overwrite a line with a forged one: a terminal obeys control characters
/// wherever they come from. So every control character that is not layout is shown as a visible
/// escape instead (`\x1b`, `\r`, `\u{9b}`), the way `.wire` already shows raw bytes.
///
/// What is escaped: C0 controls (U+0000–U+001F) except line feed and tab (and those too with
/// `singleLine`), DEL (U+007F), C1 controls (U+0080–U+009F, which some terminals obey like ESC
/// sequences) and the bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
/// can make text display in a different order than it is stored.
public enum TerminalText {
    /// `text` with every control character shown as a visible escape, each passed through `mark`
    /// (a dim style, say) so that it stands apart from the text itself.
    ///
    ///     TerminalText.escaped("a\u{1B}[2Jb")   // a\x1b[2Jb
    public static func escaped(_ text: String, singleLine: Bool = false, mark: (String) -> String = { $0 }) -> String {
        // The fast path: almost all text is plain and is returned as it is, without copying.
        guard text.unicodeScalars.contains(where: { needsEscape($0, singleLine: singleLine) }) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar, singleLine: singleLine) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            result += mark(visible(scalar))
        }
        return result
    }

    /// Raw bytes, as they crossed a socket (`.wire`): every line end is shown (`\r\n`, `\n`) and
    /// then kept as a line break, so the learner sees HTTP's CR LF; everything else as `escaped`
    /// shows it on one line.
    ///
    ///     TerminalText.escapedBytes(Array("GET / HTTP/1.1\r\n".utf8))   // GET / HTTP/1.1\r\n + line break
    public static func escapedBytes(_ bytes: [UInt8], mark: (String) -> String = { $0 }) -> String {
        var text = ""
        var lineStart = 0
        for index in bytes.indices where bytes[index] == 0x0A {
            let crlf = index > lineStart && bytes[index - 1] == 0x0D
            let line = String(decoding: bytes[lineStart..<(crlf ? index - 1 : index)], as: UTF8.self)
            text += escaped(line, singleLine: true, mark: mark) + mark(crlf ? "\\r\\n" : "\\n") + "\n"
            lineStart = index + 1
        }
        return text + escaped(String(decoding: bytes[lineStart...], as: UTF8.self), singleLine: true, mark: mark)
    }

    static func needsEscape(_ scalar: Unicode.Scalar, singleLine: Bool) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: singleLine
        case 0x00..<0x20, 0x7F, 0x80...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    static func visible(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x0A: return "\\n"
        case 0x09: return "\\t"
        case 0x0D: return "\\r"
        case 0x00..<0x20, 0x7F:
            let hex = String(scalar.value, radix: 16)
            return "\\x" + (hex.count == 1 ? "0" : "") + hex
        default:
            return "\\u{" + String(scalar.value, radix: 16) + "}"
        }
    }
}

extension String {
    /// This text, safe to print: see `TerminalText.escaped`.
    public var terminalSafe: String { TerminalText.escaped(self) }

    /// This text on one line, safe to print: line feeds and tabs are escaped too.
    public var terminalSafeLine: String { TerminalText.escaped(self, singleLine: true) }
}
