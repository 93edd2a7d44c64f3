import CSQLite

extension Connection {
    /// A number that changes whenever another connection (of this process or any other) commits
    /// a change to the database: a cheap way to know whether what was read earlier still holds.
    /// Values are comparable only between calls on the same connection.
    ///
    /// See <https://www.sqlite.org/pragma.html#pragma_data_version>.
    public func dataVersion() throws -> Int64 {
        let rows = try trusted { try fetchAllCached("PRAGMA data_version") }
        guard case .integer(let version)? = rows.first?.first else { return 0 }
        return version
    }

    /// Refuses every change from now on (`PRAGMA query_only`): for connections that only read.
    public func refuseWrites() throws {
        try trusted { try execute("PRAGMA query_only = ON") }
    }

    /// How long a statement waits for another connection's lock before failing with
    /// SQLITE_BUSY (`sqlite3_busy_timeout`); 0 fails at once.
    public func setBusyTimeout(milliseconds: Int) {
        sqlite3_busy_timeout(handle, Int32(milliseconds))
    }
}
