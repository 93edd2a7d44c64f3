import KitchenSQL

/// Step 1 of the hidden variant: copies of rows, related to each other as the originals are.
///
/// Tables are copied parents first (by their declared foreign keys). In each table:
///
/// 1. every third row (by rowid) is copied; the copies take the rowids after the table's last one
///    and keep their parents, so a parent's group gets a copy with other numbers (an average of
///    whole numbers is no longer whole there);
/// 2. a copied parent gets a copy of each of its original's children. So a copied category has
///    dishes, a copied order has all its lines: a condition that picks a range of parent ids
///    (`category_id >= 8` for `= 8`) changes rows there, and an id named by a task names a row
///    with related rows on the renumbered variant too, not an empty copy.
///
/// Which original each copy is a copy of is kept in `temp.kitchen_copies` (tbl, original, copy)
/// until the copies' numbers and NULLs have moved (`perturbNumbers`), then dropped.
extension HiddenVariant {
    /// Copies rows of every table as above; returns, for each table that got copies, the largest
    /// rowid before them (the copies are the rows above it).
    static func copyRows(in database: Connection) throws -> [(table: String, rowid: Int64)] {
        try database.execute("DROP TABLE IF EXISTS temp.kitchen_copies")
        try database.execute("CREATE TEMP TABLE kitchen_copies (tbl TEXT, original INTEGER, copy INTEGER, PRIMARY KEY (tbl, copy))")
        var copied: [(table: String, rowid: Int64)] = []
        for table in try parentsFirst(in: database) {
            if let before = try copy(table, in: database) { copied.append((table.name, before)) }
        }
        return copied
    }

    /// What copying one table needs to know about it.
    struct CopiedTable {
        var name: String
        /// The INTEGER PRIMARY KEY column, if any.
        var alias: String?
        /// Single-column foreign keys to a parent's INTEGER PRIMARY KEY: (column, parent table).
        var parents: [(column: String, parent: String)]
        /// True when the key itself refers to a parent (`pantry.ingredient_id`): a row per parent
        /// row, so copies come only from step 2.
        var keyIsParentKey: Bool {
            guard let alias else { return false }
            return parents.contains { $0.column.lowercased() == alias.lowercased() }
        }
    }

    /// The rowid tables in an order where a table comes after the tables its foreign keys refer
    /// to (schema order otherwise; a cycle is broken where it is met).
    static func parentsFirst(in database: Connection) throws -> [CopiedTable] {
        let names = try database.fetchAll("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")
            .compactMap { $0[0].textValue }
        var aliasOf: [String: String] = [:]
        for name in names {
            let key = try database.fetchAll("SELECT name, type FROM pragma_table_info(?) WHERE pk > 0", arguments: [.text(name)])
            if key.count == 1, (key[0][1].textValue ?? "").uppercased() == "INTEGER", let column = key[0][0].textValue, try hasRowid(name, in: database) {
                aliasOf[name.lowercased()] = column
            }
        }
        var tables: [CopiedTable] = []
        for name in names where try hasRowid(name, in: database) {
            var keys: [Int: [[DatabaseValue]]] = [:]
            for key in try database.fetchAll("SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?)", arguments: [.text(name)]) {
                if case .integer(let id) = key[0] { keys[Int(id), default: []].append(key) }
            }
            let parents = keys.values.compactMap { parts -> (column: String, parent: String)? in
                guard parts.count == 1, let parent = parts[0][1].textValue, let column = parts[0][2].textValue,
                      let parentKey = aliasOf[parent.lowercased()] else { return nil }
                if let target = parts[0][3].textValue, target.lowercased() != parentKey.lowercased() { return nil }
                return (column, names.first { $0.lowercased() == parent.lowercased() } ?? parent)
            }.sorted { $0.column < $1.column }
            tables.append(CopiedTable(name: name, alias: aliasOf[name.lowercased()], parents: parents))
        }
        var ordered: [CopiedTable] = []
        var placed: Set<String> = []
        var visiting: Set<String> = []
        func place(_ table: CopiedTable) {
            let key = table.name.lowercased()
            guard !placed.contains(key), !visiting.contains(key) else { return }
            visiting.insert(key)
            for parent in table.parents {
                if let found = tables.first(where: { $0.name.lowercased() == parent.parent.lowercased() }) { place(found) }
            }
            visiting.remove(key)
            placed.insert(key)
            ordered.append(table)
        }
        tables.forEach(place)
        return ordered
    }

    /// Steps 1 and 2 for one table; nil when it got no copies. A statement the table refuses
    /// (a constraint no copy can meet) leaves the table as that statement found it.
    private static func copy(_ table: CopiedTable, in database: Connection) throws -> Int64? {
        let quoted = SQLIdentifier.quote(table.name)
        guard case .integer(let before)? = try database.fetchAll("SELECT max(rowid) FROM \(quoted)").first?.first else { return nil }
        let columns = try database.fetchAll("SELECT name FROM pragma_table_xinfo(?) WHERE hidden = 0", arguments: [.text(table.name)])
            .compactMap { $0[0].textValue }
            .filter { $0.lowercased() != table.alias?.lowercased() }
        guard !columns.isEmpty, try database.fetchAll("SELECT 1 FROM pragma_table_xinfo(?) WHERE hidden NOT IN (0, 1)", arguments: [.text(table.name)]).isEmpty else { return nil }
        let values = try copiedValues(of: table, columns: columns, in: database)
        let name = sqlString(table.name)
        let names = columns.map(SQLIdentifier.quote).joined(separator: ", ")
        // 1. Every third row, in rowid order whatever indexes the table has (so a variant derived
        //    from the previous step's, LessonDatabases.variant, gives the copies the same ids).
        if !table.keyIsParentKey {
            try attempt(in: database) {
                try database.execute("""
                    INSERT OR IGNORE INTO \(quoted) (rowid, \(names))
                    SELECT \(before) + row_number() OVER (ORDER BY rowid), \(values.map { $0.replacing("@@", with: "") }.joined(separator: ", "))
                    FROM \(quoted) WHERE rowid % 3 = 0 ORDER BY rowid
                    """)
                try database.execute("""
                    INSERT INTO temp.kitchen_copies (tbl, original, copy)
                    SELECT \(name), rowid, \(before) + row_number() OVER (ORDER BY rowid) FROM \(quoted) WHERE rowid % 3 = 0 AND rowid <= \(before)
                    """)
                try database.execute("DELETE FROM temp.kitchen_copies WHERE tbl = \(name) AND copy NOT IN (SELECT rowid FROM \(quoted))")
            }
        }
        // 2. Copied parents get a copy of each of their originals' children.
        for (column, parent) in table.parents where parent.lowercased() != table.name.lowercased() {
            try attempt(in: database) { try giveChildren(to: parent, through: column, of: table, before: before, columns: columns, values: values, in: database) }
        }
        let after = try database.fetchAll("SELECT count(*) FROM \(quoted) WHERE rowid > \(before)").first?.first
        guard case .integer(let count)? = after, count > 0 else { return nil }
        return before
    }

    /// Step 2 for one foreign key: every copy of a `parent` row gets a copy of each row of
    /// `table` that refers to its original through `column` and has no copy referring to it yet.
    private static func giveChildren(to parent: String, through column: String, of table: CopiedTable, before: Int64,
                                     columns: [String], values: [String], in database: Connection) throws {
        let quoted = SQLIdentifier.quote(table.name)
        let quotedColumn = SQLIdentifier.quote(column)
        let parentName = sqlString(parent)
        // The original children of copied parents, and which of them a copy already gives to
        // which parent copy.
        try database.execute("DROP TABLE IF EXISTS temp.kitchen_children")
        try database.execute("CREATE TEMP TABLE kitchen_children (parent INTEGER, child INTEGER, PRIMARY KEY (parent, child))")
        try database.execute("""
            INSERT OR IGNORE INTO temp.kitchen_children (parent, child)
            SELECT \(quotedColumn), rowid FROM \(quoted)
            WHERE rowid <= \(before) AND \(quotedColumn) IN (SELECT original FROM temp.kitchen_copies WHERE tbl = \(parentName))
            """)
        try database.execute("DROP TABLE IF EXISTS temp.kitchen_linked")
        try database.execute("CREATE TEMP TABLE kitchen_linked (parent INTEGER, original INTEGER, PRIMARY KEY (parent, original))")
        try database.execute("""
            INSERT OR IGNORE INTO temp.kitchen_linked (parent, original)
            SELECT t.\(quotedColumn), k.original FROM temp.kitchen_copies AS k JOIN \(quoted) AS t ON t.rowid = k.copy WHERE k.tbl = \(sqlString(table.name))
            """)
        // Which original each new row copies, and its rowid: after the last (a key that is the
        // parent's key takes the parent copy's).
        let rowid = table.keyIsParentKey ? "m.copy" : "(SELECT max(rowid) FROM \(quoted)) + row_number() OVER (ORDER BY m.copy, c.child)"
        try database.execute("DROP TABLE IF EXISTS temp.kitchen_given")
        try database.execute("""
            CREATE TEMP TABLE kitchen_given AS
            SELECT \(rowid) AS new, c.child AS original, m.copy AS parent
            FROM temp.kitchen_copies AS m JOIN temp.kitchen_children AS c ON c.parent = m.original
            WHERE m.tbl = \(parentName) AND NOT EXISTS (SELECT 1 FROM temp.kitchen_linked AS l WHERE l.parent = m.copy AND l.original = c.child)
            """)
        let selected = zip(columns, values).map { name, value in
            name.lowercased() == column.lowercased() ? "g.parent" : value.replacing("@@", with: "o.")
        }
        try database.execute("""
            INSERT OR IGNORE INTO \(quoted) (rowid, \(columns.map(SQLIdentifier.quote).joined(separator: ", ")))
            SELECT g.new, \(selected.joined(separator: ", ")) FROM temp.kitchen_given AS g JOIN \(quoted) AS o ON o.rowid = g.original ORDER BY g.new
            """)
        try database.execute("""
            INSERT OR IGNORE INTO temp.kitchen_copies (tbl, original, copy)
            SELECT \(sqlString(table.name)), original, new FROM temp.kitchen_given WHERE new IN (SELECT rowid FROM \(quoted))
            """)
        for scratch in ["kitchen_given", "kitchen_linked", "kitchen_children"] { try database.execute("DROP TABLE temp.\(scratch)") }
    }

    /// The value each column of a copy takes, as SQL over the original row (`@@` stands for the
    /// original's alias in step 2). Text is kept where the copies may share it and a mark would
    /// split what belongs together; it gets `copyMark` appended where a copy must differ:
    ///
    /// - a foreign key keeps its value (it names a parent row);
    /// - a column in a UNIQUE constraint or index is marked (a copy with the same text would be
    ///   refused);
    /// - a column whose values repeat (on average twice or more: a status, a city, a genre) is
    ///   kept, so a copy joins its original's group in a GROUP BY, with its own numbers, instead
    ///   of making a group of one whose sum and average are today's;
    /// - dates and times (`2024-03-15`, `2024-03-15 12:30`, `19:30`) are kept, so date functions
    ///   read them;
    /// - other text (names, descriptions) is marked, so a copy is another thing.
    /// What marks a copy's text. Its `<` and `&` are what an HTML page must escape: a page route
    /// that writes a value raw (`{{{name}}}` where the task wants it escaped) differs on the
    /// variant's copies even when no text today has either.
    static let copyMark = " <v&>"

    static func copiedValues(of table: CopiedTable, columns: [String], in database: Connection) throws -> [String] {
        let quoted = SQLIdentifier.quote(table.name)
        let foreign = Set(try database.fetchAll("SELECT \"from\" FROM pragma_foreign_key_list(?)", arguments: [.text(table.name)])
            .compactMap { $0[0].textValue?.lowercased() })
        var unique: Set<String> = []
        for index in try database.fetchAll("SELECT name FROM pragma_index_list(?) WHERE \"unique\" = 1", arguments: [.text(table.name)]) {
            guard let name = index[0].textValue else { continue }
            for column in try database.fetchAll("SELECT name FROM pragma_index_info(?)", arguments: [.text(name)]) {
                if let column = column[0].textValue { unique.insert(column.lowercased()) }
            }
        }
        return try columns.map { column in
            let quotedColumn = SQLIdentifier.quote(column)
            let original = "@@" + quotedColumn
            let marked = "CASE WHEN typeof(\(original)) = 'text' THEN \(original) || \(sqlString(copyMark)) ELSE \(original) END"
            if foreign.contains(column.lowercased()) { return original }
            if unique.contains(column.lowercased()) { return marked }
            let counts = try database.fetchAll("""
                SELECT count(*), count(DISTINCT \(quotedColumn)),
                       count(*) FILTER (WHERE \(quotedColumn) GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' OR \(quotedColumn) GLOB '[0-9][0-9]:[0-9][0-9]*')
                FROM \(quoted) WHERE typeof(\(quotedColumn)) = 'text'
                """).first
            guard case .integer(let texts)? = counts?[0], case .integer(let distinct)? = counts?[1], case .integer(let dates)? = counts?[2] else { return marked }
            if texts == 0 || distinct * 2 <= texts || dates == texts { return original }
            return marked
        }
    }

    /// Runs `body` in a savepoint; when it fails, what it did is undone and copying goes on.
    private static func attempt(in database: Connection, _ body: () throws -> Void) throws {
        try database.execute("SAVEPOINT variant_copies")
        do {
            try body()
            try database.execute("RELEASE variant_copies")
        } catch {
            try database.execute("ROLLBACK TO variant_copies")
            try database.execute("RELEASE variant_copies")
        }
    }

    static func sqlString(_ text: String) -> String {
        "'" + text.replacing("'", with: "''") + "'"
    }
}
