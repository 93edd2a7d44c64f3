import KitchenSQL

/// What one data-changing statement writes to: its verb and its table, read from the program
/// SQLite compiles for it (`EXPLAIN`: the first `OpenWrite` on a table), so `WITH`, aliases and
/// quoting do not fool it.
struct StatementTarget: Equatable {
    /// INSERT (REPLACE counts as an INSERT), UPDATE or DELETE.
    var verb: String
    /// The table written, as the schema spells it.
    var table: String
    /// False when the table lives outside the lesson's database (a TEMP table or an attached one).
    var inMainDatabase: Bool

    /// The target of `sql` on `database` as it is now, or nil when the statement writes no table
    /// (a SELECT, a CREATE…) or cannot be compiled.
    static func of(_ sql: String, on database: Connection) -> StatementTarget? {
        var verb = SQLToken.verb(of: sql)
        if verb == "REPLACE" { verb = "INSERT" }
        guard ["INSERT", "UPDATE", "DELETE"].contains(verb) else { return nil }
        return try? database.trusted { () -> StatementTarget? in
            let program = try database.fetchAll("EXPLAIN " + sql)
            // EXPLAIN's columns: addr, opcode, p1, p2, p3, p4, p5, comment.
            let databases = try database.fetchAll("SELECT seq, name FROM pragma_database_list")
            for row in program where row[1].textValue == "OpenWrite" {
                guard case .integer(let root) = row[3], case .integer(let schemaIndex) = row[4] else { continue }
                guard let schemaName = databases.first(where: { $0[0] == .integer(schemaIndex) })?[1].textValue else { continue }
                let master = schemaIndex == 1 ? "sqlite_temp_schema" : "\(SQLIdentifier.quote(schemaName)).sqlite_schema"
                let found = try database.fetchAll("SELECT name FROM \(master) WHERE type = 'table' AND rootpage = ?", arguments: [.integer(root)])
                if let name = found.first?[0].textValue {
                    return StatementTarget(verb: verb, table: name, inMainDatabase: schemaIndex == 0)
                }
            }
            return nil
        }
    }

    /// "the table order_items", or "your own table scratch" for one outside the lesson's database.
    var described: String {
        inMainDatabase ? "the table \(table)" : "\(table), a table of your own outside the lesson's database"
    }
}
