import KitchenSQL

/// `box` and `table` modes: rows in a drawn grid, numbers right-aligned, NULL marked.
///
/// Column widths need the rows first, so rows are buffered, but only a page at a time: the
/// first page sets the widths, and a later page with wider values starts a wider box (values
/// are cut only to fit a terminal). That keeps memory bounded
/// for a million rows while the usual small result is laid out exactly.
struct GridFormatter: ResultFormatter {
    struct Characters {
        var horizontal: String, vertical: String
        var topLeft: String, topMiddle: String, topRight: String
        var middleLeft: String, middleMiddle: String, middleRight: String
        var bottomLeft: String, bottomMiddle: String, bottomRight: String

        static let box = Characters(horizontal: "─", vertical: "│", topLeft: "┌", topMiddle: "┬", topRight: "┐",
                                    middleLeft: "├", middleMiddle: "┼", middleRight: "┤",
                                    bottomLeft: "└", bottomMiddle: "┴", bottomRight: "┘")
        static let ascii = Characters(horizontal: "-", vertical: "|", topLeft: "+", topMiddle: "+", topRight: "+",
                                      middleLeft: "+", middleMiddle: "+", middleRight: "+",
                                      bottomLeft: "+", bottomMiddle: "+", bottomRight: "+")
    }

    private struct Cell {
        var text: String
        var width: Int
        var rightAligned: Bool
        var isNull: Bool
    }

    /// A cell of the current page: its display bytes live in `pageBytes`, so a row costs no
    /// allocation. `isPlainASCII` cells (printable ASCII only) have width == byte count.
    private struct PageCell {
        var start: Int
        var count: Int
        var width: Int
        var rightAligned: Bool
        var isNull: Bool
        var isPlainASCII: Bool
    }

    static let pageSize = 1000
    /// No column is squeezed narrower than this to fit the terminal.
    static let narrowestColumn = 6

    let characters: Characters
    let style: Style
    let terminalWidth: Int?
    let interactive: Bool

    private var headers: [Cell] = []
    /// The buffered page: `pageCells` row after row (`headers.count` per row), their bytes in `pageBytes`.
    private var pageCells: [PageCell] = []
    private var pageBytes: [UInt8] = []
    private var pageRows = 0
    private lazy var nullBytes: [UInt8] = Array(style.nullMarker().utf8)
    private lazy var verticalBytes: [UInt8] = Array(characters.vertical.utf8)
    private var widths: [Int]?
    /// Columns shown; the rest are hidden when the terminal is too narrow for them.
    private var shownColumns = 0
    private var valuesCut = false
    private var rowCount = 0

    init(characters: Characters, style: Style, width: Int?, interactive: Bool) {
        self.characters = characters
        self.style = style
        self.terminalWidth = width
        self.interactive = interactive
    }

    mutating func begin(columns: [String], writer: inout ByteWriter) {
        headers = columns.map { Cell(text: $0, width: DisplayWidth.of($0), rightAligned: false, isNull: false) }
        pageCells.reserveCapacity(Self.pageSize * columns.count)
        pageBytes.reserveCapacity(Self.pageSize * columns.count * 16)
    }

    mutating func row(from statement: Statement, writer: inout ByteWriter) {
        rowCount += 1
        for index in 0..<headers.count {
            let start = pageBytes.count
            var plain = true
            let type = statement.withTypedText(at: index) { type, bytes in
                guard type != .null else { return type }
                for byte in bytes where byte < 0x20 || byte >= 0x7F {
                    plain = false
                    break
                }
                if plain {
                    pageBytes.append(contentsOf: bytes)
                } else {
                    // Rare: control characters or non-ASCII text need the Unicode-aware path.
                    let text = Self.printable(String(decoding: bytes, as: UTF8.self))
                    pageBytes.append(contentsOf: text.utf8)
                }
                return type
            }
            guard type != .null else {
                pageCells.append(PageCell(start: 0, count: 0, width: style.nullMarkerWidth, rightAligned: false, isNull: true, isPlainASCII: true))
                continue
            }
            let count = pageBytes.count - start
            let width = plain ? count : DisplayWidth.of(String(decoding: pageBytes[start...], as: UTF8.self))
            pageCells.append(PageCell(start: start, count: count, width: width,
                                      rightAligned: type == .integer || type == .real, isNull: false, isPlainASCII: plain))
        }
        pageRows += 1
        if pageRows >= Self.pageSize { flushPage(writer: &writer) }
    }

    mutating func end(writer: inout ByteWriter) -> [String] {
        if widths == nil || pageRows > 0 { flushPage(writer: &writer) }
        guard let widths else { return [] }
        writer.append(rule(widths, characters.bottomLeft, characters.bottomMiddle, characters.bottomRight))
        var notices: [String] = []
        if shownColumns < headers.count {
            let hidden = headers[shownColumns...].map(\.text).joined(separator: ", ")
            notices.append("\(headers.count - shownColumns) more column(s) did not fit: \(hidden). Name fewer columns, or try .mode line.")
        }
        if valuesCut {
            notices.append(interactive
                ? "Some values were cut to fit the terminal (…). .mode line shows whole values."
                : "Some values were cut (…). .mode csv shows whole values.")
        }
        return notices
    }

    private mutating func flushPage(writer: inout ByteWriter) {
        if widths == nil {
            let fitted = layOut()
            widths = fitted
            openBox(fitted, writer: &writer)
        } else if let current = widths, let grown = grownWidths(current), grown != current {
            // A later page has wider values: rather than cut them, close this box and open a
            // wider one. Widths only grow, so this happens a few times at most.
            writer.append(rule(current, characters.bottomLeft, characters.bottomMiddle, characters.bottomRight))
            widths = grown
            openBox(grown, writer: &writer)
        }
        let fixed = widths!
        let columns = headers.count
        for row in 0..<pageRows {
            writeRow(cellsFrom: row * columns, fixed, writer: &writer)
        }
        pageCells.removeAll(keepingCapacity: true)
        pageBytes.removeAll(keepingCapacity: true)
        pageRows = 0
    }

    /// One body row straight into the writer: no String is built for a row of plain ASCII.
    private mutating func writeRow(cellsFrom first: Int, _ widths: [Int], writer: inout ByteWriter) {
        verticalBytes.withUnsafeBufferPointer { writer.append($0) }
        for (index, width) in widths.enumerated() {
            let cell = pageCells[first + index]
            writer.append(UInt8(ascii: " "))
            if cell.isNull {
                nullBytes.withUnsafeBufferPointer { writer.append($0) }
                writer.append(repeating: UInt8(ascii: " "), count: width - cell.width)
            } else if cell.width <= width {
                let padding = width - cell.width
                if cell.rightAligned { writer.append(repeating: UInt8(ascii: " "), count: padding) }
                pageBytes.withUnsafeBufferPointer { writer.append(UnsafeBufferPointer(rebasing: $0[cell.start..<cell.start + cell.count])) }
                if !cell.rightAligned { writer.append(repeating: UInt8(ascii: " "), count: padding) }
            } else {
                valuesCut = true
                if cell.isPlainASCII {
                    // width - 1 ASCII bytes and "…" fill the column exactly.
                    if width > 0 {
                        pageBytes.withUnsafeBufferPointer { writer.append(UnsafeBufferPointer(rebasing: $0[cell.start..<cell.start + width - 1])) }
                        writer.append("…")
                    }
                } else {
                    let text = DisplayWidth.truncate(String(decoding: pageBytes[cell.start..<cell.start + cell.count], as: UTF8.self), to: width).text
                    let padding = String(repeating: " ", count: width - DisplayWidth.of(text))
                    writer.append(cell.rightAligned ? padding + text : text + padding)
                }
            }
            writer.append(UInt8(ascii: " "))
            verticalBytes.withUnsafeBufferPointer { writer.append($0) }
        }
        writer.append(UInt8.newline)
    }

    private mutating func openBox(_ widths: [Int], writer: inout ByteWriter) {
        writer.append(rule(widths, characters.topLeft, characters.topMiddle, characters.topRight))
        writer.append(line(headers, widths, header: true))
        writer.append(rule(widths, characters.middleLeft, characters.middleMiddle, characters.middleRight))
    }

    /// The current widths grown to fit this page, when the result still fits the terminal.
    private func grownWidths(_ current: [Int]) -> [Int]? {
        var grown = current
        let columns = headers.count
        for (position, cell) in pageCells.enumerated() {
            let column = position % columns
            if column < grown.count, cell.width > grown[column] { grown[column] = cell.width }
        }
        if let available = terminalWidth, grown.reduce(0, +) + 3 * grown.count + 1 > available { return nil }
        return grown
    }

    /// Natural widths from the first page, then squeezed to the terminal if there is one.
    private mutating func layOut() -> [Int] {
        var widths = headers.map(\.width)
        for (position, cell) in pageCells.enumerated() where cell.width > widths[position % widths.count] {
            widths[position % widths.count] = cell.width
        }
        shownColumns = widths.count
        guard let available = terminalWidth else { return widths }
        func total(_ count: Int) -> Int { widths.prefix(count).reduce(0, +) + 3 * count + 1 }
        // Shrink the widest column a column at a time, the way a reader would want it.
        while total(shownColumns) > available {
            guard let widest = widths.prefix(shownColumns).indices.max(by: { widths[$0] < widths[$1] }),
                  widths[widest] > Self.narrowestColumn else { break }
            widths[widest] -= 1
        }
        while shownColumns > 1, total(shownColumns) > available {
            shownColumns -= 1
        }
        return Array(widths.prefix(shownColumns))
    }

    private func rule(_ widths: [Int], _ left: String, _ middle: String, _ right: String) -> String {
        var text = left
        for (index, width) in widths.enumerated() {
            if index > 0 { text += middle }
            text += String(repeating: characters.horizontal, count: width + 2)
        }
        return text + right + "\n"
    }

    private mutating func line(_ cells: [Cell], _ widths: [Int], header: Bool) -> String {
        var text = characters.vertical
        for (index, width) in widths.enumerated() {
            var cell = cells[index]
            if cell.width > width {
                let cut = DisplayWidth.truncate(cell.text, to: width)
                cell.text = cut.text
                cell.width = DisplayWidth.of(cut.text)
                valuesCut = true
            }
            let padding = String(repeating: " ", count: width - cell.width)
            let shown = cell.isNull ? style.nullMarker() : (header ? style.bold(cell.text) : cell.text)
            text += " " + (cell.rightAligned ? padding + shown : shown + padding) + " " + characters.vertical
        }
        return text + "\n"
    }

    /// Control characters would break the grid; show them as visible symbols instead.
    private static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { TerminalText.needsEscape($0, singleLine: true) }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "↵"
            case "\t": result += "→"
            case "\r": result += ""
            // One cell wide, so the grid keeps its shape; the other modes show TerminalText's escapes.
            case _ where TerminalText.needsEscape(scalar, singleLine: true): result += "�"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
