/// An error from SQLite or from Kitchen's sandbox, with enough context to explain it.
///
/// Mirrors SQLite's own reporting: the extended result code, the message, the SQL
/// and the byte offset of the offending token within that SQL (when SQLite knows it).
public struct DatabaseError: Error, Sendable, Equatable {
    /// Why the sandbox stopped a statement, when it was Kitchen rather than SQLite's grammar.
    public enum SandboxReason: Sendable, Equatable {
        /// The statement ran past the time limit.
        case timeLimit(seconds: Double)
        /// The learner pressed Ctrl-C.
        case interrupted
        /// The authorizer refused an action; `what` names it, `why` explains.
        case refused(what: String, why: String)
        /// The memory cap was reached.
        case memoryLimit(bytes: Int64)
    }

    /// The extended result code, e.g. 2067 for SQLITE_CONSTRAINT_UNIQUE.
    public var extendedCode: Int32
    public var message: String
    /// The SQL of the statement that failed, when there was one.
    public var sql: String?
    /// UTF-8 byte offset of the offending token within `sql`.
    public var offset: Int?
    public var sandboxReason: SandboxReason?
    /// UTF-8 byte offset of the failed statement within the whole input it came from
    /// (several statements typed on one line), when it came from such input.
    public var inputOffset: Int?

    public init(extendedCode: Int32, message: String, sql: String? = nil, offset: Int? = nil, sandboxReason: SandboxReason? = nil) {
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
        self.offset = offset
        self.sandboxReason = sandboxReason
    }

    /// The primary result code (the low byte of the extended one).
    public var code: ResultCode { ResultCode(rawValue: extendedCode & 0xFF) }

    /// The primary result code's name, as SQLite spells it (`SQLITE_CONSTRAINT`).
    public var codeName: String { code.name }

    /// The extended code's name for constraint failures, the ones lessons grade on.
    public var constraintKind: String? {
        guard code == .constraint else { return nil }
        return switch extendedCode {
        case 275: "CHECK"
        case 787: "FOREIGN KEY"
        case 1299: "NOT NULL"
        case 1555: "PRIMARY KEY"
        case 2067: "UNIQUE"
        case 3091: "DATATYPE"
        case 531: "COMMITHOOK"
        case 1043: "FUNCTION"
        case 1811: "TRIGGER"
        case 2323: "ROWID"
        default: "CONSTRAINT"
        }
    }
}

extension DatabaseError: CustomStringConvertible {
    /// What a developer needs in a log, as GRDB writes it: the code, the message, the SQL and
    /// where in it the error is, e.g.
    /// `SQLite error 1 (SQLITE_ERROR): no such table: dishes, in `SELECT * FROM dishes` at byte 14`.
    /// Learners are shown `message` (with an explanation), not this.
    public var description: String {
        var text = "SQLite error \(extendedCode) (\(codeName)): \(message)"
        if let sql, !sql.isEmpty {
            text += ", in `\(sql)`"
            if let offset { text += " at byte \(offset)" }
        }
        return text
    }
}

/// A primary SQLite result code. See <https://www.sqlite.org/rescode.html>.
public struct ResultCode: RawRepresentable, Sendable, Hashable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let ok = ResultCode(rawValue: 0)
    public static let error = ResultCode(rawValue: 1)
    public static let `internal` = ResultCode(rawValue: 2)
    public static let perm = ResultCode(rawValue: 3)
    public static let abort = ResultCode(rawValue: 4)
    public static let busy = ResultCode(rawValue: 5)
    public static let locked = ResultCode(rawValue: 6)
    public static let nomem = ResultCode(rawValue: 7)
    public static let readonly = ResultCode(rawValue: 8)
    public static let interrupt = ResultCode(rawValue: 9)
    public static let ioerr = ResultCode(rawValue: 10)
    public static let corrupt = ResultCode(rawValue: 11)
    public static let full = ResultCode(rawValue: 13)
    public static let cantopen = ResultCode(rawValue: 14)
    public static let schema = ResultCode(rawValue: 17)
    public static let toobig = ResultCode(rawValue: 18)
    public static let constraint = ResultCode(rawValue: 19)
    public static let mismatch = ResultCode(rawValue: 20)
    public static let misuse = ResultCode(rawValue: 21)
    public static let auth = ResultCode(rawValue: 23)
    public static let range = ResultCode(rawValue: 25)
    public static let notadb = ResultCode(rawValue: 26)

    public var name: String {
        let names: [Int32: String] = [
            0: "SQLITE_OK", 1: "SQLITE_ERROR", 2: "SQLITE_INTERNAL", 3: "SQLITE_PERM", 4: "SQLITE_ABORT",
            5: "SQLITE_BUSY", 6: "SQLITE_LOCKED", 7: "SQLITE_NOMEM", 8: "SQLITE_READONLY", 9: "SQLITE_INTERRUPT",
            10: "SQLITE_IOERR", 11: "SQLITE_CORRUPT", 13: "SQLITE_FULL", 14: "SQLITE_CANTOPEN",
            17: "SQLITE_SCHEMA", 18: "SQLITE_TOOBIG", 19: "SQLITE_CONSTRAINT", 20: "SQLITE_MISMATCH",
            21: "SQLITE_MISUSE", 23: "SQLITE_AUTH", 25: "SQLITE_RANGE", 26: "SQLITE_NOTADB",
        ]
        return names[rawValue] ?? "SQLITE_\(rawValue)"
    }
}
