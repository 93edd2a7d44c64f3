import CSQLite

extension DatabaseValue {
    /// The one conversion from a value SQLite hands out — a result column or a SQL function's
    /// argument — to a `DatabaseValue`. Text and blobs are read by their byte count, so text
    /// with a NUL byte inside comes back whole, wherever it came from.
    ///
    /// See <https://www.sqlite.org/c3ref/column_blob.html> and
    /// <https://www.sqlite.org/c3ref/value_blob.html>.
    init(storageClass: Int32, integer: () -> Int64, real: () -> Double,
         text: () -> UnsafePointer<UInt8>?, blob: () -> UnsafeRawPointer?, byteCount: () -> Int32) {
        switch storageClass {
        case SQLITE_INTEGER:
            self = .integer(integer())
        case SQLITE_FLOAT:
            self = .real(real())
        case SQLITE_TEXT:
            // The pointer first, then the count: SQLite's documented order.
            guard let pointer = text() else { self = .text(""); return }
            self = .text(String(decoding: UnsafeBufferPointer(start: pointer, count: Int(byteCount())), as: UTF8.self))
        case SQLITE_BLOB:
            let pointer = blob()
            let count = Int(byteCount())
            guard count > 0, let pointer else { self = .blob([]); return }
            self = .blob(Array(UnsafeRawBufferPointer(start: pointer, count: count)))
        default:
            self = .null
        }
    }

    /// Column `column` of the current row of a prepared statement.
    init(statement: OpaquePointer, column: Int32) {
        self.init(storageClass: sqlite3_column_type(statement, column),
                  integer: { sqlite3_column_int64(statement, column) },
                  real: { sqlite3_column_double(statement, column) },
                  text: { sqlite3_column_text(statement, column) },
                  blob: { sqlite3_column_blob(statement, column) },
                  byteCount: { sqlite3_column_bytes(statement, column) })
    }

    /// An argument of a SQL function (a protected `sqlite3_value`).
    init(argument value: OpaquePointer) {
        self.init(storageClass: sqlite3_value_type(value),
                  integer: { sqlite3_value_int64(value) },
                  real: { sqlite3_value_double(value) },
                  text: { sqlite3_value_text(value) },
                  blob: { sqlite3_value_blob(value) },
                  byteCount: { sqlite3_value_bytes(value) })
    }
}
