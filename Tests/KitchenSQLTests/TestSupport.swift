import Testing
import Foundation
@testable import KitchenSQL

/// A fresh, empty folder for one test; removed when the value is dropped by the caller via `remove()`.
struct TemporaryFolder {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path
        path = base + "/kitchen-sql-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs `sql` and returns the error it throws, or nil when it succeeds.
func failure(of sql: String, on connection: Connection) -> DatabaseError? {
    do {
        try connection.execute(sql)
        return nil
    } catch let error as DatabaseError {
        return error
    } catch {
        return DatabaseError(extendedCode: -1, message: "unexpected error type: \(error)")
    }
}

/// The single value of a one-row, one-column query.
func scalar(_ sql: String, on connection: Connection, arguments: [DatabaseValue] = []) throws -> DatabaseValue? {
    try connection.fetchAll(sql, arguments: arguments).first?.first
}

/// Monotonic seconds, for timing statements.
func monotonicSeconds() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1_000_000_000
}

/// `Connection.inMemory(copying:)` and `restore(from:)` fail today: `sqlite3_deserialize` runs
/// `ATTACH x AS "main"` internally, the sandbox's authorizer refuses it (the file name is not a
/// string literal), and the call throws "ATTACH is not allowed here". Runs `body` as a known
/// issue and returns its result when it works; when the bug is fixed, the unmet known issue
/// fails the test so this wrapper can be removed.
func expectingDeserializeBug<T>(_ body: () throws -> T) -> T? {
    var result: T?
    withKnownIssue("sqlite3_deserialize's internal ATTACH is refused by the sandbox authorizer (Connection.restore lacks trusted {})") {
        result = try body()
    }
    return result
}
