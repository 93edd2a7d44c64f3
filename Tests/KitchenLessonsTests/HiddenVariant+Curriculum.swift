import Foundation
import KitchenSQL
import Testing
@testable import KitchenLessons

/// On the curriculum's own setups (the restaurant, the 120,000 sales, accounts), the variant made
/// the fast way (rotations computed, foreign keys moved while their table is inserted again) is
/// the variant the renumbering made before: every table inserted again with its rowids looked up
/// in the plan, then every foreign key moved by `follow`'s two UPDATEs.
@Suite("Hidden variant: the curriculum's variants are made as before")
struct HiddenVariantCurriculum {
    static let lessonsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("lessons").path

    /// The renumbering as it was made before the fast ways.
    static func renumberAsBefore(_ database: Connection) throws {
        var plan = try HiddenVariant.planRenumbering(in: database)
        plan.rotations = [:]
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
                if try !HiddenVariant.reinsert(table, in: database) { try HiddenVariant.moveInPlace(table, in: database) }
            }
            for move in try HiddenVariant.keyMoves(plan, existing: existing, in: database) {
                try HiddenVariant.follow(move.child, column: move.column, parent: move.parent, in: database)
            }
            try database.execute("DROP TABLE temp.kitchen_renumber")
            for trigger in triggers {
                if let sql = trigger[1].textValue { try database.execute(sql) }
            }
            try database.execute("RELEASE renumber")
        } catch {
            try? database.execute("ROLLBACK TO renumber")
            try? database.execute("RELEASE renumber")
            try? database.execute("DROP TABLE IF EXISTS temp.kitchen_renumber")
        }
    }

    /// The schema, and every table's rows with their rowids and storage classes, as text.
    static func contents(_ bytes: [UInt8]) throws -> [String] {
        // Reading every row of 200,000 takes more than a learner's time limit on a busy machine.
        var policy = SandboxPolicy.standard
        policy.timeLimit = 300
        let database = try Connection.inMemory(copying: bytes, policy: policy)
        return try database.trusted {
            var lines = try database.fetchAll("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY rowid").map { "\($0)" }
            for table in try database.fetchAll("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' ORDER BY name").compactMap({ $0[0].textValue }) {
                let quoted = SQLIdentifier.quote(table)
                let columns = try database.fetchAll("SELECT name FROM pragma_table_info(?)", arguments: [.text(table)]).compactMap { $0[0].textValue }
                let hasRowid = try HiddenVariant.hasRowid(table, in: database)
                let values = (hasRowid ? ["rowid"] : []) + columns.map(SQLIdentifier.quote)
                let row = values.map { "quote(\($0)) || typeof(\($0))" }.joined(separator: " || ',' || ")
                let all = try database.fetchAll("SELECT count(*), group_concat(r, char(10)) FROM (SELECT \(row) AS r FROM \(quoted) ORDER BY \(hasRowid ? "rowid" : "1"))")
                lines.append("\(table): \(all)")
            }
            return lines
        }
    }

    @Test("every lesson's setup gets the same variant both ways")
    func sameVariants() throws {
        // The lessons whose checks this module knows (the SQL ones: the http and route kinds
        // are registered by the server's module); the indexes lesson, with its sales, is one.
        let catalog = LessonLoader().loadDirectory(Self.lessonsDirectory)
        #expect(catalog.lessons.contains { $0.id == "indexes" })
        #expect(catalog.lessons.count >= 5)
        var largest = 0
        var seen: Set<[String?]> = []
        // Lessons with the same fixture, setup SQL and variant SQL have the same variant.
        for lesson in catalog.lessons where seen.insert([lesson.setup.fixtureName, lesson.setup.sql, lesson.setup.variantSQL]).inserted {
            let databases = LessonDatabases(lesson: lesson)
            let setup = try databases.setup()
            let fast = try HiddenVariant.make(from: setup, extraSQL: lesson.setup.variantSQL, policy: databases.policy, lesson: lesson)
            let before = try HiddenVariant.beforeRenumbering(from: setup, extraSQL: lesson.setup.variantSQL, policy: databases.policy, lesson: lesson)
            try before.trusted {
                try Self.renumberAsBefore(before)
                try HiddenVariant.addChildlessParents(in: before)
            }
            let fastContents = try Self.contents(fast)
            #expect(fastContents == (try Self.contents(try before.serialize())), "\(lesson.id)")
            largest = max(largest, setup.count)
            // The variant really differs from the setup (ids moved, rows added).
            #expect(fastContents != (try Self.contents(setup)), "\(lesson.id)")
        }
        // The 120,000-row sales table is among them.
        #expect(largest > 2_000_000)
    }
}
