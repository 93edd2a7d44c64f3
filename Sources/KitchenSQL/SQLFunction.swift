import CSQLite
import Synchronization

/// A Swift function callable from SQL. Boxed so SQLite can hand it back through user data.
final class SQLFunctionBox {
    let body: ([DatabaseValue]) throws -> DatabaseValue
    init(_ body: @escaping ([DatabaseValue]) throws -> DatabaseValue) { self.body = body }
}

/// An error a SQL function reports; SQLite shows `message` as the statement's error.
public struct SQLFunctionError: Error, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// SQL functions every connection of the process gets (bcrypt, added by the server module), so the
/// prompt, the server and the graders' copies all understand the same SQL.
public enum ConnectionFunctions {
    public typealias Installer = @Sendable (Connection) throws -> Void
    private static let registered = Mutex<[Installer]>([])

    /// Adds functions to every connection opened from now on.
    public static func register(_ installer: @escaping Installer) {
        registered.withLock { $0.append(installer) }
    }

    static func installers() -> [Installer] {
        registered.withLock { $0 }
    }
}

extension Connection {
    /// Adds a SQL function (`sqlite3_create_function_v2`). `arguments` is the exact argument count.
    ///
    /// See <https://www.sqlite.org/c3ref/create_function.html>.
    public func createFunction(_ name: String, arguments: Int, deterministic: Bool = false, _ body: @escaping ([DatabaseValue]) throws -> DatabaseValue) throws {
        let box = Unmanaged.passRetained(SQLFunctionBox(body)).toOpaque()
        let flags = SQLITE_UTF8 | (deterministic ? SQLITE_DETERMINISTIC : 0)
        let status = sqlite3_create_function_v2(handle, name, Int32(arguments), flags, box, { context, count, values in
            let box = Unmanaged<SQLFunctionBox>.fromOpaque(sqlite3_user_data(context)!).takeUnretainedValue()
            var arguments: [DatabaseValue] = []
            for index in 0..<Int(count) {
                arguments.append(values![index].map(DatabaseValue.init(argument:)) ?? .null)
            }
            do {
                switch try box.body(arguments) {
                case .null: sqlite3_result_null(context)
                case .integer(let number): sqlite3_result_int64(context, number)
                case .real(let number): sqlite3_result_double(context, number)
                // The byte count, not -1, so a result holding a NUL character comes back whole.
                case .text(let text): text.utf8CString.withUnsafeBufferPointer {
                    sqlite3_result_text(context, $0.baseAddress, Int32($0.count - 1), kitchen_sqlite_transient())
                }
                case .blob(let bytes): bytes.withUnsafeBytes { sqlite3_result_blob(context, $0.baseAddress, Int32($0.count), kitchen_sqlite_transient()) }
                }
            } catch let error as SQLFunctionError {
                sqlite3_result_error(context, error.message, -1)
            } catch {
                sqlite3_result_error(context, "\(error)", -1)
            }
        }, nil, nil, { box in
            if let box { Unmanaged<SQLFunctionBox>.fromOpaque(box).release() }
        })
        guard status == SQLITE_OK else { throw makeError(status) }
    }
}
