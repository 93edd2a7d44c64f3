import KitchenSQL

/// `box` and `table` modes: rows in a drawn grid, numbers right-aligned, NULL marked.
///
/// Column widths need the rows first, so rows are buffered, but only a page at a time: the
/// first page fixes the widths and later pages are cut to them. That keeps memory bounded
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

    static let pageSize = 1000
    /// No column is squeezed narrower than this to fit the terminal.
    static let narrowestColumn = 6

    let characters: Characters
    let style: Style
    let terminalWidth: Int?
    let interactive: Bool

    private var headers: [Cell] = []
    private var page: [[Cell]] = []
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
        page.reserveCapacity(Self.pageSize)
    }

    mutating func row(from statement: Statement, writer: inout ByteWriter) {
        rowCount += 1
        page.append((0..<headers.count).map { index in
            let type = statement.columnType(at: index)
            guard type != .null else { return Cell(text: "NULL", width: 4, rightAligned: false, isNull: true) }
            let text = statement.withText(at: index) { bytes in
                Self.printable(String(decoding: bytes, as: UTF8.self))
            } ?? ""
            return Cell(text: text, width: DisplayWidth.of(text), rightAligned: type == .integer || type == .real, isNull: false)
        })
        if page.count >= Self.pageSize { flushPage(writer: &writer) }
    }

    mutating func end(writer: inout ByteWriter) -> [String] {
        if widths == nil || !page.isEmpty { flushPage(writer: &writer) }
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
                : "Some values were cut to the column widths of the first \(Self.pageSize) rows (…). .mode csv shows whole values.")
        }
        return notices
    }

    private mutating func flushPage(writer: inout ByteWriter) {
        if widths == nil {
            let fitted = layOut()
            widths = fitted
            writer.append(rule(fitted, characters.topLeft, characters.topMiddle, characters.topRight))
            writer.append(line(headers, fitted, header: true))
            writer.append(rule(fitted, characters.middleLeft, characters.middleMiddle, characters.middleRight))
        }
        let fixed = widths!
        for row in page {
            writer.append(line(row, fixed, header: false))
        }
        page.removeAll(keepingCapacity: true)
    }

    /// Natural widths from the first page, then squeezed to the terminal if there is one.
    private mutating func layOut() -> [Int] {
        var widths = headers.map(\.width)
        for row in page {
            for (index, cell) in row.enumerated() where cell.width > widths[index] {
                widths[index] = cell.width
            }
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
        guard text.utf8.contains(where: { $0 < 0x20 }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "↵"
            case "\t": result += "→"
            case "\r": result += ""
            case _ where scalar.value < 0x20: result += "�"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
