import KitchenSQL

/// `csv` and `list` modes, byte for byte as the sqlite3 shell writes them.
struct DelimitedFormatter: ResultFormatter {
    enum Kind { case csv, list }
    let kind: Kind
    let headers: Bool
    private var columnCount = 0

    init(kind: Kind, headers: Bool) {
        self.kind = kind
        self.headers = headers
    }

    private var separator: UInt8 { kind == .csv ? .comma : .pipe }

    mutating func begin(columns: [String], writer: inout ByteWriter) {
        columnCount = columns.count
        guard headers else { return }
        for (index, name) in columns.enumerated() {
            if index > 0 { writer.append(separator) }
            var name = name
            name.withUTF8 { write(field: $0, writer: &writer) }
        }
        writer.append(.newline)
    }

    mutating func row(from statement: Statement, writer: inout ByteWriter) {
        for index in 0..<columnCount {
            if index > 0 { writer.append(separator) }
            statement.withTypedText(at: index) { type, bytes in
                switch type {
                case .null:
                    // NULL prints as the empty string, unquoted, as in the sqlite3 shell.
                    break
                case .integer, .real:
                    // SQLite's own number text never needs quotes.
                    writer.append(bytes)
                case .text:
                    write(field: bytes, writer: &writer)
                case .blob:
                    // The shell prints values as C strings, so a BLOB stops at its first zero byte.
                    write(field: UnsafeBufferPointer(rebasing: bytes[0..<(bytes.firstIndex(of: 0) ?? bytes.count)]), writer: &writer)
                }
            }
        }
        writer.append(.newline)
    }

    mutating func end(writer: inout ByteWriter) -> [String] { [] }

    private func write(field: UnsafeBufferPointer<UInt8>, writer: inout ByteWriter) {
        guard kind == .csv, Self.needsQuotes(field) else {
            writer.append(field)
            return
        }
        writer.append(.quote)
        // Copy runs between quotes, doubling each quote; most fields have none.
        var rest = field[...]
        while let quote = rest.firstIndex(of: .quote) {
            writer.append(UnsafeBufferPointer(rebasing: rest[...quote]))
            writer.append(.quote)
            rest = rest[(quote + 1)...]
        }
        writer.append(UnsafeBufferPointer(rebasing: rest))
        writer.append(.quote)
    }

    /// The sqlite3 shell quotes empty fields and any field holding a control character, space,
    /// quote, apostrophe, non-ASCII byte or the separator.
    static func needsQuotes(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        if field.isEmpty { return true }
        for byte in field {
            if byte <= 0x20 || byte == 0x22 || byte == 0x27 || byte >= 0x7F || byte == .comma { return true }
        }
        return false
    }
}
