/// Renders the Markdown subset lessons use (headings, **bold**, `code`, fenced code blocks,
/// `-` lists) for a terminal, wrapped to a readable width.
public struct MarkdownTerminal {
    public var color: Bool
    public var width: Int

    public init(color: Bool, width: Int) {
        self.color = color
        // Narrow windows get narrow paragraphs; wide ones stop at a readable 80 columns.
        self.width = max(10, min(width, 80))
    }

    var style: Style { Style(enabled: color) }

    public func render(_ markdown: String) -> String {
        var blocks = MarkdownBlocks(renderer: self)
        // Lesson files are text from outside, like the network.
        for line in markdown.terminalSafe.split(separator: "\n", omittingEmptySubsequences: false) {
            blocks.read(String(line))
        }
        return blocks.finished()
    }

    /// Word-wraps plain text (measuring without markup), then styles each line.
    func wrap(_ text: String, indent: String, hanging: String) -> [String] {
        var lines: [String] = []
        var current = indent
        var currentWidth = DisplayWidth.of(indent)
        var empty = true
        for word in text.split(separator: " ") {
            let plain = String(word).replacing("**", with: "").replacing("`", with: "")
            let wordWidth = DisplayWidth.of(plain)
            if !empty && currentWidth + 1 + wordWidth > width {
                lines.append(current)
                current = hanging
                currentWidth = DisplayWidth.of(hanging)
                empty = true
            }
            current += (empty ? "" : " ") + word
            currentWidth += (empty ? 0 : 1) + wordWidth
            empty = false
        }
        if !empty { lines.append(current) }
        var spans = InlineSpans()
        return lines.map { inline($0, continuing: &spans) }
    }

    /// Which spans are open where a wrapped line ends.
    struct InlineSpans {
        var code = false
        var bold = false
    }

    /// `code` and **bold** spans in one line of text.
    public func inline(_ text: String) -> String {
        var spans = InlineSpans()
        return inline(text, continuing: &spans)
    }

    /// `code` and **bold** spans in one of a paragraph's wrapped lines. A span may cross a line end:
    /// `spans` carries what is open from line to line, so a backtick or `**` on the next line closes
    /// it rather than opening another; in colour each line ends with its styles reset and the next
    /// one reopens them (a terminal line stays self-contained).
    func inline(_ text: String, continuing spans: inout InlineSpans) -> String {
        var result = ""
        if color && spans.code { result += "\u{1B}[36m" }
        if color && spans.bold { result += "\u{1B}[1m" }
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "`" {
                spans.code.toggle()
                result += color ? (spans.code ? "\u{1B}[36m" : "\u{1B}[39m") : ""
                index = text.index(after: index)
                continue
            }
            if !spans.code, character == "*", text[index...].hasPrefix("**") {
                spans.bold.toggle()
                result += color ? (spans.bold ? "\u{1B}[1m" : "\u{1B}[22m") : ""
                index = text.index(index, offsetBy: 2)
                continue
            }
            result.append(character)
            index = text.index(after: index)
        }
        if color && (spans.code || spans.bold) { result += "\u{1B}[0m" }
        return result
    }
}

/// The blocks of a lesson text, laid out as its lines are read: code fences, headings, list items
/// and paragraphs (joined and reflowed to the width, whatever the line breaks in the file).
private struct MarkdownBlocks {
    let renderer: MarkdownTerminal
    var output: [String] = []
    var paragraph: [String] = []
    var inCode = false
    /// A list item being collected.
    var item: ListItem?

    struct ListItem {
        /// The marker line's start (`  • `, `  2. `) and the indent of its wrapped lines.
        var indent: String
        var hanging: String
        var text: String
    }

    init(renderer: MarkdownTerminal) { self.renderer = renderer }

    mutating func read(_ line: String) {
        let trimmed = line.trimmingSpaces()
        if trimmed.hasPrefix("```") {
            flushParagraph()
            inCode.toggle()
        } else if inCode {
            output.append("    " + renderer.style.cyan(line))
        } else if trimmed.isEmpty {
            flushParagraph()
            if output.last != "" { output.append("") }
        } else if trimmed.hasPrefix("#") {
            flushParagraph()
            let title = String(trimmed.drop { $0 == "#" }).trimmingSpaces()
            output.append(renderer.style.apply("1;4", renderer.inline(title)))
        } else if let newItem = Self.listItem(trimmed) {
            flushParagraph()
            item = newItem
        } else if item != nil && line.first == " " {
            // An indented line right after a list item continues that item.
            item!.text += " " + trimmed
        } else {
            // A line ending a list goes on as a paragraph.
            if item != nil { flushParagraph() }
            paragraph.append(trimmed)
        }
    }

    /// `- text`, `* text` or `12. text`.
    static func listItem(_ trimmed: String) -> ListItem? {
        if trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") {
            return ListItem(indent: "  • ", hanging: "    ", text: String(trimmed.dropFirst(2)))
        }
        guard let dot = trimmed.firstIndex(of: "."), trimmed[..<dot].allSatisfy(\.isNumber), !trimmed[..<dot].isEmpty,
              trimmed[trimmed.index(after: dot)...].hasPrefix(" ") else { return nil }
        let number = String(trimmed[..<dot])
        return ListItem(indent: "  \(number). ", hanging: String(repeating: " ", count: number.count + 4),
                        text: String(trimmed[trimmed.index(dot, offsetBy: 2)...]))
    }

    mutating func flushParagraph() {
        if let current = item {
            output += renderer.wrap(current.text, indent: current.indent, hanging: current.hanging)
            item = nil
        }
        guard !paragraph.isEmpty else { return }
        output += renderer.wrap(paragraph.joined(separator: " "), indent: "", hanging: "")
        paragraph = []
    }

    mutating func finished() -> String {
        flushParagraph()
        while output.last == "" { output.removeLast() }
        return output.joined(separator: "\n")
    }
}
