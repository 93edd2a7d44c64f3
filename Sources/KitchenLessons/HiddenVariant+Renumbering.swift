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
        /// The tables whose rows in `temp.kitchen_renumber` are a rotation by arithmetic (rowids
        /// without gaps), by exact name: their new rowids are computed, not looked up.
        var rotations: [String: Rotation] = [:]
    }

    /// The rotation of a table whose n rowids are low...high without gaps: row k (rowid low + k)
    /// takes rowid low + (k + n/2) mod n. Every rowid in low...high has its row in the plan, so
    /// a rowid there (a row deleted and added again after the plan included) moves as the plan's
    /// row with it does; any other keeps its value.
    struct Rotation: Equatable {
        var low: Int64
        var high: Int64
        var count: Int64
        var half: Int64

        /// SQL for the new rowid of `value` (SQL that is a whole number).
        func moved(_ value: String) -> String {
            "\(low) + (\(value) - \(low) + \(half)) % \(count)"
        }
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
        // WITHOUT ROWID: the plan is only ever looked up by (tbl, old), so one b-tree, not two.
        try database.execute("CREATE TEMP TABLE kitchen_renumber (tbl TEXT, old INTEGER, new INTEGER, PRIMARY KEY (tbl, old)) WITHOUT ROWID")
        var aliasOf: [String: String] = [:]
        var rotations: [String: Rotation] = [:]
        for table in tables where try hasRowid(table, in: database) {
            if let (select, arithmetic) = try rotation(of: table, in: database) {
                try database.execute("INSERT INTO temp.kitchen_renumber (tbl, old, new) " + select)
                rotations[table] = arithmetic
            }
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
                rotations[table] = nil
                try database.execute("""
                    INSERT INTO temp.kitchen_renumber (tbl, old, new)
                    SELECT \(name), old, new FROM temp.kitchen_renumber
                    WHERE tbl = \(parentName) AND old IN (SELECT \(SQLIdentifier.quote(alias)) FROM \(SQLIdentifier.quote(table)))
                    """)
            } else {
                renumbered.append(table)
            }
        }
        return RenumberPlan(tables: tables, aliasOf: aliasOf, renumbered: renumbered, rotations: rotations)
    }

    /// The SELECT of the rotation's (tbl, old, new) rows for `table`: with its n rows in rowid
    /// order, row k takes the rowid of row (k + n/2) mod n. Nil for an empty table.
    ///
    /// Rowids without gaps (a table filled by inserts, as most are) are renumbered by arithmetic,
    /// in one pass over the rowids; others by `lead`/`lag` over the rowid order (row k + n/2 for
    /// the first n - n/2 rows, row k - (n - n/2) for the rest). Both give what a join of the
    /// numbered rows with themselves gives, without that join (on a 200,000-row table it was most
    /// of the plan's time).
    static func rotation(of table: String, in database: Connection) throws -> (select: String, arithmetic: Rotation?)? {
        let quoted = SQLIdentifier.quote(table)
        let name = "'" + table.replacing("'", with: "''") + "'"
        // Three queries, each answered without reading the rows (count(*) walks the pages,
        // min and max one path down the b-tree).
        guard case .integer(let count)? = try database.fetchAll("SELECT count(*) FROM \(quoted)").first?.first, count > 0,
              case .integer(let low)? = try database.fetchAll("SELECT min(rowid) FROM \(quoted)").first?.first,
              case .integer(let high)? = try database.fetchAll("SELECT max(rowid) FROM \(quoted)").first?.first else { return nil }
        let half = count / 2
        let (span, overflow) = high.subtractingReportingOverflow(low)
        if !overflow, span == count - 1 {
            // Row k's rowid is low + k.
            let rotation = Rotation(low: low, high: high, count: count, half: half)
            return ("SELECT \(name), rowid, \(rotation.moved("rowid")) FROM \(quoted)", rotation)
        }
        return ("""
            SELECT \(name), rowid, coalesce(lead(rowid, \(half)) OVER byRowid, lag(rowid, \(count - half)) OVER byRowid)
            FROM \(quoted) WINDOW byRowid AS (ORDER BY rowid)
            """, nil)
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
            let moves = try keyMoves(plan, existing: existing, in: database)
            var followed: Set<Int> = []
            for table in plan.renumbered where existing.contains(table) {
                // A table inserted again takes its foreign keys' new values in the same pass.
                let along = moves.indices.filter { moves[$0].child == table }
                let taken = try rewrite(table, in: database, following: along.map { moves[$0] }, plan: plan)
                followed.formUnion(along.filter { taken.contains(moves[$0].column) })
            }
            // Foreign keys that point at a renumbered INTEGER PRIMARY KEY follow it.
            for (index, move) in moves.enumerated() where !followed.contains(index) {
                try follow(move.child, column: move.column, parent: move.parent, in: database)
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

    /// One foreign key that follows its parent's renumbering: `column` of `child` refers to the
    /// INTEGER PRIMARY KEY of `parent`.
    struct KeyMove: Equatable {
        var child: String
        var column: String
        var parent: String
    }

    /// The foreign keys `follow` moves, in the order it moves them: every child table in schema
    /// order, each of its keys to a table's INTEGER PRIMARY KEY in the order SQLite lists them.
    static func keyMoves(_ plan: RenumberPlan, existing: Set<String>, in database: Connection) throws -> [KeyMove] {
        var moves: [KeyMove] = []
        for child in plan.tables where existing.contains(child) {
            let keys = try database.fetchAll("SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?)", arguments: [.text(child)])
            for key in keys {
                guard let parent = key[0].textValue, let column = key[1].textValue, let alias = plan.aliasOf[parent.lowercased()] else { continue }
                if let target = key[2].textValue, target.lowercased() != alias.lowercased() { continue }
                let parentName = plan.tables.first { $0.lowercased() == parent.lowercased() } ?? parent
                moves.append(KeyMove(child: child, column: column, parent: parentName))
            }
        }
        return moves
    }

    /// Moves every row of `table` to its new rowid (`reinsert`, or `moveInPlace` for a table
    /// that cannot be emptied and filled again). Returns the columns of `keys` (the table's
    /// foreign keys that follow a renumbering) that took their new values on the way; the others
    /// are left for `follow`.
    @discardableResult
    static func rewrite(_ table: String, in database: Connection, following keys: [KeyMove] = [], plan: RenumberPlan? = nil) throws -> Set<String> {
        let along = try keysMovableAlong(keys, of: table, in: database)
        if try reinsert(table, in: database, following: along, plan: plan) { return Set(along.map(\.column)) }
        if !along.isEmpty, try reinsert(table, in: database, plan: plan) { return [] }
        try moveInPlace(table, in: database)
        return []
    }

    /// The keys among `keys` whose new values the reinsert can give exactly as `follow`'s two
    /// UPDATEs leave them: a column named by one key only (two keys would move it twice), by no
    /// CHECK and by no UNIQUE index (the UPDATEs' values on the way could fail those, and a
    /// failure must stay a failure), whose parent's new rowids lie in 0..<2^62 (`follow` moves
    /// others to other values).
    static func keysMovableAlong(_ keys: [KeyMove], of table: String, in database: Connection) throws -> [KeyMove] {
        guard !keys.isEmpty else { return [] }
        guard let sql = try database.fetchAll("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", arguments: [.text(table)]).first?.first?.textValue
        else { return [] }
        var unique: Set<String> = []
        var expressionUnique = false
        for index in try database.fetchAll("SELECT name, partial FROM pragma_index_list(?) WHERE \"unique\" = 1", arguments: [.text(table)]) {
            // A partial index's WHERE may name any column.
            guard let name = index[0].textValue, index[1] == .integer(0) else { return [] }
            for column in try database.fetchAll("SELECT name FROM pragma_index_info(?)", arguments: [.text(name)]) {
                if let column = column[0].textValue { unique.insert(column.lowercased()) } else { expressionUnique = true }
            }
        }
        guard !expressionUnique else { return [] }
        // A primary key column moves with the rows, not with a parent.
        let primary = Set(try database.fetchAll("SELECT name FROM pragma_table_info(?) WHERE pk > 0", arguments: [.text(table)]).compactMap { $0[0].textValue?.lowercased() })
        var movable: [KeyMove] = []
        for key in keys {
            let column = key.column.lowercased()
            guard keys.filter({ $0.column.lowercased() == column }).count == 1, !unique.contains(column), !primary.contains(column),
                  !checkNames(sql, names: [column]) else { continue }
            guard let range = try database.fetchAll("SELECT min(new), max(new) FROM temp.kitchen_renumber WHERE tbl = ?", arguments: [.text(key.parent)]).first
            else { continue }
            if case .integer(let low) = range[0], case .integer(let high) = range[1], low < 0 || high >= followAway { continue }
            movable.append(key)
        }
        return movable
    }

    /// The moves by two UPDATEs of every rowid, for any table: first out of the way (below every
    /// existing rowid), then to the new place, so no two rows ever share a rowid mid-statement.
    static func moveInPlace(_ table: String, in database: Connection) throws {
        let quoted = SQLIdentifier.quote(table)
        let name = "'" + table.replacing("'", with: "''") + "'"
        guard let range = try database.fetchAll("SELECT min(rowid), max(rowid) FROM \(quoted)").first,
              case .integer(let low) = range[0], case .integer(let high) = range[1] else { return }
        let span = high - low + 1
        try database.execute("UPDATE \(quoted) SET rowid = rowid - \(span)")
        // A row added after the plan was made keeps its rowid.
        try database.execute("UPDATE \(quoted) SET rowid = coalesce((SELECT new FROM temp.kitchen_renumber WHERE tbl = \(name) AND old = \(quoted).rowid + \(span)), rowid + \(span))")
    }

    /// The moves of `moveInPlace`, done by emptying the table and inserting every row again at its
    /// new rowid, in rowid order: one append per row instead of two moves through the b-tree and
    /// its indexes (for the 160,000 rows of a sales table's variant, several times faster). The
    /// table keeps its place in the schema, its root page, indexes and constraints; rows and
    /// values end up as the moves leave them. Only for an ordinary table whose every column can
    /// be inserted; false (nothing changed) when it cannot be done this way, and `rewrite` makes
    /// the moves instead.
    static func reinsert(_ table: String, in database: Connection, following moves: [KeyMove] = [], plan: RenumberPlan? = nil) throws -> Bool {
        let kind = try database.fetchAll("SELECT type FROM pragma_table_list WHERE schema = 'main' AND name = ?", arguments: [.text(table)])
        guard kind.count == 1, kind[0][0].textValue == "table" else { return false }
        let info = try database.fetchAll("SELECT name, type, pk, hidden FROM pragma_table_xinfo(?)", arguments: [.text(table)])
        guard !info.isEmpty, info.allSatisfy({ $0[3] == .integer(0) }) else { return false }
        let names = info.compactMap { $0[0].textValue }
        guard names.count == info.count, !names.contains(where: { $0.lowercased() == "kitchen_rowid" }) else { return false }
        // The INTEGER PRIMARY KEY is the rowid itself: it takes the new rowid. (A key declared
        // `INTEGER PRIMARY KEY DESC` is not the rowid; the check after the insert finds that.)
        let keys = info.filter { $0[2] != .integer(0) }
        let alias = keys.count == 1 && (keys[0][1].textValue ?? "").uppercased() == "INTEGER" ? keys[0][0].textValue : nil
        let created = try database.fetchAll("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", arguments: [.text(table)])
        guard created.count == 1, let sql = created[0][0].textValue, !checkNamesRowid(sql, alias: alias) else { return false }
        let columns = names.filter { $0 != alias }.map(SQLIdentifier.quote)
        let quoted = SQLIdentifier.quote(table)
        let name = "'" + table.replacing("'", with: "''") + "'"
        let listed = columns.map { ", " + $0 }.joined()
        let moved = Dictionary(moves.map { ($0.column.lowercased(), $0.parent) }, uniquingKeysWith: { first, _ in first })
        let values = names.filter { $0 != alias }.map { column in
            moved[column.lowercased()].map { followed("t." + SQLIdentifier.quote(column), parent: $0, rotation: plan?.rotations[$0]) } ?? "t." + SQLIdentifier.quote(column)
        }
        // The new rowid: computed for a rotation by arithmetic, else looked up in the plan.
        let rotation = plan?.rotations[table]
        let newRowid = rotation.map { "CASE WHEN t.rowid BETWEEN \($0.low) AND \($0.high) THEN \($0.moved("t.rowid")) ELSE t.rowid END" } ?? "coalesce(r.new, t.rowid)"
        let planned = rotation == nil ? " LEFT JOIN temp.kitchen_renumber AS r ON r.tbl = \(name) AND r.old = t.rowid" : ""
        try database.execute("SAVEPOINT kitchen_reinsert")
        do {
            try database.execute("DROP TABLE IF EXISTS temp.kitchen_moved")
            // Keyed by the new rowid, so the rows are kept in that order as they come, with no
            // sort; columns without a type, so no value is converted on the way.
            try database.execute("CREATE TEMP TABLE kitchen_moved (kitchen_rowid INTEGER PRIMARY KEY\(listed))")
            try database.execute("""
                INSERT INTO temp.kitchen_moved (kitchen_rowid\(listed))
                SELECT \(newRowid)\(values.map { ", " + $0 }.joined())
                FROM main.\(quoted) AS t\(planned)
                """)
            try database.execute("DELETE FROM main.\(quoted)")
            // Read back in the order of their new rowids, each row is appended.
            try database.execute("INSERT INTO main.\(quoted) (rowid\(listed)) SELECT kitchen_rowid\(listed) FROM temp.kitchen_moved ORDER BY kitchen_rowid")
            try database.execute("DROP TABLE temp.kitchen_moved")
            if let alias {
                let rowidAlias = SQLIdentifier.quote(alias)
                guard try database.fetchAll("SELECT 1 FROM main.\(quoted) WHERE \(rowidAlias) IS NOT rowid LIMIT 1").isEmpty else {
                    throw DatabaseError(extendedCode: 1, message: "\(alias) is not the rowid")
                }
            }
            try database.execute("RELEASE kitchen_reinsert")
            return true
        } catch {
            try database.execute("ROLLBACK TO kitchen_reinsert")
            try database.execute("RELEASE kitchen_reinsert")
            try? database.execute("DROP TABLE IF EXISTS temp.kitchen_moved")
            return false
        }
    }

    /// True when a CHECK constraint of `table` (created by `sql`) names the rowid or `alias`:
    /// SQLite checks those on an UPDATE of the rowid, and `moveInPlace` may fail on one (a
    /// rowid moved below zero by `CHECK (id > 0)`), which leaves every table's ids as they were.
    /// Inserting the rows again at their final ids would not fail, so such a table is moved in
    /// place, to fail the same way.
    static func checkNamesRowid(_ sql: String, alias: String?) -> Bool {
        var names: Set<String> = ["rowid", "oid", "_rowid_"]
        if let alias { names.insert(alias.lowercased()) }
        return checkNames(sql, names: names)
    }

    /// True when a CHECK constraint in `sql` (a CREATE TABLE) names one of `names` (lower-cased).
    static func checkNames(_ sql: String, names: Set<String>) -> Bool {
        let tokens = SQLToken.tokenize(sql)
        var index = 0
        while index < tokens.count {
            defer { index += 1 }
            guard tokens[index].keyword == "CHECK" else { continue }
            var depth = 0
            for token in tokens[(index + 1)...] {
                if token.kind == .symbol && token.text == "(" { depth += 1 }
                if token.kind == .symbol && token.text == ")" { depth -= 1; if depth == 0 { break } }
                if let name = token.name, names.contains(name) { return true }
            }
        }
        return false
    }

    /// Points `column` of `child` at the parent rows' new ids, in two moves for the same reason.
    static func follow(_ child: String, column: String, parent: String, in database: Connection) throws {
        let quotedChild = SQLIdentifier.quote(child)
        let quotedColumn = SQLIdentifier.quote(column)
        let name = "'" + parent.replacing("'", with: "''") + "'"
        let away = followAway
        try database.execute("""
            UPDATE \(quotedChild) SET \(quotedColumn) = \(away) + (SELECT new FROM temp.kitchen_renumber WHERE tbl = \(name) AND old = \(quotedColumn))
            WHERE typeof(\(quotedColumn)) = 'integer' AND \(quotedColumn) IN (SELECT old FROM temp.kitchen_renumber WHERE tbl = \(name))
            """)
        try database.execute("UPDATE \(quotedChild) SET \(quotedColumn) = \(quotedColumn) - \(away) WHERE typeof(\(quotedColumn)) = 'integer' AND \(quotedColumn) >= \(away)")
    }

    /// Where `follow` parks a key between its two moves.
    static let followAway: Int64 = 1 << 62

    /// The value `follow`'s two UPDATEs leave in a key whose value is `value` (SQL) and whose
    /// parent is `parent`, as one expression: a whole number the plan moves takes its new rowid,
    /// one at or above `followAway` comes down by it, anything else stays. Only for parents whose
    /// new rowids lie in 0..<followAway (`keysMovableAlong`).
    static func followed(_ value: String, parent: String, rotation: Rotation? = nil) -> String {
        if let rotation {
            return """
                CASE WHEN typeof(\(value)) <> 'integer' THEN \(value) \
                WHEN \(value) BETWEEN \(rotation.low) AND \(rotation.high) THEN \(rotation.moved(value)) \
                WHEN \(value) >= \(followAway) THEN \(value) - \(followAway) ELSE \(value) END
                """
        }
        let name = "'" + parent.replacing("'", with: "''") + "'"
        return """
            CASE WHEN typeof(\(value)) <> 'integer' THEN \(value) ELSE coalesce(\
            (SELECT f.new FROM temp.kitchen_renumber AS f WHERE f.tbl = \(name) AND f.old = \(value)), \
            CASE WHEN \(value) >= \(followAway) THEN \(value) - \(followAway) ELSE \(value) END) END
            """
    }
}
