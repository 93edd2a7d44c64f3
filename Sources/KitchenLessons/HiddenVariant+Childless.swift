import KitchenSQL

/// Step 4 of the hidden variant: a parent with no children.
///
/// Copied parents get copies of their children (`copyRows`), so when every member has bookings
/// today, every member has bookings on the variant too, and an inner JOIN where the task asks
/// for "members with none too" (or `COUNT(*)` over a LEFT JOIN, which counts 1 for a member with
/// none) gives the right rows on both. So every table that another table's foreign key refers to
/// gets one more row: a copy of its first row, marked and moved as copies are, that nothing
/// refers to.
///
/// It is added after the renumbering, with the rowid after the table's last: an id a task names
/// (`member 4`) is an original's or a copy's, whose related rows came along, never this row.
extension HiddenVariant {
    static func addChildlessParents(in database: Connection) throws {
        let tables = try parentsFirst(in: database)
        let referredTo = Set(tables.flatMap { $0.parents.map { $0.parent.lowercased() } })
        try database.execute("DROP TABLE IF EXISTS temp.kitchen_copies")
        try database.execute("CREATE TEMP TABLE kitchen_copies (tbl TEXT, original INTEGER, copy INTEGER, PRIMARY KEY (tbl, copy))")
        var added: [(table: String, rowid: Int64)] = []
        // A table whose key is its parent's key (one row per parent) takes no row of its own.
        for table in tables where referredTo.contains(table.name.lowercased()) && !table.keyIsParentKey {
            let quoted = SQLIdentifier.quote(table.name)
            guard case .integer(let last)? = try database.fetchAll("SELECT max(rowid) FROM \(quoted)").first?.first,
                  case .integer(let first)? = try database.fetchAll("SELECT min(rowid) FROM \(quoted)").first?.first else { continue }
            let columns = try database.fetchAll("SELECT name FROM pragma_table_xinfo(?) WHERE hidden = 0", arguments: [.text(table.name)])
                .compactMap { $0[0].textValue }
                .filter { $0.lowercased() != table.alias?.lowercased() }
            guard !columns.isEmpty,
                  try database.fetchAll("SELECT 1 FROM pragma_table_xinfo(?) WHERE hidden NOT IN (0, 1)", arguments: [.text(table.name)]).isEmpty
            else { continue }
            let values = try copiedValues(of: table, columns: columns, in: database).map { $0.replacing("@@", with: "") }
            // A row the table refuses (a constraint no copy meets) is simply not added.
            try database.execute("SAVEPOINT childless")
            do {
                try database.execute("""
                    INSERT OR IGNORE INTO \(quoted) (rowid, \(columns.map(SQLIdentifier.quote).joined(separator: ", ")))
                    SELECT \(last + 1), \(values.joined(separator: ", ")) FROM \(quoted) WHERE rowid = \(first)
                    """)
                if try !database.fetchAll("SELECT 1 FROM \(quoted) WHERE rowid = \(last + 1)").isEmpty {
                    try database.execute("INSERT INTO temp.kitchen_copies (tbl, original, copy) VALUES (\(sqlString(table.name)), \(first), \(last + 1))")
                    added.append((table.name, last))
                }
                try database.execute("RELEASE childless")
            } catch {
                try database.execute("ROLLBACK TO childless")
                try database.execute("RELEASE childless")
            }
        }
        try perturbNumbers(copies: added, in: database)
        try database.execute("DROP TABLE temp.kitchen_copies")
    }
}
