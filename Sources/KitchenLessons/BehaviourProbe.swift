import KitchenSQL
import Yams

/// A statement a step runs after the learner's answer to test what the database *does*: it must
/// be refused with a given kind of error, or it must succeed. Comparing SQL text cannot tell a
/// real `CHECK (party_size > 0)` from one inside a comment; inserting a party of 0 can.
///
/// Each probe runs on the database the answer left, inside a savepoint rolled back afterwards,
/// so probes do not see each other's rows. Probes are lesson SQL: they run under the sandbox.
public struct BehaviourProbe: Sendable {
    public var sql: String
    /// The error class the statement must fail with (`SQLErrorClass.names`); nil: it must succeed.
    public var error: String?
    /// The author's words for a learner whose database gets this probe wrong.
    public var message: String?
    public var line: Int

    public init(sql: String, error: String?, message: String? = nil, line: Int = 0) {
        self.sql = sql
        self.error = error
        self.message = message
        self.line = line
    }

    /// What the probe expects, in words: "must fail with a CHECK error" or "must succeed".
    var expectation: String {
        error.map { "must be refused with a \($0) error" } ?? "must succeed"
    }

    /// The learner's explanation of a mismatch: what should have happened, what did, the
    /// statement, and the author's message.
    func explanation(_ reason: String) -> [String] {
        let shown = "  " + sql.oneLine
        return ["After your statements, this statement \(expectation), but \(reason):", shown] + (message.map { [$0] } ?? [])
    }

    /// Nil when the database behaves as expected; otherwise what it did instead, in a few words.
    public func mismatch(on database: Connection) -> String? {
        var outcome: DatabaseError?
        do {
            try database.execute("SAVEPOINT kitchen_probe")
        } catch {
            return "the probe could not start (\(error))"
        }
        do {
            try database.execute(sql)
        } catch let error as DatabaseError {
            outcome = error
        } catch {
            outcome = DatabaseError(extendedCode: 1, message: "\(error)")
        }
        _ = try? database.execute("ROLLBACK TO kitchen_probe")
        _ = try? database.execute("RELEASE kitchen_probe")
        switch (error, outcome) {
        case (nil, nil):
            return nil
        case (nil, let failure?):
            return "the database refused it (\(failure.message))"
        case (_?, nil):
            return "the database accepted it"
        case (let wanted?, let failure?):
            return SQLErrorClass.matches(wanted, failure) ? nil : "it failed with another error (\(failure.message))"
        }
    }

    static func parse(_ node: Node, file: String, step: String) throws -> BehaviourProbe {
        let entry = try YAMLReader(node, file: file, what: "a probe")
        try entry.checkKeys(allowed: ["sql", "error", "message"], what: "a probe")
        let sql = try entry.nonEmptyString("sql", in: "a probe of step '\(step)'")
        let error = try entry.choice("error", SQLErrorClass.names)
        return BehaviourProbe(sql: sql, error: error, message: try entry.optionalString("message"), line: entry.line)
    }
}

/// The kinds of error an `sql-error` step or a probe can ask for, and how a database error is
/// recognised as one of them.
public enum SQLErrorClass {
    public static let names = ["CHECK", "UNIQUE", "NOT NULL", "FOREIGN KEY", "PRIMARY KEY", "DATATYPE", "syntax", "no such table", "no such column"]

    static func matches(_ name: String, _ error: DatabaseError) -> Bool {
        switch name {
        case "syntax":
            return error.message.contains("syntax error") || error.message == "incomplete input" || error.message.hasPrefix("unrecognized token")
        case "no such table", "no such column":
            return error.message.hasPrefix(name)
        default:
            return error.constraintKind == name
        }
    }
}
