/// A sink in front of the terminal that breaks lines wider than the terminal at spaces, so the
/// terminal never cuts a word in two ("an u / nclosed parenthesis").
///
/// The width is read for every line (`width` asks the terminal), so a resized window is honoured
/// from the next line on. Continuation lines keep the line's indent (and a list marker's hanging
/// indent). A word longer than the whole width, and a line indented by four spaces (code), are left
/// for the terminal to fold. Data (query
/// results, response bodies) is written `verbatim`: breaking it would change what is copied.
public final class WordWrappingOutput: OutputSink {
    private let sink: any OutputSink
    private let width: () -> Int?
    private var partial: [UInt8] = []
    private var verbatimDepth = 0

    public init(_ sink: any OutputSink, width: @escaping () -> Int?) {
        self.sink = sink
        self.width = width
    }

    public func write(_ bytes: UnsafeRawBufferPointer) {
        if verbatimDepth > 0 {
            sink.write(bytes)
            return
        }
        var start = 0
        let columns = width()
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            partial.append(contentsOf: bytes[start...index])
            emit(String(decoding: partial, as: UTF8.self), width: columns)
            partial.removeAll(keepingCapacity: true)
            start = index + 1
        }
        if start < bytes.count { partial.append(contentsOf: bytes[start...]) }
    }

    public func flush() {
        if !partial.isEmpty {
            emit(String(decoding: partial, as: UTF8.self), width: width())
            partial.removeAll(keepingCapacity: true)
        }
        sink.flush()
    }

    public func verbatim<T>(_ body: () throws -> T) rethrows -> T {
        flush()
        verbatimDepth += 1
        defer { verbatimDepth -= 1 }
        return try body()
    }

    private func emit(_ text: String, width: Int?) {
        let wrapped = width.map { Self.wrap(text, width: $0) } ?? text
        sink.write(wrapped)
    }

    /// `text` (one line, maybe ending in a newline) broken at spaces into lines of at most
    /// `width` columns; ANSI colour codes take no room.
    public static func wrap(_ text: String, width: Int) -> String {
        let hasNewline = text.hasSuffix("\n")
        let line = hasNewline ? String(text.dropLast()) : text
        guard width > 0, visibleWidth(line) > width else { return text }
        let characters = Array(line)
        // Indented by four spaces or more: code (as in Markdown), kept as written.
        if characters.prefix(4).allSatisfy({ $0 == " " }) && characters.count >= 4 { return text }
        let indentCount = continuationIndent(characters, width: width)
        let leading = characters.prefix { $0 == " " }.count
        let (pieces, trailingGap) = words(characters, from: leading)

        var output = ""
        var current = String(repeating: " ", count: leading)
        var currentWidth = leading
        var hasWord = false
        for piece in pieces {
            if hasWord && currentWidth + piece.gap + piece.width > width {
                output += current + "\n"
                current = String(repeating: " ", count: indentCount) + piece.word
                currentWidth = indentCount + piece.width
            } else {
                current += String(repeating: " ", count: piece.gap) + piece.word
                currentWidth += piece.gap + piece.width
            }
            hasWord = true
        }
        output += current + (output.isEmpty ? String(repeating: " ", count: trailingGap) : "")
        return output + (hasNewline ? "\n" : "")
    }

    /// The indent of continuation lines: the line's own, plus a list marker's (`• `, `- `, `12. `);
    /// none when that would take more than half the width.
    static func continuationIndent(_ characters: [Character], width: Int) -> Int {
        var indentCount = characters.prefix { $0 == " " }.count
        let afterIndent = String(characters[indentCount...].prefix(4))
        if afterIndent.hasPrefix("• ") || afterIndent.hasPrefix("- ") || afterIndent.hasPrefix("* ") {
            indentCount += 2
        } else if let dot = afterIndent.firstIndex(of: "."), afterIndent[..<dot].allSatisfy(\.isNumber), !afterIndent[..<dot].isEmpty,
                  afterIndent[afterIndent.index(after: dot)...].hasPrefix(" ") {
            indentCount += afterIndent.distance(from: afterIndent.startIndex, to: dot) + 2
        }
        return indentCount > width / 2 ? 0 : indentCount
    }

    /// The words from `start` on, each with the run of spaces before it and its display width
    /// (colour codes stay inside the words and take no room), and the spaces after the last word.
    static func words(_ characters: [Character], from start: Int) -> (pieces: [(gap: Int, word: String, width: Int)], trailingGap: Int) {
        var pieces: [(gap: Int, word: String, width: Int)] = []
        var gap = 0
        var word = ""
        var wordWidth = 0
        var index = start
        while index < characters.count {
            let character = characters[index]
            if character == " " {
                if !word.isEmpty {
                    pieces.append((gap, word, wordWidth))
                    gap = 0; word = ""; wordWidth = 0
                }
                gap += 1
                index += 1
                continue
            }
            if character == "\u{1B}" {
                var end = index + 1
                if end < characters.count && characters[end] == "[" {
                    end += 1
                    while end < characters.count && !characters[end].isLetter { end += 1 }
                    end += 1
                }
                word += String(characters[index..<min(end, characters.count)])
                index = end
                continue
            }
            word.append(character)
            wordWidth += DisplayWidth.of(String(character))
            index += 1
        }
        if !word.isEmpty { pieces.append((gap, word, wordWidth)); gap = 0 }
        return (pieces, gap)
    }

    static func visibleWidth(_ text: String) -> Int {
        guard text.utf8.contains(0x1B) else { return DisplayWidth.of(text) }
        var width = 0
        var inEscape = false
        for character in text {
            if inEscape {
                if character.isLetter { inEscape = false }
                continue
            }
            if character == "\u{1B}" { inEscape = true; continue }
            width += DisplayWidth.of(String(character))
        }
        return width
    }
}

extension OutputSink {
    /// Runs `body` with the sink's writes passed through untouched (no word wrapping).
    public func verbatim<T>(_ body: () throws -> T) rethrows -> T {
        if let wrapping = self as? WordWrappingOutput { return try wrapping.verbatim(body) }
        return try body()
    }
}
