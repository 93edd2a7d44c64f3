import KitchenSQL
import KitchenSupport

/// `json` mode: an array of objects, one per row, equal as parsed JSON to `sqlite3 -json`.
struct JSONFormatter: ResultFormatter {
    private var keys: [String] = []
    private var rowCount = 0

    mutating func begin(columns: [String], writer: inout ByteWriter) {
        keys = columns.map { JSONText.quoted($0) + ":" }
    }

    mutating func row(from statement: Statement, writer: inout ByteWriter) {
        writer.append(rowCount == 0 ? "[{" : ",\n{")
        rowCount += 1
        for (index, key) in keys.enumerated() {
            if index > 0 { writer.append(.comma) }
            writer.append(key)
            switch statement.columnType(at: index) {
            case .null:
                writer.append("null")
            case .integer:
                _ = statement.withText(at: index) { writer.append($0) }
            case .real:
                writer.append(JSONText.number(statement.double(at: index)))
            case .text:
                _ = statement.withText(at: index) { bytes in
                    writer.append(JSONText.quoted(String(decoding: bytes, as: UTF8.self)))
                }
            case .blob:
                // One encoding for BLOBs everywhere, the server's too: see `BlobHex`.
                var hex: [UInt8] = [UInt8(ascii: "\"")]
                statement.withBlob(at: index) { BlobHex.append($0, to: &hex) }
                hex.append(UInt8(ascii: "\""))
                hex.withUnsafeBufferPointer { writer.append($0) }
            }
        }
        writer.append(.init(ascii: "}"))
    }

    mutating func end(writer: inout ByteWriter) -> [String] {
        if rowCount > 0 { writer.append("]\n") }
        return []
    }
}
