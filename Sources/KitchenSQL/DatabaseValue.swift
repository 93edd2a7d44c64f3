/// One SQLite value, one case per storage class.
///
/// See <https://www.sqlite.org/datatype3.html>.
public enum DatabaseValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The storage class name as SQLite's `typeof()` spells it.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .integer: "integer"
        case .real: "real"
        case .text: "text"
        case .blob: "blob"
        }
    }

    /// The value as text, the way `sqlite3_column_text` would convert it.
    public var textValue: String? {
        switch self {
        case .null: nil
        case .integer(let value): String(value)
        case .real(let value): SQLiteNumberFormat.format(value)
        case .text(let value): value
        case .blob(let bytes): String(decoding: bytes, as: UTF8.self)
        }
    }

    /// A SQL literal that evaluates back to this value.
    public var sqlLiteral: String {
        switch self {
        case .null: "NULL"
        case .integer(let value): String(value)
        // Swift's shortest round-trip digits, so the literal evaluates back to exactly this value.
        case .real(let value): value.isFinite ? "\(value)" : (value > 0 ? "9e999" : "-9e999")
        case .text(let value): "'" + value.replacing("'", with: "''") + "'"
        case .blob(let bytes): "X'" + bytes.map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return hex.count == 1 ? "0" + hex : hex
        }.joined() + "'"
        }
    }
}

extension DatabaseValue: CustomStringConvertible {
    public var description: String { textValue ?? "NULL" }
}

extension DatabaseValue: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, ExpressibleByFloatLiteral, ExpressibleByNilLiteral {
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
    public init(nilLiteral: ()) { self = .null }
}
