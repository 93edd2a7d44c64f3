import CSQLite
import Synchronization

/// A sandboxed connection to one SQLite database.
///
/// Every connection is opened with the sandbox on: an authorizer that refuses ATTACH,
/// DETACH, extensions and dangerous pragmas; `SQLITE_DBCONFIG_DEFENSIVE`; a time limit
/// per statement enforced by a progress handler; and a process-wide heap cap.
///
/// A connection is used from one thread at a time. `interruptHandle` is the exception:
/// it may be used from any thread or from a signal handler.
public final class Connection {
    let handle: OpaquePointer
    /// The file the database lives in, or `":memory:"`.
    public let path: String
    let sandbox: SandboxGuard
    /// Statements kept prepared by `fetchAllCached`; finalized before the connection closes.
    let statementCache = StatementCache()

    /// Opens (creating if missing) the database at `path`; `":memory:"` is a scratch database.
    public init(path: String = ":memory:", policy: SandboxPolicy = .standard) throws {
        var pointer: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &pointer, flags, nil)
        guard let pointer else {
            throw DatabaseError(extendedCode: SQLITE_NOMEM, message: "out of memory opening \(path)")
        }
        guard status == SQLITE_OK else {
            let message = String(cString: sqlite3_errmsg(pointer))
            sqlite3_close_v2(pointer)
            throw DatabaseError(extendedCode: status, message: "cannot open \(path): \(message)")
        }
        self.handle = pointer
        self.path = path
        self.sandbox = SandboxGuard(policy: policy)
        sqlite3_extended_result_codes(pointer, 1)
        try installSandbox(policy)
    }

    deinit {
        statementCache.statements.removeAll()
        sqlite3_close_v2(handle)
    }

    private func installSandbox(_ policy: SandboxPolicy) throws {
        _ = sqlite3_hard_heap_limit64(policy.heapLimitBytes)
        _ = kitchen_db_config_int(handle, SQLITE_DBCONFIG_DEFENSIVE, 1)
        _ = kitchen_db_config_int(handle, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0)
        _ = kitchen_db_config_int(handle, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0)
        // Double-quoted strings are a SQLite misfeature that hides a classic beginner mistake.
        _ = kitchen_db_config_int(handle, SQLITE_DBCONFIG_DQS_DML, 0)
        _ = kitchen_db_config_int(handle, SQLITE_DBCONFIG_DQS_DDL, 0)
        sqlite3_limit(handle, SQLITE_LIMIT_LENGTH, 100_000_000)
        sqlite3_busy_timeout(handle, 2000)

        let context = Unmanaged.passUnretained(sandbox).toOpaque()
        sqlite3_set_authorizer(handle, { context, action, first, second, _, _ in
            let sandbox = Unmanaged<SandboxGuard>.fromOpaque(context!).takeUnretainedValue()
            return sandbox.authorize(
                action: action,
                first: first.map { String(cString: $0) },
                second: second.map { String(cString: $0) }
            )
        }, context)
        // Checking the clock every 1000 virtual-machine instructions stops a runaway query within
        // milliseconds of its limit at a cost too small to measure.
        sqlite3_progress_handler(handle, 1000, { context in
            let sandbox = Unmanaged<SandboxGuard>.fromOpaque(context!).takeUnretainedValue()
            return sandbox.shouldInterrupt() ? 1 : 0
        }, context)
        PrintfGuard.install(on: handle)
        if policy.enforceForeignKeys {
            try execute("PRAGMA foreign_keys = ON")
        }
        for install in ConnectionFunctions.installers() {
            try install(self)
        }
    }

    /// The sandbox policy in force; changing it takes effect with the next statement.
    public var policy: SandboxPolicy {
        get { sandbox.policy }
        set {
            sandbox.policy = newValue
            _ = sqlite3_hard_heap_limit64(newValue.heapLimitBytes)
        }
    }

    // MARK: Statements

    /// Prepares the first statement of `sql`.
    public func prepare(_ sql: String) throws -> Statement {
        var found: Statement?
        try forEachStatement(in: sql) { statement in
            if found == nil { found = statement }
        }
        guard let found else {
            throw DatabaseError(extendedCode: SQLITE_MISUSE, message: "no SQL statement to run", sql: sql)
        }
        return found
    }

    /// Prepares each statement of `sql` in turn and hands it to `body` before preparing the next,
    /// so a statement may depend on what the one before it created.
    ///
    /// A statement's `offset` and a preparation error's `offset` count UTF-8 bytes from the start of
    /// `sql`, so a caret can be placed under the right token of multi-statement input.
    public func forEachStatement(in sql: String, _ body: (Statement) throws -> Void) throws {
        let bytes = Array(sql.utf8)
        var start = 0
        try bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            try base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { text in
                while start < buffer.count {
                    var statementHandle: OpaquePointer?
                    var tail: UnsafePointer<CChar>?
                    let remaining = Int32(buffer.count - start)
                    let status = sqlite3_prepare_v3(handle, text + start, remaining, 0, &statementHandle, &tail)
                    let end = tail.map { $0 - text } ?? buffer.count
                    guard status == SQLITE_OK else {
                        let statementText = Self.text(bytes, from: start, to: buffer.count)
                        throw makeError(status, sql: statementText, statementStart: start, input: bytes)
                    }
                    if let statementHandle {
                        let leading = Self.leadingWhitespace(bytes, from: start, to: end)
                        let statementSQL = Self.text(bytes, from: start + leading, to: end)
                        try body(Statement(handle: statementHandle, connection: self, sql: statementSQL, offset: start + leading))
                    }
                    if end <= start { break }
                    start = end
                }
            }
        }
    }

    /// Runs every statement in `sql`, discarding any rows.
    public func execute(_ sql: String) throws {
        try forEachStatement(in: sql) { statement in
            while try statement.step() {}
        }
    }

    /// Runs `sql` and returns all rows of its last statement.
    public func fetchAll(_ sql: String, arguments: [DatabaseValue] = []) throws -> [[DatabaseValue]] {
        var rows: [[DatabaseValue]] = []
        try forEachStatement(in: sql) { statement in
            try statement.bind(arguments)
            rows = try statement.fetchAll()
        }
        return rows
    }

    /// Runs `body` with the authorizer off, for Kitchen's own look-ups and grading queries.
    public func trusted<T>(_ body: () throws -> T) rethrows -> T {
        let previous = sandbox.trusted
        sandbox.trusted = true
        defer { sandbox.trusted = previous }
        return try body()
    }

    /// True when `sql` ends with a complete statement (SQLite's own `sqlite3_complete`).
    public static func isComplete(_ sql: String) -> Bool {
        sqlite3_complete(sql) != 0
    }

    // MARK: State

    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes64(handle)) }
    public var totalChanges: Int { Int(sqlite3_total_changes64(handle)) }
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    /// False inside an open transaction.
    public var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    /// Stops the running statement as soon as possible; it fails with SQLITE_INTERRUPT.
    public func interrupt() {
        sqlite3_interrupt(handle)
    }

    /// A way to interrupt this connection from another thread or a signal handler.
    public var interruptHandle: InterruptHandle {
        InterruptHandle(database: UnsafeMutableRawPointer(handle))
    }

    // MARK: Copies

    /// The whole database as bytes (`sqlite3_serialize`), for snapshots and copies.
    public func serialize() throws -> [UInt8] {
        var size: sqlite3_int64 = 0
        guard let data = sqlite3_serialize(handle, "main", &size, 0) else {
            if size == 0 { return [] }
            throw DatabaseError(extendedCode: SQLITE_NOMEM, message: "could not copy the database")
        }
        defer { sqlite3_free(data) }
        return Array(UnsafeBufferPointer(start: data, count: Int(size)))
    }

    /// Opens a new in-memory connection holding a copy of `bytes` (from `serialize()`).
    public static func inMemory(copying bytes: [UInt8], policy: SandboxPolicy = .standard) throws -> Connection {
        let connection = try Connection(path: ":memory:", policy: policy)
        try connection.restore(from: bytes)
        return connection
    }

    /// Replaces this database's content with `bytes` (from `serialize()`).
    public func restore(from bytes: [UInt8]) throws {
        if isAutocommit == false { try? execute("ROLLBACK") }
        if path == ":memory:" {
            guard !bytes.isEmpty else {
                try clear()
                return
            }
            let size = sqlite3_int64(bytes.count)
            guard let copy = sqlite3_malloc64(sqlite3_uint64(bytes.count)) else {
                throw DatabaseError(extendedCode: SQLITE_NOMEM, message: "out of memory restoring the database")
            }
            bytes.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
            let flags = UInt32(SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE)
            // sqlite3_deserialize re-attaches "main" internally, which the authorizer would refuse.
            let status = trusted { sqlite3_deserialize(handle, "main", copy.assumingMemoryBound(to: UInt8.self), size, size, flags) }
            guard status == SQLITE_OK else { throw makeError(status) }
            if sandbox.policy.enforceForeignKeys { try execute("PRAGMA foreign_keys = ON") }
        } else {
            let source = try Connection.inMemory(copying: bytes, policy: sandbox.policy)
            try source.backup(to: self)
        }
    }

    /// Copies this whole database over `destination` with SQLite's online backup API.
    public func backup(to destination: Connection) throws {
        guard let backup = sqlite3_backup_init(destination.handle, "main", handle, "main") else {
            throw destination.makeError(sqlite3_errcode(destination.handle))
        }
        let status = sqlite3_backup_step(backup, -1)
        sqlite3_backup_finish(backup)
        guard status == SQLITE_DONE else { throw destination.makeError(status) }
    }

    /// Drops every table, view, index and trigger.
    public func clear() throws {
        try trusted {
            let objects = try fetchAll("SELECT type, name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' AND type IN ('view','table','trigger')")
            try execute("PRAGMA foreign_keys = OFF")
            for row in objects {
                guard case .text(let type) = row[0], case .text(let name) = row[1] else { continue }
                try? execute("DROP \(type.uppercased()) IF EXISTS \(SQLIdentifier.quote(name))")
            }
            if sandbox.policy.enforceForeignKeys { try execute("PRAGMA foreign_keys = ON") }
        }
    }

    // MARK: Errors

    func makeError(_ status: Int32, sql: String? = nil, statementStart: Int? = nil, input: [UInt8]? = nil) -> DatabaseError {
        let extended = sqlite3_extended_errcode(handle)
        var message = String(cString: sqlite3_errmsg(handle))
        let rawOffset = Int(sqlite3_error_offset(handle))
        var offset: Int? = rawOffset >= 0 ? rawOffset : nil
        var sqlText = sql
        // Offsets count from the start of the text passed to prepare; keep them relative
        // to the statement itself, and remember where the statement sits in the input.
        if let statementStart, let input, let found = offset {
            let leading = Self.leadingWhitespace(input, from: statementStart, to: input.count)
            let statementEnd = Self.statementEnd(input, from: statementStart)
            sqlText = Self.text(input, from: statementStart + leading, to: statementEnd)
            offset = max(0, found - leading)
        } else if let statementStart, let input {
            let leading = Self.leadingWhitespace(input, from: statementStart, to: input.count)
            sqlText = Self.text(input, from: statementStart + leading, to: Self.statementEnd(input, from: statementStart))
        }
        var reason: DatabaseError.SandboxReason?
        let code = extended & 0xFF
        if code == SQLITE_AUTH || message.hasPrefix("not authorized"), let found = sandbox.lastRefusal {
            var refusal = found
            // VACUUM INTO writes its copy through an internal ATTACH; name what the learner typed.
            if refusal.what == "ATTACH", (sqlText ?? "").uppercased().hasPrefix("VACUUM") {
                refusal = ("VACUUM INTO", "it would write a copy of the database to a file outside the sandbox")
            }
            reason = .refused(what: refusal.what, why: refusal.why)
            message = "\(refusal.what) is not allowed here: \(refusal.why)"
            offset = nil
            sandbox.lastRefusal = nil
        } else if code == SQLITE_INTERRUPT {
            if sandbox.stoppedForTime {
                reason = .timeLimit(seconds: sandbox.policy.timeLimit)
                message = "stopped after \(Self.describe(seconds: sandbox.policy.timeLimit)): the statement ran longer than the time limit"
            } else {
                reason = .interrupted
                message = "interrupted"
            }
        } else if code == SQLITE_NOMEM {
            reason = .memoryLimit(bytes: sandbox.policy.heapLimitBytes)
            message = "out of memory: the statement needed more than the sandbox's \(sandbox.policy.heapLimitBytes / 1_048_576) MB"
        }
        var error = DatabaseError(extendedCode: extended == 0 ? status : extended, message: message, sql: sqlText, offset: offset, sandboxReason: reason)
        if let statementStart, let input {
            error.inputOffset = statementStart + Self.leadingWhitespace(input, from: statementStart, to: input.count)
        }
        return error
    }

    static func describe(seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }

    // MARK: Text helpers

    static func text(_ bytes: [UInt8], from start: Int, to end: Int) -> String {
        guard start < end else { return "" }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    static func leadingWhitespace(_ bytes: [UInt8], from start: Int, to end: Int) -> Int {
        var index = start
        while index < end, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
        return index - start
    }

    /// The end of the statement beginning at `start`, for showing a failed statement alone.
    static func statementEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var end = start
        while end < bytes.count {
            end += 1
            if bytes[end - 1] == UInt8(ascii: ";"), isComplete(text(bytes, from: start, to: end)) { return end }
        }
        return end
    }
}

/// Interrupts a connection from any thread or a signal handler (`sqlite3_interrupt`).
public struct InterruptHandle: @unchecked Sendable {
    /// The raw `sqlite3 *`, for C code that must interrupt without calling into Swift.
    public let database: UnsafeMutableRawPointer

    public func interrupt() {
        sqlite3_interrupt(OpaquePointer(database))
    }

    /// `sqlite3_interrupt` itself, as a C function pointer taking the database as context.
    public static let cFunction: @convention(c) (UnsafeMutableRawPointer?) -> Void = { database in
        if let database { sqlite3_interrupt(OpaquePointer(database)) }
    }
}

// MARK: - Functions

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
                let value = values![index]
                switch sqlite3_value_type(value) {
                case SQLITE_INTEGER: arguments.append(.integer(sqlite3_value_int64(value)))
                case SQLITE_FLOAT: arguments.append(.real(sqlite3_value_double(value)))
                case SQLITE_TEXT: arguments.append(.text(String(cString: sqlite3_value_text(value))))
                case SQLITE_BLOB:
                    let bytes = Int(sqlite3_value_bytes(value))
                    arguments.append(.blob(bytes == 0 ? [] : Array(UnsafeRawBufferPointer(start: sqlite3_value_blob(value), count: bytes))))
                default: arguments.append(.null)
                }
            }
            do {
                switch try box.body(arguments) {
                case .null: sqlite3_result_null(context)
                case .integer(let number): sqlite3_result_int64(context, number)
                case .real(let number): sqlite3_result_double(context, number)
                case .text(let text): sqlite3_result_text(context, text, -1, kitchen_sqlite_transient())
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

// MARK: - Prepared statement cache

/// Prepared statements kept for SQL that runs again and again (the server's queries), so each
/// request skips parsing and planning. SQLite re-prepares a cached statement by itself when the
/// schema changes.
final class StatementCache {
    var statements: [String: Statement] = [:]
    var order: [String] = []
    let capacity = 64
    /// Rows of schema queries, valid while the schema cookie stays `schemaVersion`.
    var schemaRows: [String: [[DatabaseValue]]] = [:]
    var schemaVersion: DatabaseValue = .null
}

extension Connection {
    /// Runs `sql` (one statement) with `arguments` through the statement cache and returns its rows.
    public func fetchAllCached(_ sql: String, arguments: [DatabaseValue] = [], maximumBytes: Int? = nil) throws -> [[DatabaseValue]] {
        let statement: Statement
        if let cached = statementCache.statements[sql] {
            statement = cached
            statement.reset()
            statement.clearBindings()
        } else {
            statement = try prepare(sql)
            statementCache.statements[sql] = statement
            statementCache.order.append(sql)
            if statementCache.order.count > statementCache.capacity {
                statementCache.statements[statementCache.order.removeFirst()] = nil
            }
        }
        defer { statement.reset() }
        try statement.bind(arguments)
        return try statement.fetchAll(maximumBytes: maximumBytes)
    }
}

extension Connection {
    /// Runs a query about the schema (`pragma_table_info`…) once per schema version: the rows are
    /// kept until a CREATE, ALTER or DROP changes SQLite's schema cookie.
    public func fetchAllSchemaCached(_ sql: String, arguments: [DatabaseValue] = []) throws -> [[DatabaseValue]] {
        let version = try fetchAllCached("PRAGMA schema_version").first?.first ?? .null
        if version != statementCache.schemaVersion {
            statementCache.schemaRows.removeAll()
            statementCache.schemaVersion = version
        }
        let key = sql + "\u{1F}" + arguments.map(\.sqlLiteral).joined(separator: ",")
        if let rows = statementCache.schemaRows[key] { return rows }
        let rows = try fetchAllCached(sql, arguments: arguments)
        statementCache.schemaRows[key] = rows
        return rows
    }
}
