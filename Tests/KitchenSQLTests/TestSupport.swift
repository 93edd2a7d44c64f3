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
