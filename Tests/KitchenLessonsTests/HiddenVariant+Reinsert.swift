import KitchenSQL
import Testing
@testable import KitchenLessons

/// The renumbering moves a table's rows to their new rowids by emptying it and inserting them
/// again (fast on a large table); the result must be exactly what the two UPDATEs of every rowid
/// leave, and a table it cannot handle must be left as it was for the UPDATEs to move.
@Suite("Hidden variant: rows renumbered by inserting them again")
struct HiddenVariantReinsert {
    static let schema = """
        CREATE TABLE dishes (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, price REAL CHECK (price > 0), note);
        CREATE INDEX dishes_price ON dishes (price, name);
        CREATE TABLE codes (code INT PRIMARY KEY, label TEXT);
        CREATE TABLE plain (a TEXT, b NUMERIC, c BLOB);
        CREATE TABLE backwards (id INTEGER PRIMARY KEY DESC, label TEXT);
        INSERT INTO dishes (name, price, note) VALUES ('Soup', 4.5, NULL), ('Pie', 3, 'x'), ('Tea', 0.25, 12), ('Jam', 2, x'00ff'), ('Bun', 1.5, 2.5);
        DELETE FROM dishes WHERE name = 'Tea';
        INSERT INTO codes VALUES (1, 'one'), (2, 'two'), (3, 'three'), (10, 'ten');
        INSERT INTO plain VALUES ('x', '12', x'01'), ('y', 'abc', NULL), (NULL, 3.5, 'text'), ('z', 7, 7);
        INSERT INTO backwards VALUES (1, 'one'), (2, 'two'), (3, 'three');
        """

    /// The schema and every row with its rowid.
    func contents(_ database: Connection) throws -> [String] {
        try database.trusted {
            var lines = try database.fetchAll("SELECT type, name, sql FROM sqlite_schema ORDER BY rowid").map { "\($0)" }
            for table in ["dishes", "codes", "plain", "backwards", "sqlite_sequence"] {
                lines += try database.fetchAll("SELECT rowid, *, typeof(rowid) FROM \(table) ORDER BY rowid").map { "\(table): \($0)" }
            }
            lines += try database.fetchAll("SELECT name, price FROM dishes INDEXED BY dishes_price ORDER BY price, name").map { "index: \($0)" }
            return lines
        }
    }

    /// Two copies with the same renumbering plan.
    func plannedCopies() throws -> (Connection, Connection) {
        let start = try Connection()
        try start.execute(Self.schema)
        let bytes = try start.serialize()
        let copies = try (HiddenVariant.scratchCopy(of: bytes, policy: .standard), HiddenVariant.scratchCopy(of: bytes, policy: .standard))
        for copy in [copies.0, copies.1] {
            _ = try copy.trusted { try HiddenVariant.planRenumbering(in: copy) }
        }
        return copies
    }

    @Test("inserting again leaves every row, value, type and index as the two UPDATEs do")
    func sameAsMovingInPlace() throws {
        let (reinserted, moved) = try plannedCopies()
        for table in ["dishes", "codes", "plain"] {
            let done = try reinserted.trusted { try HiddenVariant.reinsert(table, in: reinserted) }
            #expect(done, "\(table)")
            try moved.trusted { try HiddenVariant.moveInPlace(table, in: moved) }
        }
        #expect(try contents(reinserted) == contents(moved))
        // The rows really moved: no dish kept its id.
        let ids = try reinserted.fetchAll("SELECT id, name FROM dishes ORDER BY name")
        #expect(ids == [[.integer(2), .text("Bun")], [.integer(1), .text("Jam")], [.integer(5), .text("Pie")], [.integer(4), .text("Soup")]])
    }

    @Test("a key declared INTEGER PRIMARY KEY DESC is not the rowid: the table is left for the UPDATEs")
    func descendingKeyIsLeftAlone() throws {
        let (reinserted, moved) = try plannedCopies()
        let before = try contents(reinserted)
        let done = try reinserted.trusted { try HiddenVariant.reinsert("backwards", in: reinserted) }
        #expect(!done)
        #expect(try contents(reinserted) == before)
        _ = try reinserted.trusted { try HiddenVariant.rewrite("backwards", in: reinserted) }
        try moved.trusted { try HiddenVariant.moveInPlace("backwards", in: moved) }
        #expect(try contents(reinserted) == contents(moved))
        #expect(try contents(reinserted) != before)
    }

    @Test("a row added after the plan keeps its rowid and a deleted one stays gone, both ways alike")
    func changesAfterThePlan() throws {
        let (reinserted, moved) = try plannedCopies()
        for copy in [reinserted, moved] {
            try copy.execute("DELETE FROM codes WHERE code = 2; INSERT INTO codes (rowid, code, label) VALUES (20, 20, 'late'); INSERT INTO dishes (name, price) VALUES ('Cake', 5)")
        }
        for table in ["dishes", "codes"] {
            let done = try reinserted.trusted { try HiddenVariant.reinsert(table, in: reinserted) }
            #expect(done, "\(table)")
            try moved.trusted { try HiddenVariant.moveInPlace(table, in: moved) }
        }
        #expect(try contents(reinserted) == contents(moved))
        #expect(try reinserted.fetchAll("SELECT rowid FROM codes WHERE code = 20") == [[.integer(20)]])
    }

    @Test("a CHECK on the rowid fails the in-place moves, so that table is not inserted again (the renumbering stays undone)")
    func checkOnTheRowid() throws {
        #expect(HiddenVariant.checkNamesRowid("CREATE TABLE t (id INTEGER PRIMARY KEY CHECK (id > 0), x)", alias: "id"))
        #expect(HiddenVariant.checkNamesRowid("CREATE TABLE t (id INTEGER PRIMARY KEY, x, CHECK (\"ID\" <> x))", alias: "id"))
        #expect(HiddenVariant.checkNamesRowid("CREATE TABLE t (a, CHECK (rowid > 0))", alias: nil))
        #expect(!HiddenVariant.checkNamesRowid("CREATE TABLE t (id INTEGER PRIMARY KEY, qty INTEGER CHECK (qty > 0), note TEXT DEFAULT 'id')", alias: "id"))
        let start = try Connection()
        try start.execute("CREATE TABLE t (id INTEGER PRIMARY KEY CHECK (id > 0), x); INSERT INTO t (x) VALUES (1), (2), (3), (4);")
        let bytes = try start.serialize()
        let reinserted = try HiddenVariant.scratchCopy(of: bytes, policy: .standard)
        _ = try reinserted.trusted { try HiddenVariant.planRenumbering(in: reinserted) }
        #expect(try !reinserted.trusted { try HiddenVariant.reinsert("t", in: reinserted) })
        let renumbered = try HiddenVariant.scratchCopy(of: bytes, policy: .standard)
        try renumbered.trusted { try HiddenVariant.renumberRowids(in: renumbered) }
        #expect(try renumbered.fetchAll("SELECT id, x FROM t ORDER BY id") == start.fetchAll("SELECT id, x FROM t ORDER BY id"))
    }
}

