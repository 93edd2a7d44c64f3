import KitchenSQL

/// Makes the hidden variant of a step's database: same schema, other rows, other ids. A query
/// that computes its answer gives the reference's rows on it too; one that hard-codes values or
/// ids does not. Deterministic, so `kitchen lessons test` gives the same verdict every run.
///
/// 1. Every table gets copies of every third row, with `' (v)'` appended to text values (rows
///    that would break a constraint are skipped).
/// 2. The lesson's `variant` SQL runs (ids still as in the step's data).
/// 3. Every rowid table's rowids (its INTEGER PRIMARY KEY, if it has one) are renumbered by a
///    permutation without fixed points, and every foreign key that refers to them follows, so a
///    hard-coded `WHERE id IN (1, 2, 3)` or `rowid = 5` names other rows.
enum HiddenVariant {
    static func make(from bytes: [UInt8], extraSQL: String?, policy: SandboxPolicy, lesson: Lesson) throws -> [UInt8] {
        let database = try Connection.inMemory(copying: bytes, policy: policy)
        let schema = try database.schema()
        try database.trusted {
            for table in schema.tables where table.type == "table" {
                try copyEveryThirdRow(of: table.name, in: database)
            }
        }
        if let extraSQL {
            // Lesson SQL: it runs under the sandbox like the learner's.
            do { try database.execute(extraSQL) } catch let error as DatabaseError {
                throw LessonProblem(file: lesson.file, line: lesson.setup.variantLine, message: "setup.variant fails: \(error.message)")
            }
        }
        try database.trusted {
            try renumberRowids(in: database)
        }
        return try database.serialize()
    }

    private static func copyEveryThirdRow(of table: String, in database: Connection) throws {
        let info = try database.fetchAll("SELECT name, type, pk FROM pragma_table_info(?)", arguments: [.text(table)])
        let integerKeys = info.filter { ($0[2].textValue ?? "0") != "0" && ($0[1].textValue ?? "").uppercased() == "INTEGER" }
        let singleIntegerKey = integerKeys.count == 1 && info.filter { ($0[2].textValue ?? "0") != "0" }.count == 1
        let columns = info.compactMap { row -> (name: String, isKey: Bool)? in
            guard let name = row[0].textValue else { return nil }
            return (name, singleIntegerKey && integerKeys.first?[0].textValue == name)
        }.filter { !$0.isKey }
        guard !columns.isEmpty, try hasRowid(table, in: database) else { return }
        let names = columns.map { SQLIdentifier.quote($0.name) }.joined(separator: ", ")
        let values = columns.map { column in
            let quoted = SQLIdentifier.quote(column.name)
            return "CASE WHEN typeof(\(quoted)) = 'text' THEN \(quoted) || ' (v)' ELSE \(quoted) END"
        }.joined(separator: ", ")
        let quotedTable = SQLIdentifier.quote(table)
        // Rows that would break a constraint are skipped; a table that cannot take copies at
        // all (a foreign key to a changed text value) keeps its rows.
        try database.execute("SAVEPOINT variant")
        do {
            // In rowid order whatever indexes the table has, so that a variant derived from the
            // previous step's (LessonDatabases.variant) gives the copies the same ids.
            try database.execute("INSERT OR IGNORE INTO \(quotedTable) (\(names)) SELECT \(values) FROM \(quotedTable) WHERE rowid % 3 = 0 ORDER BY rowid")
            try database.execute("RELEASE variant")
        } catch {
            try database.execute("ROLLBACK TO variant")
            try database.execute("RELEASE variant")
        }
    }

    static func hasRowid(_ table: String, in database: Connection) throws -> Bool {
        // A WITHOUT ROWID table has no rowid column to select.
        (try? database.fetchAll("SELECT rowid FROM \(SQLIdentifier.quote(table)) LIMIT 0")) != nil
    }

    /// Renumbers the rowids of every rowid table by rotating them (the k-th smallest takes the
    /// place of the (k + n/2)-th, so no row keeps its id when there are two or more), and rewrites
    /// the foreign keys that refer to an INTEGER PRIMARY KEY so every relation still holds.
    static func renumberRowids(in database: Connection) throws {
        let tables = try database.fetchAll("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")
            .compactMap { $0[0].textValue }
        // Triggers would fire on the rewrite; they are put back afterwards, as they were.
        let triggers = try database.fetchAll("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND sql IS NOT NULL")
        try database.execute("PRAGMA foreign_keys = OFF")
        defer { _ = try? database.execute("PRAGMA foreign_keys = ON") }
        try database.execute("SAVEPOINT renumber")
        do {
            for trigger in triggers {
                if let name = trigger[0].textValue { try database.execute("DROP TRIGGER \(SQLIdentifier.quote(name))") }
            }
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
            for table in renumbered {
                try rewrite(table, in: database)
            }
            // Foreign keys that point at a renumbered INTEGER PRIMARY KEY follow it.
            for child in tables {
                let keys = try database.fetchAll("SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?)", arguments: [.text(child)])
                for key in keys {
                    guard let parent = key[0].textValue, let column = key[1].textValue, let alias = aliasOf[parent.lowercased()] else { continue }
                    if let target = key[2].textValue, target.lowercased() != alias.lowercased() { continue }
                    let parentName = tables.first { $0.lowercased() == parent.lowercased() } ?? parent
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
        }
    }

    /// Moves every row of `table` to its new rowid: first out of the way (below every existing
    /// rowid), then to the new place, so no two rows ever share a rowid mid-statement.
    private static func rewrite(_ table: String, in database: Connection) throws {
        let quoted = SQLIdentifier.quote(table)
        let name = "'" + table.replacing("'", with: "''") + "'"
        guard let range = try database.fetchAll("SELECT min(rowid), max(rowid) FROM \(quoted)").first,
              case .integer(let low) = range[0], case .integer(let high) = range[1] else { return }
        let span = high - low + 1
        try database.execute("UPDATE \(quoted) SET rowid = rowid - \(span)")
        try database.execute("UPDATE \(quoted) SET rowid = (SELECT new FROM temp.kitchen_renumber WHERE tbl = \(name) AND old = \(quoted).rowid + \(span))")
    }

    /// Points `column` of `child` at the parent rows' new ids, in two moves for the same reason.
    private static func follow(_ child: String, column: String, parent: String, in database: Connection) throws {
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
