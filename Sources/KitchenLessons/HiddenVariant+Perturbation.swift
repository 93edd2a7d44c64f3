import KitchenSQL

/// Step 1 of the hidden variant, after the copies: their numbers and NULLs differ from the
/// originals', so answers right only for today's values differ there.
extension HiddenVariant {
    /// Moves the numbers of the copied rows by one (whole numbers by 1, reals by 0.25), up in
    /// even rows and down in odd ones, so averages, sums and comparisons on the variant are not
    /// today's: an average of 4 and 5 stars is 4.5, which integer division gives as 4. Left
    /// alone: keys (the primary key, foreign keys, columns named `id` or `…_id`, which may refer to
    /// rows without saying so) and 0/1 flags (moving them would make `<> 1` and `= 0` differ). A
    /// move that breaks a CHECK or UNIQUE constraint is skipped for that row (UPDATE OR IGNORE);
    /// one refused any other way (a trigger's RAISE) for that column. Triggers do not fire.
    static func perturbNumbers(copies: [(table: String, rowid: Int64)], in database: Connection) throws {
        guard !copies.isEmpty else { return }
        let triggers = try database.fetchAll("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND sql IS NOT NULL")
        try database.execute("SAVEPOINT perturb")
        do {
            for trigger in triggers {
                if let name = trigger[0].textValue { try database.execute("DROP TRIGGER \(SQLIdentifier.quote(name))") }
            }
            for (table, after) in copies {
                let quoted = SQLIdentifier.quote(table)
                let foreign = Set(try database.fetchAll("SELECT \"from\" FROM pragma_foreign_key_list(?)", arguments: [.text(table)])
                    .compactMap { $0[0].textValue?.lowercased() })
                let columns = try database.fetchAll("SELECT name FROM pragma_table_info(?) WHERE pk = 0", arguments: [.text(table)])
                    .compactMap { $0[0].textValue }
                    .filter { name in
                        let lowered = name.lowercased()
                        return !foreign.contains(lowered) && lowered != "id" && !lowered.hasSuffix("_id")
                    }
                try moveNulls(of: table, copiesAfter: after, in: database)
                for column in columns {
                    let quotedColumn = SQLIdentifier.quote(column)
                    let flags = try database.fetchAll("""
                        SELECT count(*) FILTER (WHERE typeof(\(quotedColumn)) IN ('integer', 'real')),
                               count(*) FILTER (WHERE \(quotedColumn) NOT IN (0, 1))
                        FROM \(quoted) WHERE rowid <= \(after)
                        """).first
                    guard case .integer(let numbers)? = flags?[0], numbers > 0, case .integer(let others)? = flags?[1], others > 0 else { continue }
                    let step = "(CASE typeof(\(quotedColumn)) WHEN 'integer' THEN 1 ELSE 0.25 END)"
                    try database.execute("SAVEPOINT perturb_column")
                    do {
                        try database.execute("""
                            UPDATE OR IGNORE \(quoted) SET \(quotedColumn) = \(quotedColumn) + \(step)
                            WHERE rowid > \(after) AND rowid % 2 = 0 AND typeof(\(quotedColumn)) IN ('integer', 'real')
                            """)
                        try database.execute("""
                            UPDATE OR IGNORE \(quoted) SET \(quotedColumn) = \(quotedColumn) - \(step)
                            WHERE rowid > \(after) AND rowid % 2 = 1 AND typeof(\(quotedColumn)) IN ('integer', 'real')
                            """)
                        try database.execute("RELEASE perturb_column")
                    } catch {
                        try database.execute("ROLLBACK TO perturb_column")
                        try database.execute("RELEASE perturb_column")
                    }
                }
            }
            for trigger in triggers {
                if let sql = trigger[1].textValue { try database.execute(sql) }
            }
            try database.execute("RELEASE perturb")
        } catch {
            try? database.execute("ROLLBACK TO perturb")
            try? database.execute("RELEASE perturb")
        }
    }

    /// Sets each nullable column to NULL in a quarter of the copies (a different quarter for each
    /// column), so a condition that picks today's rows through another column that happens to be
    /// NULL in the same rows (`to_station IS NULL` for "rides without minutes", `fare = 0`) differs.
    /// A NULL breaks no CHECK, UNIQUE or foreign key; a CHECK that refuses it skips the row.
    static func moveNulls(of table: String, copiesAfter after: Int64, in database: Connection) throws {
        let quoted = SQLIdentifier.quote(table)
        let nullable = try database.fetchAll("SELECT name FROM pragma_table_info(?) WHERE pk = 0 AND \"notnull\" = 0 ORDER BY cid", arguments: [.text(table)])
            .compactMap { $0[0].textValue }
        var parentOf: [String: String] = [:]
        for key in try database.fetchAll("SELECT \"from\", \"table\" FROM pragma_foreign_key_list(?)", arguments: [.text(table)]) {
            if let column = key[0].textValue, let parent = key[1].textValue { parentOf[column.lowercased()] = parent }
        }
        for (index, column) in nullable.enumerated() {
            let quotedColumn = SQLIdentifier.quote(column)
            // A copy that points at a copied parent keeps it: that family is what copyRows made.
            let keepsFamily = parentOf[column.lowercased()].map {
                " AND \(quotedColumn) NOT IN (SELECT copy FROM temp.kitchen_copies WHERE tbl = \(sqlString($0)) COLLATE NOCASE)"
            } ?? ""
            try database.execute("SAVEPOINT null_column")
            do {
                try database.execute("UPDATE OR IGNORE \(quoted) SET \(quotedColumn) = NULL WHERE rowid > \(after) AND (rowid + \(index)) % 4 = 0\(keepsFamily)")
                try database.execute("RELEASE null_column")
            } catch {
                try database.execute("ROLLBACK TO null_column")
                try database.execute("RELEASE null_column")
            }
        }
    }
}
