import KitchenSQL

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

/// JSON text for values, shared by the formatter and anything else that writes JSON by hand.
public enum JSONText {
    public static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    public static func number(_ value: Double) -> String {
        if value.isNaN { return "null" }
        if value.isInfinite { return value > 0 ? "1e999" : "-1e999" }
        return "\(value)"
    }
}
