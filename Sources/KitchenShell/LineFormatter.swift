import KitchenSQL

/// `line` mode: one `column = value` line per column, a blank line between rows.
struct LineFormatter: ResultFormatter {
    private var labels: [String] = []
    private var rowCount = 0

    mutating func begin(columns: [String], writer: inout ByteWriter) {
        let width = max(5, columns.map(DisplayWidth.of).max() ?? 0)
        labels = columns.map { String(repeating: " ", count: width - DisplayWidth.of($0)) + $0 + " = " }
    }

    mutating func row(from statement: Statement, writer: inout ByteWriter) {
        if rowCount > 0 { writer.append(.newline) }
        rowCount += 1
        for (index, label) in labels.enumerated() {
            writer.append(label)
            _ = statement.withText(at: index) { writer.append($0) }
            writer.append(.newline)
        }
    }

    mutating func end(writer: inout ByteWriter) -> [String] { [] }
}
