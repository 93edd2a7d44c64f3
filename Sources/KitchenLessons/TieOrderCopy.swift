import KitchenSQL

/// A copy of a database whose every table holds the same rows, with the same values (ids
/// included), stored in the opposite order.
///
/// Rows that tie on a query's ORDER BY come out in the order SQLite meets them: a table's rowid
/// order, or an index's order, whose ties are in rowid order too. That order may be the one a task
/// asks for (`ORDER BY minutes DESC` lists tied rides by id, which is also by name today), and
/// `PRAGMA reverse_unordered_selects` cannot change it, since it only turns loops that no ORDER BY
/// orders. Here the rows meet the query the other way round, so an answer that leans on ties
/// changes while one with the asked tie-break does not (`RowOrderByChance`).
///
/// A table's INTEGER PRIMARY KEY is its rowid, and so fixes its order: such a column is declared
/// `INT PRIMARY KEY` in the copy, which keeps its values and its uniqueness (through an index) but
/// no longer is the rowid. Indexes and triggers are made again as they were. WITHOUT ROWID,
/// virtual and shadow tables keep their order (it is their primary key's). A table the copy cannot
/// rebuild keeps its rows as they were.
enum TieOrderCopy {
    static func make(from bytes: [UInt8], policy: SandboxPolicy) throws -> [UInt8] {
        var policy = policy
        policy.timeLimit = max(policy.timeLimit, 30)
        let database = try HiddenVariant.scratchCopy(of: bytes, policy: policy)
        try database.trusted {
            try database.execute("PRAGMA foreign_keys = OFF")
            // So that renaming a table rewrites no other table's foreign keys, view or trigger.
            try database.execute("PRAGMA legacy_alter_table = ON")
            defer {
                _ = try? database.execute("PRAGMA legacy_alter_table = OFF")
                _ = try? database.execute("PRAGMA foreign_keys = ON")
            }
            let tables = try database.fetchAll("""
                SELECT l.name, s.sql FROM pragma_table_list AS l JOIN sqlite_schema AS s ON s.name = l.name AND s.type = 'table'
                WHERE l.schema = 'main' AND l.type = 'table' AND l.wr = 0 AND l.name NOT LIKE 'sqlite_%' ORDER BY s.rowid
                """)
            for table in tables {
                guard let name = table[0].textValue, let sql = table[1].textValue else { continue }
                try storeBackwards(name, createdBy: sql, in: database)
            }
        }
        return try database.serialize()
    }

    /// Rebuilds `table` with its rows inserted in descending rowid order.
    private static func storeBackwards(_ table: String, createdBy sql: String, in database: Connection) throws {
        let info = try database.fetchAll("SELECT name, type, pk, hidden FROM pragma_table_xinfo(?)", arguments: [.text(table)])
        // Generated columns cannot be inserted into; such a table keeps its order.
        guard info.allSatisfy({ ($0[3].textValue ?? "0") == "0" }) else { return }
        let keys = info.filter { ($0[2].textValue ?? "0") != "0" }
        var created = sql
        if keys.count == 1, (keys[0][1].textValue ?? "").uppercased() == "INTEGER", let alias = keys[0][0].textValue {
            guard let unaliased = withoutRowidAlias(sql, column: alias) else { return }
            created = unaliased
        }
        let columns = info.compactMap { $0[0].textValue }.map(SQLIdentifier.quote).joined(separator: ", ")
        let dependents = try database.fetchAll("SELECT sql FROM sqlite_schema WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY rowid",
                                               arguments: [.text(table)]).compactMap { $0[0].textValue }
        let quoted = SQLIdentifier.quote(table)
        try database.execute("SAVEPOINT tie_order")
        do {
            try database.execute("ALTER TABLE \(quoted) RENAME TO kitchen_tie_order")
            try database.execute(created)
            try database.execute("INSERT INTO \(quoted) (\(columns)) SELECT \(columns) FROM kitchen_tie_order ORDER BY rowid DESC")
            try database.execute("DROP TABLE kitchen_tie_order")
            for dependent in dependents { try database.execute(dependent) }
            try database.execute("RELEASE tie_order")
        } catch {
            try database.execute("ROLLBACK TO tie_order")
            try database.execute("RELEASE tie_order")
        }
    }

    /// `sql` (a CREATE TABLE) with the type of `column` written `INT` instead of `INTEGER`, and
    /// without AUTOINCREMENT (allowed only on a rowid alias); nil when the column's type is not
    /// found where a column definition starts.
    static func withoutRowidAlias(_ sql: String, column: String) -> String? {
        let tokens = SQLToken.tokenize(sql)
        guard let open = tokens.firstIndex(where: { $0.kind == .symbol && $0.text == "(" }) else { return nil }
        var bytes = Array(sql.utf8)
        var edits: [(range: Range<Int>, text: String)] = []
        var depth = 0
        var definitionStarts = true
        for index in open..<tokens.count {
            let token = tokens[index]
            if token.kind == .symbol && token.text == "(" { depth += 1; if depth == 1 { definitionStarts = true; continue } }
            if token.kind == .symbol && token.text == ")" { depth -= 1 }
            if depth == 1 && token.kind == .symbol && token.text == "," { definitionStarts = true; continue }
            if token.keyword == "AUTOINCREMENT" { edits.append((token.start..<token.end, "")) }
            if definitionStarts && depth == 1 {
                definitionStarts = false
                if token.name == column.lowercased(), index + 1 < tokens.count, tokens[index + 1].keyword == "INTEGER" {
                    edits.append((tokens[index + 1].start..<tokens[index + 1].end, "INT"))
                }
            }
        }
        guard edits.contains(where: { $0.text == "INT" }) else { return nil }
        for edit in edits.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            bytes.replaceSubrange(edit.range, with: Array(edit.text.utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
