import CSQLite

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
            // The connection owns its cache: a cached statement must not keep it alive.
            statement.keptConnection = nil
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
