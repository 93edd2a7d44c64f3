import CSQLite

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
        countCommits()
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
