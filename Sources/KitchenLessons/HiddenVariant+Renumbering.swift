import KitchenSQL

/// Step 3 of the hidden variant: every rowid table's rows take other rowids, and the foreign
/// keys that refer to them follow.
extension HiddenVariant {
    /// Which rows take which rowid, kept in `temp.kitchen_renumber` (table, old, new) between
    /// `planRenumbering` and `applyRenumbering`.
    struct RenumberPlan {
        /// Every table, in schema order.
        var tables: [String]
        /// The INTEGER PRIMARY KEY column of each table that has one, by lower-cased table name.
        var aliasOf: [String: String]
        /// The tables whose rows move (those whose key is a parent's move with the parent).
        var renumbered: [String]
    }

    /// Renumbers the rowids of every rowid table by rotating them (the k-th smallest takes the
    /// place of the (k + n/2)-th, so no row keeps its id when there are two or more), and rewrites
    /// the foreign keys that refer to an INTEGER PRIMARY KEY so every relation still holds.
    static func renumberRowids(in database: Connection) throws {
        guard let plan = try? planRenumbering(in: database) else {
            try? database.execute("DROP TABLE IF EXISTS temp.kitchen_renumber")
            return
        }
        try applyRenumbering(plan, in: database)
    }

    /// Decides the new rowids from the rows there are now. Statements may run between this and
    /// `applyRenumbering`: rows they add keep their rowids, rows they delete are simply gone, so
    /// the same statements run before or after renumbering can be compared (`SQLStateCheck`).
    static func planRenumbering(in database: Connection) throws -> RenumberPlan {
        let tables = try database.fetchAll("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")
            .compactMap { $0[0].textValue }
        try database.execute("DROP TABLE IF EXISTS temp.kitchen_renumber")
        try database.execute("CREATE TEMP TABLE kitchen_renumber (tbl TEXT, old INTEGER, new INTEGER, PRIMARY KEY (tbl, old))")
        var aliasOf: [String: String] = [:]
        for table in tables where try hasRowid(table, in: database) {
            let quoted = SQLIdentifier.quote(table)
            // n rows in rowid order; row k takes the rowid of row (k + n/2) mod n.
            try database.execute("""
                INSERT INTO temp.kitchen_renumber (tbl, old, new)
                WITH numbered AS (SELECT rowid AS id, row_number() OVER (ORDER BY rowid) - 1 AS k, count(*) OVER () AS n FROM \(quoted))
                SELECT ?1, a.id, b.id FROM numbered a JOIN numbered b ON b.k = (a.k + a.n / 2) % a.n
                """.replacing("?1", with: "'" + table.replacing("'", with: "''") + "'"))
            let key = try database.fetchAll("SELECT name, type, pk FROM pragma_table_info(?) WHERE pk > 0", arguments: [.text(table)])
            if key.count == 1, (key[0][1].textValue ?? "").uppercased() == "INTEGER", let name = key[0][0].textValue {
                aliasOf[table.lowercased()] = name
            }
        }
        // A table whose INTEGER PRIMARY KEY is itself a foreign key to a renumbered table
        // (pantry.ingredient_id) takes its ids from that parent, not from a rotation of its own.
        var renumbered: [String] = []
        for table in tables where try hasRowid(table, in: database) {
            let alias = aliasOf[table.lowercased()]
            let keys = try database.fetchAll("SELECT \"table\", \"from\" FROM pragma_foreign_key_list(?)", arguments: [.text(table)])
            let parentKey = keys.first { key in
                alias != nil && key[1].textValue?.lowercased() == alias?.lowercased() && aliasOf[(key[0].textValue ?? "").lowercased()] != nil
            }
            if let parentKey, let parent = parentKey[0].textValue, let alias {
                // Its ids move with the parent's, and so do the tables that refer to it.
                let name = "'" + table.replacing("'", with: "''") + "'"
                let parentName = "'" + (tables.first { $0.lowercased() == parent.lowercased() } ?? parent).replacing("'", with: "''") + "'"
                try database.execute("DELETE FROM temp.kitchen_renumber WHERE tbl = \(name)")
                try database.execute("""
                    INSERT INTO temp.kitchen_renumber (tbl, old, new)
                    SELECT \(name), old, new FROM temp.kitchen_renumber
                    WHERE tbl = \(parentName) AND old IN (SELECT \(SQLIdentifier.quote(alias)) FROM \(SQLIdentifier.quote(table)))
                    """)
            } else {
                renumbered.append(table)
            }
        }
        return RenumberPlan(tables: tables, aliasOf: aliasOf, renumbered: renumbered)
    }

    /// Moves the rows as `plan` says and drops the plan's table.
    static func applyRenumbering(_ plan: RenumberPlan, in database: Connection) throws {
        // Triggers would fire on the rewrite; they are put back afterwards, as they were.
        let triggers = try database.fetchAll("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND sql IS NOT NULL")
        try database.execute("PRAGMA foreign_keys = OFF")
        defer { _ = try? database.execute("PRAGMA foreign_keys = ON") }
        try database.execute("SAVEPOINT renumber")
        do {
            for trigger in triggers {
                if let name = trigger[0].textValue { try database.execute("DROP TRIGGER \(SQLIdentifier.quote(name))") }
            }
            let existing = Set(try database.fetchAll("SELECT name FROM sqlite_schema WHERE type = 'table'").compactMap { $0[0].textValue })
            for table in plan.renumbered where existing.contains(table) {
                try rewrite(table, in: database)
            }
            // Foreign keys that point at a renumbered INTEGER PRIMARY KEY follow it.
            for child in plan.tables where existing.contains(child) {
                let keys = try database.fetchAll("SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?)", arguments: [.text(child)])
                for key in keys {
                    guard let parent = key[0].textValue, let column = key[1].textValue, let alias = plan.aliasOf[parent.lowercased()] else { continue }
                    if let target = key[2].textValue, target.lowercased() != alias.lowercased() { continue }
                    let parentName = plan.tables.first { $0.lowercased() == parent.lowercased() } ?? parent
                    try follow(child, column: column, parent: parentName, in: database)
                }
            }
            try database.execute("DROP TABLE temp.kitchen_renumber")
            for trigger in triggers {
                if let sql = trigger[1].textValue { try database.execute(sql) }
            }
            try database.execute("RELEASE renumber")
        } catch {
            // A schema the renumbering cannot handle (a key that is also a foreign key with its
            // own UNIQUE rules…) keeps its ids; the copied rows and the variant SQL still apply.
            try? database.execute("ROLLBACK TO renumber")
            try? database.execute("RELEASE renumber")
            try? database.execute("DROP TABLE IF EXISTS temp.kitchen_renumber")
        }
    }

    /// Moves every row of `table` to its new rowid: first out of the way (below every existing
    /// rowid), then to the new place, so no two rows ever share a rowid mid-statement.
    static func rewrite(_ table: String, in database: Connection) throws {
        let quoted = SQLIdentifier.quote(table)
        let name = "'" + table.replacing("'", with: "''") + "'"
        guard let range = try database.fetchAll("SELECT min(rowid), max(rowid) FROM \(quoted)").first,
              case .integer(let low) = range[0], case .integer(let high) = range[1] else { return }
        let span = high - low + 1
        try database.execute("UPDATE \(quoted) SET rowid = rowid - \(span)")
        // A row added after the plan was made keeps its rowid.
        try database.execute("UPDATE \(quoted) SET rowid = coalesce((SELECT new FROM temp.kitchen_renumber WHERE tbl = \(name) AND old = \(quoted).rowid + \(span)), rowid + \(span))")
    }

    /// Points `column` of `child` at the parent rows' new ids, in two moves for the same reason.
    static func follow(_ child: String, column: String, parent: String, in database: Connection) throws {
        let quotedChild = SQLIdentifier.quote(child)
        let quotedColumn = SQLIdentifier.quote(column)
        let name = "'" + parent.replacing("'", with: "''") + "'"
        let away: Int64 = 1 << 62
        try database.execute("""
            UPDATE \(quotedChild) SET \(quotedColumn) = \(away) + (SELECT new FROM temp.kitchen_renumber WHERE tbl = \(name) AND old = \(quotedColumn))
            WHERE typeof(\(quotedColumn)) = 'integer' AND \(quotedColumn) IN (SELECT old FROM temp.kitchen_renumber WHERE tbl = \(name))
            """)
        try database.execute("UPDATE \(quotedChild) SET \(quotedColumn) = \(quotedColumn) - \(away) WHERE typeof(\(quotedColumn)) = 'integer' AND \(quotedColumn) >= \(away)")
    }
}
