import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

/// Telling two copies of one database apart without reading their rows.
extension Connection {
    /// True when `table` is stored in the very same pages, byte for byte, here and in `other`:
    /// then it holds the same rows in the same order, and comparing them value by value can be
    /// skipped. Both must be in-memory copies (`inMemory(copying:)`) of one database, outside any
    /// transaction (a transaction's changes are not in the copy's bytes until it commits).
    ///
    /// Every page of the table's b-tree here (its `dbstat` pages: interior, leaf and overflow) is
    /// compared with the page of the same number in `other`, starting from the same root page. A
    /// walk of `other`'s tree from that root meets exactly these pages, so when they are all
    /// equal its rows are these rows. False means only "not known to be the same": a table
    /// rewritten with the same rows counts as different, and the caller compares its rows.
    public func storesSameTable(_ table: String, as other: Connection) -> Bool {
        guard isAutocommit, other.isAutocommit else { return false }
        do {
            return try trusted {
                try other.trusted {
                    let rootSQL = "SELECT rootpage FROM sqlite_schema WHERE type = 'table' AND name = ?"
                    let root = try fetchAll(rootSQL, arguments: [.text(table)])
                    guard root.count == 1, case .integer(let page) = root[0][0], page > 0,
                          try other.fetchAll(rootSQL, arguments: [.text(table)]) == root,
                          case .integer(let pageSize)? = try fetchAll("PRAGMA page_size").first?.first,
                          try other.fetchAll("PRAGMA page_size").first?.first == .integer(pageSize)
                    else { return false }
                    let pages = try fetchAll("SELECT pageno FROM dbstat('main') WHERE name = ?", arguments: [.text(table)])
                    guard !pages.isEmpty else { return false }
                    // The database images as SQLite holds them (no copy); nil for a file database.
                    var size: sqlite3_int64 = 0, otherSize: sqlite3_int64 = 0
                    let flags = UInt32(SQLITE_SERIALIZE_NOCOPY)
                    guard let mine = sqlite3_serialize(handle, "main", &size, flags),
                          let theirs = sqlite3_serialize(other.handle, "main", &otherSize, flags) else { return false }
                    // The text encoding (header offset 56) decides how the same bytes read.
                    guard size >= 100, otherSize >= 100, memcmp(mine + 56, theirs + 56, 4) == 0 else { return false }
                    for row in pages {
                        guard case .integer(let number) = row[0], number > 0 else { return false }
                        let start = (number - 1) * pageSize
                        guard start + pageSize <= size, start + pageSize <= otherSize,
                              memcmp(mine + Int(start), theirs + Int(start), Int(pageSize)) == 0 else { return false }
                    }
                    return true
                }
            }
        } catch {
            return false
        }
    }
}
