import KitchenSQL

/// Makes the hidden variant of a step's database: same schema, other rows, other ids. A query
/// that computes its answer gives the reference's rows on it too; one that hard-codes values or
/// ids does not. Deterministic, so `kitchen lessons test` gives the same verdict every run.
///
/// 1. Every table gets copies of every third row, related to each other as their originals are
///    (`copyRows`: a copied parent has copied children), with `' <v&>'` appended to text that must
///    differ (rows that would break a constraint are skipped), and their numbers moved by one (see
///    `perturbNumbers`), so a result right only for today's values (an average that happens to be
///    a whole number, where integer division gives it too) differs.
/// 2. The lesson's `variant` SQL runs (ids still as in the step's data).
/// 3. Every rowid table's rowids (its INTEGER PRIMARY KEY, if it has one) are renumbered by a
///    permutation without fixed points, and every foreign key that refers to them follows, so a
///    hard-coded `WHERE id IN (1, 2, 3)` or `rowid = 5` names other rows.
/// 4. Every table that a foreign key refers to gets one more row that nothing refers to
///    (`addChildlessParents`), so an inner JOIN where "members with none too" are asked for differs.
enum HiddenVariant {
    static func make(from bytes: [UInt8], extraSQL: String?, policy: SandboxPolicy, lesson: Lesson) throws -> [UInt8] {
        let database = try beforeRenumbering(from: bytes, extraSQL: extraSQL, policy: policy, lesson: lesson)
        try database.trusted {
            try renumberRowids(in: database)
            try addChildlessParents(in: database)
        }
        return try database.serialize()
    }

    /// The variant after steps 1 and 2, with the step's ids: `sql-state` compares there when the
    /// reference's own statements name rows by their ids.
    static func beforeRenumbering(from bytes: [UInt8], extraSQL: String?, policy: SandboxPolicy, lesson: Lesson) throws -> Connection {
        let database = try scratchCopy(of: bytes, policy: policy)
        try database.trusted {
            let copiesAfter = try copyRows(in: database)
            try perturbNumbers(copies: copiesAfter, in: database)
            try database.execute("DROP TABLE temp.kitchen_copies")
        }
        if let extraSQL {
            // Lesson SQL: it runs under the sandbox like the learner's.
            do { try database.execute(extraSQL) } catch let error as DatabaseError {
                throw LessonProblem(file: lesson.file, line: lesson.setup.variantLine, message: "setup.variant fails: \(error.message)")
            }
        }
        return database
    }

    /// A copy of `bytes` to build a variant (or another copy) in. Its temporary tables (the
    /// plans of copies and renumbering, 100,000 rows and more for a large table) stay in memory
    /// instead of spilling to a temporary file. Set before any temporary table exists: changing
    /// the setting drops them.
    static func scratchCopy(of bytes: [UInt8], policy: SandboxPolicy) throws -> Connection {
        let database = try Connection.inMemory(copying: bytes, policy: policy)
        try database.trusted { try database.execute("PRAGMA temp_store = MEMORY") }
        return database
    }

    static func hasRowid(_ table: String, in database: Connection) throws -> Bool {
        // A WITHOUT ROWID table has no rowid column to select.
        (try? database.fetchAll("SELECT rowid FROM \(SQLIdentifier.quote(table)) LIMIT 0")) != nil
    }
}
