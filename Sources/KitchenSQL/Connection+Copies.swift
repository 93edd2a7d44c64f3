import CSQLite

/// Copies of whole databases: snapshots as bytes, in-memory copies, restores and backups.
extension Connection {
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
}
