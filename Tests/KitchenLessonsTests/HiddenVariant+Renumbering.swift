import KitchenSQL
import Testing
@testable import KitchenLessons

/// The renumbering's cheaper ways (a rotation planned without a join, foreign keys moved while
/// their table is inserted again) must leave exactly what the slower ways leave.
@Suite("Hidden variant: the renumbering's plan and foreign keys")
struct HiddenVariantRenumbering {
    /// The plan as it was made before: the numbered rows joined with themselves.
    static func joinedRotation(of table: String, in database: Connection) throws -> [[DatabaseValue]] {
        try database.fetchAll("""
            WITH numbered AS (SELECT rowid AS id, row_number() OVER (ORDER BY rowid) - 1 AS k, count(*) OVER () AS n FROM \(table))
            SELECT a.id, b.id FROM numbered a JOIN numbered b ON b.k = (a.k + a.n / 2) % a.n ORDER BY a.id
            """)
    }

    @Test("the rotation by arithmetic (no gaps) and by lead/lag (gaps) is the rotation the join made", arguments: [
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1001) INSERT INTO t (x) SELECT i FROM n",
        "INSERT INTO t (rowid, x) VALUES (-3, 1), (-2, 2), (-1, 3), (0, 4), (1, 5)",
        "INSERT INTO t (rowid, x) VALUES (7, 1)",
        "INSERT INTO t (rowid, x) VALUES (7, 1), (8, 2)",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO t (rowid, x) SELECT i * i, i FROM n",
        "INSERT INTO t (rowid, x) VALUES (-9223372036854775807, 1), (5, 2), (9223372036854775807, 3)",
        "INSERT INTO t (rowid, x) VALUES (2, 1), (3, 2), (5, 3), (6, 4), (7, 5), (40, 6), (41, 7)",
    ])
    func rotationIsTheJoinedOne(rows: String) throws {
        let database = try Connection()
        try database.execute("CREATE TABLE t (x); " + rows)
        let planned = try database.fetchAll("SELECT rowid FROM t").count
        let rotation = try #require(try HiddenVariant.rotation(of: "t", in: database))
        let made = try database.fetchAll("SELECT * FROM (\(rotation.select)) ORDER BY 2").map { Array($0.dropFirst()) }
        // Rowids without gaps are rotated by arithmetic, and the plan knows it.
        let gapless = try database.fetchAll("SELECT max(rowid) - min(rowid) + 1 = count(*) FROM t") == [[.integer(1)]]
        #expect((rotation.arithmetic != nil) == gapless)
        #expect(made.count == planned)
        #expect(made == (try Self.joinedRotation(of: "t", in: database)))
        if planned > 1 { #expect(made.allSatisfy { $0[0] != $0[1] }) }
    }

    @Test("an empty table has no rotation")
    func emptyTable() throws {
        let database = try Connection()
        try database.execute("CREATE TABLE t (x)")
        #expect(try HiddenVariant.rotation(of: "t", in: database) == nil)
    }

    static let schema = """
        PRAGMA foreign_keys = OFF;
        CREATE TABLE parents (id INTEGER PRIMARY KEY, name TEXT);
        CREATE TABLE children (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parents(id), other_id REFERENCES parents(id), self_id INTEGER REFERENCES children(id), note TEXT);
        CREATE TABLE checked (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parents(id) CHECK (parent_id IS NOT NULL), n);
        CREATE TABLE uniquely (id INTEGER PRIMARY KEY, parent_id INTEGER UNIQUE REFERENCES parents(id));
        CREATE INDEX children_parent ON children (parent_id, note);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 9) INSERT INTO parents (id, name) SELECT i, 'p' || i FROM n;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)
        INSERT INTO children (id, parent_id, other_id, self_id, note) SELECT i, 1 + i % 9, CASE i % 4 WHEN 0 THEN NULL WHEN 1 THEN '3' WHEN 2 THEN 2.0 ELSE 1 + i % 7 END, 1 + (i * 7) % 40, 'c' || i FROM n;
        -- A key that names no parent, one parked where `follow` parks keys, text and a blob.
        INSERT INTO children (id, parent_id, other_id, self_id, note) VALUES (41, 77, 4611686018427387909, 41, 'dangling'), (42, 'two', x'01', NULL, 'text');
        INSERT INTO checked (id, parent_id, n) VALUES (1, 1, 1), (2, 5, 2), (3, 9, 3);
        INSERT INTO uniquely (id, parent_id) VALUES (1, 1), (2, 2), (3, 3);
        """

    /// The schema and every row with its rowid and types.
    func contents(_ database: Connection) throws -> [String] {
        try database.trusted {
            var lines = try database.fetchAll("SELECT type, name, sql FROM sqlite_schema ORDER BY rowid").map { "\($0)" }
            for table in ["parents", "children", "checked", "uniquely"] {
                lines += try database.fetchAll("SELECT rowid, *, typeof(rowid) FROM \(table) ORDER BY rowid").map { "\(table): \($0)" }
            }
            for table in ["children", "checked", "uniquely"] {
                lines += try database.fetchAll("SELECT quote(parent_id), typeof(parent_id) FROM \(table) ORDER BY rowid").map { "\(table) key: \($0)" }
            }
            lines += try database.fetchAll("SELECT parent_id, note FROM children INDEXED BY children_parent ORDER BY parent_id, note").map { "index: \($0)" }
            return lines
        }
    }

    @Test("keys moved while their table is inserted again end as follow's two UPDATEs leave them, with rowids computed or looked up",
          arguments: [false, true])
    func keysMovedAlong(gaps: Bool) throws {
        let start = try Connection()
        try start.execute(Self.schema)
        if gaps { try start.execute("DELETE FROM parents WHERE id = 4; DELETE FROM children WHERE id = 20") }
        let bytes = try start.serialize()
        let computed = try HiddenVariant.scratchCopy(of: bytes, policy: .standard)
        let lookedUp = try HiddenVariant.scratchCopy(of: bytes, policy: .standard)
        let apart = try HiddenVariant.scratchCopy(of: bytes, policy: .standard)
        let copies = [computed, lookedUp, apart]
        // As `applyRenumbering` has them: a key parked on the way names no row.
        for copy in copies { try copy.execute("PRAGMA foreign_keys = OFF") }
        var plans = try copies.map { copy in try copy.trusted { try HiddenVariant.planRenumbering(in: copy) } }
        #expect(plans[0].rotations.keys.sorted() == (gaps ? ["checked", "uniquely"] : ["checked", "children", "parents", "uniquely"]))
        plans[1].rotations = [:]
        // Rows changed between the plan and the moves (as sql-state's reference does): one
        // deleted and added again inside the planned rowids, one added after them.
        for copy in copies {
            try copy.execute("DELETE FROM children WHERE id = 5; INSERT INTO children (id, parent_id, other_id, self_id, note) VALUES (5, 3, 9, 6, 'again'), (100, 2, 1, 100, 'late')")
        }
        let existing: Set<String> = ["parents", "children", "checked", "uniquely"]
        let moves = try computed.trusted { try HiddenVariant.keyMoves(plans[0], existing: existing, in: computed) }
        #expect(moves.count == 5)
        // Moved along: both keys of children and its key to itself; not the key a CHECK names
        // nor the UNIQUE one.
        for (copy, plan) in zip([computed, lookedUp], plans) {
            var taken: [String: Set<String>] = [:]
            try copy.trusted {
                for table in plan.renumbered {
                    taken[table] = try HiddenVariant.rewrite(table, in: copy, following: moves.filter { $0.child == table }, plan: plan)
                }
                for move in moves where !(taken[move.child] ?? []).contains(move.column) {
                    try HiddenVariant.follow(move.child, column: move.column, parent: move.parent, in: copy)
                }
            }
            #expect(taken["children"] == ["parent_id", "other_id", "self_id"])
            #expect(taken["checked"] == [])
            #expect(taken["uniquely"] == [])
        }
        try apart.trusted {
            for table in plans[2].renumbered {
                #expect(try HiddenVariant.reinsert(table, in: apart), "\(table)")
            }
            for move in moves {
                try HiddenVariant.follow(move.child, column: move.column, parent: move.parent, in: apart)
            }
        }
        #expect(try contents(computed) == contents(apart))
        #expect(try contents(lookedUp) == contents(apart))
        // The keys really moved: child 1 points at its parent's new id, named as before.
        let named = try computed.fetchAll("SELECT p.name FROM children AS c JOIN parents AS p ON p.id = c.parent_id WHERE c.note = 'c1'")
        #expect(named == [[.text("p2")]])
        #expect(try computed.fetchAll("SELECT parent_id FROM children WHERE note = 'c1'") != start.fetchAll("SELECT parent_id FROM children WHERE note = 'c1'"))
        #expect(try computed.fetchAll("SELECT other_id FROM children WHERE note = 'dangling'") == [[.integer(5)]])
        #expect(try computed.fetchAll("SELECT id FROM children WHERE note = 'late'") == [[.integer(100)]])
    }

    @Test("the whole renumbering leaves the same database as before, relations intact")
    func wholeRenumbering() throws {
        let start = try Connection()
        try start.execute(Self.schema)
        let renumbered = try HiddenVariant.scratchCopy(of: try start.serialize(), policy: .standard)
        try renumbered.trusted { try HiddenVariant.renumberRowids(in: renumbered) }
        let relation = "SELECT c.note, p.name, s.note FROM children AS c LEFT JOIN parents AS p ON p.id = c.parent_id LEFT JOIN children AS s ON s.id = c.self_id ORDER BY c.note"
        #expect(try renumbered.fetchAll(relation) == start.fetchAll(relation))
        #expect(try renumbered.fetchAll("SELECT id FROM children WHERE note = 'c1'") != start.fetchAll("SELECT id FROM children WHERE note = 'c1'"))
        let checked = "SELECT c.n, p.name FROM checked AS c JOIN parents AS p ON p.id = c.parent_id ORDER BY c.n"
        #expect(try renumbered.fetchAll(checked) == start.fetchAll(checked))
    }
}
