import KitchenSQL
import Testing
@testable import KitchenShell

@Suite("TerminalText: control characters from outside are shown, never obeyed")
struct TerminalTextEscapingTests {
    @Test("escape sequences, CR, DEL, C1 controls and bidi overrides become visible escapes")
    func escapes() {
        let hostile = "a\u{1B}]0;pwned\u{07}\u{1B}[2Jb\rc\u{7F}d\u{9B}31me\u{202E}f\0g"
        let shown = TerminalText.escaped(hostile)
        #expect(shown == #"a\x1b]0;pwned\x07\x1b[2Jb\rc\x7fd\u{9b}31me\u{202e}f\x00g"#)
        #expect(!shown.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
    }

    @Test("layout stays: line feeds and tabs pass unless one line is wanted; plain text is returned as it is")
    func layout() {
        #expect("a\nb\tc".terminalSafe == "a\nb\tc")
        #expect("a\nb\tc".terminalSafeLine == #"a\nb\tc"#)
        #expect("Crème brûlée — 8 €, 寿司".terminalSafe == "Crème brûlée — 8 €, 寿司")
    }

    @Test("bytes off the wire: CR LF and LF shown and kept as line breaks, other controls, C1 and bidi escaped, escapes marked")
    func wireBytes() {
        let bytes = Array("GET / HTTP/1.1\r\nX: a\u{1B}[2J\tb\r\n\r\nline\nr\u{9B}e\u{202E}x\rend".utf8)
        #expect(TerminalText.escapedBytes(bytes) == "GET / HTTP/1.1\\r\\n\nX: a\\x1b[2J\\tb\\r\\n\n\\r\\n\nline\\n\nr\\u{9b}e\\u{202e}x\\rend")
        let marked = TerminalText.escapedBytes(Array("a\u{7}\r\n".utf8)) { "<\($0)>" }
        #expect(marked == "a<\\x07><\\r\\n>\n")
        #expect(TerminalText.escapedBytes([]) == "")
        #expect(TerminalText.escapedBytes(Array("é€".utf8)) == "é€")
    }

    @Test("a lesson's text with an escape sequence is rendered harmless")
    func lessonText() {
        let rendered = MarkdownTerminal(color: false, width: 80).render("Hello \u{1B}[2J world")
        #expect(!rendered.contains("\u{1B}"))
        #expect(rendered.contains(#"Hello \x1b[2J world"#))
    }

    @Test(".mode json writes a BLOB as two uppercase hex digits per byte, as the server does")
    func jsonModeBlob() throws {
        let shell = try ShellHarness()
        let output = shell.type(".mode json\nSELECT x'000a0b10ff' AS data, 'text' AS t;")
        #expect(output.contains(#"{"data":"000A0B10FF","t":"text"}"#), "\(output)")
    }
}
