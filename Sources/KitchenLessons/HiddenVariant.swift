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

    static func hasRowid(_ table: String, in database: Connection) throws -> Bool {
        // A WITHOUT ROWID table has no rowid column to select.
        (try? database.fetchAll("SELECT rowid FROM \(SQLIdentifier.quote(table)) LIMIT 0")) != nil
    }
}
