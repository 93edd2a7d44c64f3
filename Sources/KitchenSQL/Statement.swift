import CSQLite

/// One prepared statement. It owns its `sqlite3_stmt`: prepared in `init`, finalized in `deinit`.
public final class Statement {
    @usableFromInline let handle: OpaquePointer
    /// The connection stays alive as long as its statements do, except the statements in its own
    /// cache (`fetchAllCached`): the connection owns those, and a strong reference back from them
    /// was a cycle that kept every connection that ever used the cache (and its database file,
    /// descriptors and WAL) open until the process ended.
    public unowned let connection: Connection
    /// The strong reference that keeps `connection` alive; nil for a statement in its cache.
    var keptConnection: Connection?
    /// This statement's SQL text, without leading white space.
    public let sql: String
    /// UTF-8 byte offset of `sql` within the input it was prepared from.
    public let offset: Int
    private var started = false

    init(handle: OpaquePointer, connection: Connection, sql: String, offset: Int) {
        self.handle = handle
        self.connection = connection
        self.keptConnection = connection
        self.sql = sql
        self.offset = offset
    }

    deinit {
        sqlite3_finalize(handle)
    }

    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    public var columnNames: [String] {
        (0..<columnCount).map { String(cString: sqlite3_column_name(handle, Int32($0))) }
    }

    /// The declared type of a result column that comes straight from a table column.
    public func declaredType(at index: Int) -> String? {
        sqlite3_column_decltype(handle, Int32(index)).map { String(cString: $0) }
    }

    /// True when the statement cannot change the database (`sqlite3_stmt_readonly`).
    public var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    /// 0 for an ordinary statement, 1 for EXPLAIN, 2 for EXPLAIN QUERY PLAN.
    public var explainMode: Int { Int(sqlite3_stmt_isexplain(handle)) }

    /// Advances to the next row; false when the statement is done.
    @discardableResult
    public func step() throws -> Bool {
        let sandbox = connection.sandbox
        if !started {
            started = true
            sandbox.statementWillStart()
        }
        sandbox.stepWillBegin()
        let status = sqlite3_step(handle)
        sandbox.stepDidEnd()
        switch status {
        case SQLITE_ROW:
            return true
        case SQLITE_DONE:
            return false
        default:
            var error = connection.makeError(status, sql: sql)
            error.inputOffset = offset
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Rewinds the statement so it can run again, keeping its bindings.
    public func reset() {
        sqlite3_reset(handle)
        started = false
    }

    /// Sets every parameter back to NULL.
    public func clearBindings() {
        sqlite3_clear_bindings(handle)
    }

    // MARK: Parameters

    /// Binds positional parameters (`?`, `?1`) in order.
    public func bind(_ values: [DatabaseValue]) throws {
        for (index, value) in values.enumerated() {
            try bind(value, at: Int32(index + 1))
        }
    }

    /// Binds named parameters (`:name`, `@name`, `$name`); names are given without the prefix.
    /// Parameters the statement does not use are ignored; unbound ones stay NULL.
    public func bind(named values: [String: DatabaseValue]) throws {
        for index in 0..<parameterCount {
            guard let name = parameterName(at: index) else { continue }
            let bare = String(name.dropFirst())
            if let value = values[bare] {
                try bind(value, at: Int32(index + 1))
            }
        }
    }

    public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    /// The parameter's name with its prefix (`:id`), or nil for a plain `?`.
    public func parameterName(at index: Int) -> String? {
        sqlite3_bind_parameter_name(handle, Int32(index + 1)).map { String(cString: $0) }
    }

    private func bind(_ value: DatabaseValue, at position: Int32) throws {
        let status: Int32 = switch value {
        case .null: sqlite3_bind_null(handle, position)
        case .integer(let number): sqlite3_bind_int64(handle, position, number)
        case .real(let number): sqlite3_bind_double(handle, position, number)
        // The byte count, not -1, so text holding a NUL character is bound whole.
        case .text(let text): text.utf8CString.withUnsafeBufferPointer {
            sqlite3_bind_text(handle, position, $0.baseAddress, Int32($0.count - 1), kitchen_sqlite_transient())
        }
        case .blob(let bytes): bytes.withUnsafeBytes {
            sqlite3_bind_blob(handle, position, $0.baseAddress, Int32($0.count), kitchen_sqlite_transient())
        }
        }
        guard status == SQLITE_OK else { throw connection.makeError(status, sql: sql) }
    }

    // MARK: Columns of the current row

    public enum ColumnType: Sendable {
        case integer, real, text, blob, null
    }

    @inlinable
    public func columnType(at index: Int) -> ColumnType {
        switch sqlite3_column_type(handle, Int32(index)) {
        case SQLITE_INTEGER: .integer
        case SQLITE_FLOAT: .real
        case SQLITE_TEXT: .text
        case SQLITE_BLOB: .blob
        default: .null
        }
    }

    public func value(at index: Int) -> DatabaseValue {
        DatabaseValue(statement: handle, column: Int32(index))
    }

    public func double(at index: Int) -> Double {
        sqlite3_column_double(handle, Int32(index))
    }

    /// The column as SQLite's own text conversion, without copying it into a Swift string.
    /// Returns nil for NULL. The buffer is valid only inside `body`.
    @inlinable
    public func withText<Result>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result? {
        let column = Int32(index)
        if sqlite3_column_type(handle, column) == SQLITE_NULL { return nil }
        let text = sqlite3_column_text(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        return try body(UnsafeBufferPointer(start: text, count: count))
    }

    /// The column's type and SQLite's text conversion of it (empty for NULL), with one type
    /// look-up: formatters call this once per cell. The buffer is valid only inside `body`.
    @inlinable
    public func withTypedText<Result>(at index: Int, _ body: (ColumnType, UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        let column = Int32(index)
        let type: ColumnType
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER: type = .integer
        case SQLITE_FLOAT: type = .real
        case SQLITE_TEXT: type = .text
        case SQLITE_BLOB: type = .blob
        default: return try body(.null, UnsafeBufferPointer(start: nil, count: 0))
        }
        let text = sqlite3_column_text(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        return try body(type, UnsafeBufferPointer(start: text, count: count))
    }

    /// The current row's values.
    public var currentRow: [DatabaseValue] {
        (0..<columnCount).map { value(at: $0) }
    }

    /// The column's bytes as a BLOB (SQLite's conversion for other types), without copying them.
    /// The buffer is valid only inside `body`.
    public func withBlob<Result>(at index: Int, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        let column = Int32(index)
        let blob = sqlite3_column_blob(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        return try body(UnsafeRawBufferPointer(start: blob, count: blob == nil ? 0 : count))
    }

    /// Steps to the end and returns every row.
    ///
    /// With `maximumBytes`, stops with `ResultTooLarge` as soon as the rows would take more than
    /// that (text and blob bytes, plus a few bytes a value), before copying the value that crosses
    /// it: a route selecting a million rows or a 90 MB blob is refused without holding it.
    public func fetchAll(maximumBytes: Int? = nil) throws -> [[DatabaseValue]] {
        var rows: [[DatabaseValue]] = []
        guard let maximumBytes else {
            while try step() {
                rows.append(currentRow)
            }
            return rows
        }
        var total = 0
        let columns = columnCount
        while try step() {
            for index in 0..<columns {
                let type = sqlite3_column_type(handle, Int32(index))
                total += 16 + (type == SQLITE_TEXT || type == SQLITE_BLOB ? Int(sqlite3_column_bytes(handle, Int32(index))) : 8)
            }
            if total > maximumBytes { throw ResultTooLarge(limitBytes: maximumBytes, rowsRead: rows.count + 1) }
            rows.append(currentRow)
        }
        return rows
    }
}

/// A result bigger than its caller allows (a server response has a size limit).
public struct ResultTooLarge: Error, Sendable, CustomStringConvertible {
    public var limitBytes: Int
    /// The rows read when the limit was crossed.
    public var rowsRead: Int

    public init(limitBytes: Int, rowsRead: Int) {
        self.limitBytes = limitBytes
        self.rowsRead = rowsRead
    }

    public var description: String {
        "the result is larger than \(limitBytes >> 20) MB, the most one response may hold (crossed at row \(rowsRead)); "
            + "select fewer rows (LIMIT) or smaller columns"
    }
}
