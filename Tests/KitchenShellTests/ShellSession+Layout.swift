import Testing
import KitchenSQL
@testable import KitchenShell

@Suite("Layout: word wrapping at the terminal's width, error positions, reflowed prose")
struct LayoutTests {
    @Test("a line wider than the terminal breaks at spaces, never inside a word")
    func wrapsAtSpaces() {
        let text = "Error: SQLite could not make sense of the statement: look for an unclosed parenthesis.\n"
        let wrapped = WordWrappingOutput.wrap(text, width: 30)
        let lines = wrapped.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.count <= 30 }, "\(lines)")
        #expect(lines.joined(separator: " ") + "\n" == text)
        #expect(wrapped.hasSuffix("\n"))
        #expect(WordWrappingOutput.wrap("short\n", width: 30) == "short\n")
    }

    @Test("continuation lines keep the indent and a list marker's hanging indent; colour codes take no room")
    func keepsIndentAndIgnoresColour() {
        let wrapped = WordWrappingOutput.wrap("  • one two three four five six", width: 16)
        #expect(wrapped == "  • one two\n    three four\n    five six")
        let coloured = "\u{1B}[32mStep passed!\u{1B}[0m Well done, on to the next."
        let lines = WordWrappingOutput.wrap(coloured, width: 20).split(separator: "\n").map(String.init)
        #expect(lines[0] == "\u{1B}[32mStep passed!\u{1B}[0m Well")
        #expect(lines.map { WordWrappingOutput.visibleWidth($0) }.allSatisfy { $0 <= 20 })
    }

    @Test("a word longer than the width is left whole")
    func longWordStays() {
        #expect(WordWrappingOutput.wrap("see https://example.com/a/very/long/path", width: 12) == "see\nhttps://example.com/a/very/long/path")
    }

    @Test("a line indented by four spaces is code and is kept as written")
    func codeLinesKept() {
        let code = "    return db.execute('SELECT id, name FROM menu_items').fetchall()\n"
        #expect(WordWrappingOutput.wrap(code, width: 30) == code)
    }

    @Test("an explanation's source line is cut to the width around its caret, the caret still under the token")
    func explanationWindow() throws {
        let shell = try ShellHarness(ShellHarness.terminal(width: 40))
        let line = "route GET /menu = SELECT id, name, price FROM menu_items WHERE discontinue = 0"
        let column = try #require(line.firstRange(of: "discontinue")).lowerBound.utf16Offset(in: line)
        shell.session.reportExplanation(["in the route GET /menu, no such column: discontinue", "  " + line,
                                         "  " + String(repeating: " ", count: column) + "^", "Did you mean discontinued?"])
        let lines = shell.errors.text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "Error: in the route GET /menu, no such column: discontinue")
        #expect(lines[1].count <= 40, "\(lines)")
        let caret = try #require(lines[2].firstIndex(of: "^")).utf16Offset(in: lines[2])
        #expect(lines[1].dropFirst(caret).hasPrefix("discontinue"), "\(lines)")
        #expect(lines[3] == "Did you mean discontinued?")
        #expect(shell.session.failureCount == 1)
    }

    @Test("the sink wraps text to the width of the moment, and passes results through verbatim")
    func sinkUsesCurrentWidth() {
        let captured = CapturedOutput()
        var width = 40
        let sink = WordWrappingOutput(captured, width: { width })
        sink.writeLine("alpha beta gamma delta epsilon zeta eta theta")
        width = 20
        sink.writeLine("alpha beta gamma delta epsilon zeta eta theta")
        sink.verbatim { sink.writeLine("alpha,beta,gamma,delta,epsilon zeta,eta,theta") }
        sink.flush()
        #expect(captured.text == """
            alpha beta gamma delta epsilon zeta eta
            theta
            alpha beta gamma
            delta epsilon zeta
            eta theta
            alpha,beta,gamma,delta,epsilon zeta,eta,theta

            """)
    }

    @Test("at the prompt a statement's lines count from its own first line, however long the session")
    func lineWithinStatement() throws {
        let shell = try ShellHarness(ShellHarness.terminal(), setup: "CREATE TABLE menu_items(id INTEGER, name TEXT);")
        shell.type("SELECT 1;\nSELECT 2;\nSELECT 3;")
        shell.take()
        shell.type("SELECT id,\n  nme FROM menu_items;")
        let lines = shell.errors.text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "Error: no such column: nme")
        #expect(lines[1] == "  line 2:   nme FROM menu_items;", "\(lines)")
    }

    @Test("a .read file's errors count lines of the file")
    func lineWithinReadFile() throws {
        let shell = try ShellHarness(ShellHarness.terminal(), setup: "CREATE TABLE menu_items(id INTEGER, name TEXT);")
        shell.type("SELECT 1;\nSELECT 2;")
        shell.take()
        _ = shell.session.runScript("SELECT 1;\n\nSELECT id,\n  nme FROM menu_items;")
        #expect(shell.errors.text.contains("  line 4:   nme FROM menu_items;"), "\(shell.errors.text)")
    }

    @Test("an error in a line wider than the terminal shows a window with the caret under the token")
    func errorWindow() throws {
        let shell = try ShellHarness(ShellHarness.terminal(width: 40), setup: "CREATE TABLE menu_items(id INTEGER, name TEXT);")
        shell.type("SELECT id, name, id + 1 AS next_id, name || '!' AS shout, nme FROM menu_items;")
        let lines = shell.errors.text.split(separator: "\n").map(String.init)
        #expect(lines[1].count <= 40, "\(lines)")
        let caret = try #require(lines[2].firstIndex(of: "^")).utf16Offset(in: lines[2])
        #expect(lines[1].dropFirst(caret).hasPrefix("nme"), "\(lines)")
        #expect(lines[1].contains("…"))
    }

    @Test("lesson prose is reflowed to a narrow width; code blocks are kept as written")
    func proseReflows() {
        let markdown = """
            A dish row stores `category_id`, a number, not the section's name. The
            name lives in `categories`.

            ```sql
            SELECT orders.id, customers.name FROM orders;
            ```
            """
        let rendered = MarkdownTerminal(color: false, width: 24).render(markdown).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(rendered.prefix(4) == ["A dish row stores", "category_id, a number,", "not the section's name.", "The name lives in"], "\(rendered)")
        #expect(rendered.contains("    SELECT orders.id, customers.name FROM orders;"))
    }

    @Test("a code span wrapped across lines closes on the next line, so bold after it is still bold")
    func spansCrossLineEnds() {
        let markdown = "Try `curl -i -H 'If-None-Match: x' http://127.0.0.1:8080/menu/12`. The server answers **304 Not Modified**: no body."
        let plain = MarkdownTerminal(color: false, width: 40).render(markdown)
        #expect(!plain.contains("**") && !plain.contains("`"), "\(plain)")
        #expect(plain.contains("304"), "\(plain)")
        let colored = MarkdownTerminal(color: true, width: 40).render(markdown)
        let lines = colored.split(separator: "\n").map(String.init)
        // The code span crosses a line end: both lines are cyan, the first closes with a reset.
        #expect(lines.count >= 3, "\(lines)")
        #expect(lines[0].hasSuffix("\u{1B}[0m") && lines[1].hasPrefix("\u{1B}[36m"), "\(lines)")
        #expect(colored.contains("\u{1B}[1m304"), "bold opens before 304: \(lines)")
        #expect(!colored.contains("**"), "\(lines)")
    }
}
