import KitchenSQL

/// Makes the hidden variant of a step's database: same schema, other rows, other ids. A query
/// that computes its answer gives the reference's rows on it too; one that hard-codes values or
/// ids does not. Deterministic, so `kitchen lessons test` gives the same verdict every run.
///
/// 1. Every table gets copies of every third row, with `' (v)'` appended to text values (rows
///    that would break a constraint are skipped), and their numbers moved by one (see
///    `perturbNumbers`), so a result right only for today's values (an average that happens to be
///    a whole number, where integer division gives it too) differs.
/// 2. The lesson's `variant` SQL runs (ids still as in the step's data).
/// 3. Every rowid table's rowids (its INTEGER PRIMARY KEY, if it has one) are renumbered by a
///    permutation without fixed points, and every foreign key that refers to them follows, so a
///    hard-coded `WHERE id IN (1, 2, 3)` or `rowid = 5` names other rows.
enum HiddenVariant {
    static func make(from bytes: [UInt8], extraSQL: String?, policy: SandboxPolicy, lesson: Lesson) throws -> [UInt8] {
        let database = try beforeRenumbering(from: bytes, extraSQL: extraSQL, policy: policy, lesson: lesson)
        try database.trusted {
            try renumberRowids(in: database)
        }
        return try database.serialize()
    }

    /// The variant after steps 1 and 2, with the step's ids: `sql-state` compares there when the
    /// reference's own statements name rows by their ids.
    static func beforeRenumbering(from bytes: [UInt8], extraSQL: String?, policy: SandboxPolicy, lesson: Lesson) throws -> Connection {
        let database = try Connection.inMemory(copying: bytes, policy: policy)
        let schema = try database.schema()
        try database.trusted {
            var copiesAfter: [(table: String, rowid: Int64)] = []
            for table in schema.tables where table.type == "table" {
                if let after = try copyEveryThirdRow(of: table.name, in: database) { copiesAfter.append((table.name, after)) }
            }
            try perturbNumbers(copies: copiesAfter, in: database)
        }
        if let extraSQL {
            // Lesson SQL: it runs under the sandbox like the learner's.
            do { try database.execute(extraSQL) } catch let error as DatabaseError {
                throw LessonProblem(file: lesson.file, line: lesson.setup.variantLine, message: "setup.variant fails: \(error.message)")
            }
        }
        return database
    }

    /// Copies every third row of `table`; returns the largest rowid before the copies (the copies
    /// are the rows above it), or nil when nothing was copied.
    private static func copyEveryThirdRow(of table: String, in database: Connection) throws -> Int64? {
        let info = try database.fetchAll("SELECT name, type, pk FROM pragma_table_info(?)", arguments: [.text(table)])
        let integerKeys = info.filter { ($0[2].textValue ?? "0") != "0" && ($0[1].textValue ?? "").uppercased() == "INTEGER" }
        let singleIntegerKey = integerKeys.count == 1 && info.filter { ($0[2].textValue ?? "0") != "0" }.count == 1
        let columns = info.compactMap { row -> (name: String, isKey: Bool)? in
            guard let name = row[0].textValue else { return nil }
            return (name, singleIntegerKey && integerKeys.first?[0].textValue == name)
        }.filter { !$0.isKey }
        guard !columns.isEmpty, try hasRowid(table, in: database) else { return nil }
        let names = columns.map { SQLIdentifier.quote($0.name) }.joined(separator: ", ")
        let values = columns.map { column in
            let quoted = SQLIdentifier.quote(column.name)
            return "CASE WHEN typeof(\(quoted)) = 'text' THEN \(quoted) || ' (v)' ELSE \(quoted) END"
        }.joined(separator: ", ")
        let quotedTable = SQLIdentifier.quote(table)
        guard case .integer(let before)? = try database.fetchAll("SELECT max(rowid) FROM \(quotedTable)").first?.first else { return nil }
        // Rows that would break a constraint are skipped; a table that cannot take copies at
        // all (a foreign key to a changed text value) keeps its rows.
        try database.execute("SAVEPOINT variant")
        do {
            // In rowid order whatever indexes the table has, so that a variant derived from the
            // previous step's (LessonDatabases.variant) gives the copies the same ids.
            try database.execute("INSERT OR IGNORE INTO \(quotedTable) (\(names)) SELECT \(values) FROM \(quotedTable) WHERE rowid % 3 = 0 ORDER BY rowid")
            try database.execute("RELEASE variant")
            return before
        } catch {
            try database.execute("ROLLBACK TO variant")
            try database.execute("RELEASE variant")
            return nil
        }
    }

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

    static func hasRowid(_ table: String, in database: Connection) throws -> Bool {
        // A WITHOUT ROWID table has no rowid column to select.
        (try? database.fetchAll("SELECT rowid FROM \(SQLIdentifier.quote(table)) LIMIT 0")) != nil
    }

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

    /// Sets each nullable column to NULL in a quarter of the copies (a different quarter for each
    /// column), so a condition that picks today's rows through another column that happens to be
    /// NULL in the same rows (`to_station IS NULL` for "rides without minutes", `fare = 0`) differs.
    /// A NULL breaks no CHECK, UNIQUE or foreign key; a CHECK that refuses it skips the row.
    private static func moveNulls(of table: String, copiesAfter after: Int64, in database: Connection) throws {
        let quoted = SQLIdentifier.quote(table)
        let nullable = try database.fetchAll("SELECT name FROM pragma_table_info(?) WHERE pk = 0 AND \"notnull\" = 0 ORDER BY cid", arguments: [.text(table)])
            .compactMap { $0[0].textValue }
        for (index, column) in nullable.enumerated() {
            try database.execute("SAVEPOINT null_column")
            do {
                try database.execute("UPDATE OR IGNORE \(quoted) SET \(SQLIdentifier.quote(column)) = NULL WHERE rowid > \(after) AND (rowid + \(index)) % 4 = 0")
                try database.execute("RELEASE null_column")
            } catch {
                try database.execute("ROLLBACK TO null_column")
                try database.execute("RELEASE null_column")
            }
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
        // A row added after the plan was made keeps its rowid.
        try database.execute("UPDATE \(quoted) SET rowid = coalesce((SELECT new FROM temp.kitchen_renumber WHERE tbl = \(name) AND old = \(quoted).rowid + \(span)), rowid + \(span))")
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
