import KitchenSQL

/// A JSON value that keeps object keys in order.
///
/// Kitchen parses JSON itself, rather than through Foundation, for two things learners see:
/// objects print in the order they were written (`id` first), and a malformed body gets an
/// error with the exact line and column, which a 400 response passes on.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    /// Integers keep full 64-bit precision.
    case integer(Int64)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            return a.count == b.count && a.allSatisfy { pair in b.contains { $0.0 == pair.0 && $0.1 == pair.1 } }
        default:
            if let a = lhs.doubleValue, let b = rhs.doubleValue { return a == b }
            return false
        }
    }

    public subscript(key: String) -> JSONValue? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    public var doubleValue: Double? {
        switch self {
        case .number(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The value as a database value, for binding as a SQL parameter.
    public var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .bool(let value): .integer(value ? 1 : 0)
        case .integer(let value): .integer(value)
        case .number(let value): .real(value)
        case .string(let text): .text(text)
        case .array, .object: .text(serialized())
        }
    }

    /// A database value as JSON.
    public init(_ value: DatabaseValue) {
        switch value {
        case .null: self = .null
        case .integer(let number): self = .integer(number)
        case .real(let number): self = .number(number)
        case .text(let text): self = .string(text)
        // One encoding for BLOBs everywhere: see `BlobHex`.
        case .blob(let bytes): self = .string(BlobHex.string(bytes))
        }
    }
}
