import Testing
@testable import KitchenSQL

@Suite("Connection: schema and query plans")
struct ConnectionSchemaTests {
    static let contents = """
        CREATE TABLE menu_items(id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL, category TEXT);
        CREATE INDEX menu_items_category ON menu_items(category);
        CREATE INDEX menu_items_category_price ON menu_items(category, price);
        CREATE TABLE orders(id INTEGER PRIMARY KEY, item_id INTEGER REFERENCES menu_items(id), quantity INTEGER);
        CREATE VIEW cheap_items AS SELECT name, price FROM menu_items WHERE price < 5;
        """

    @Test("schema() lists tables and views with their columns, in creation order")
    func tablesAndColumns() throws {
        let connection = try Connection()
        try connection.execute(Self.contents)
        let schema = try connection.schema()
        #expect(schema.tableNames == ["menu_items", "orders", "cheap_items"])
        #expect(schema.table(named: "MENU_ITEMS")?.columns == ["id", "name", "price", "category"])
        #expect(schema.table(named: "cheap_items")?.type == "view")
        #expect(schema.table(named: "cheap_items")?.columns == ["name", "price"])
        #expect(schema.table(named: "nope") == nil)
        #expect(schema.allColumnNames == ["id", "name", "price", "category", "item_id", "quantity"])
    }

    @Test("schema() keeps every CREATE statement, indexes under their table")
    func statements() throws {
        let connection = try Connection()
        try connection.execute(Self.contents)
        let statements = try connection.schema().statements
        #expect(statements.map(\.name) == ["menu_items", "menu_items_category", "menu_items_category_price", "orders", "cheap_items"])
        #expect(statements[1].tableName == "menu_items")
        #expect(statements[1].sql == "CREATE INDEX menu_items_category ON menu_items(category)")
    }

    @Test("schema() works even though the learner's sandbox would refuse nothing here, and hides sqlite_ internals")
    func hidesInternalTables() throws {
        let connection = try Connection()
        try connection.execute("CREATE TABLE t(a INTEGER PRIMARY KEY AUTOINCREMENT); INSERT INTO t DEFAULT VALUES; ANALYZE;")
        #expect(try connection.schema().tableNames == ["t"])
    }

    @Test("queryPlan(for:) sees an index search, and the plan does not run the statement")
    func planUsesIndex() throws {
        let connection = try Connection()
        try connection.execute(Self.contents)
        let plan = try connection.queryPlan(for: "SELECT name FROM menu_items WHERE category = 'soup'")
        #expect(plan.usesIndex())
        #expect(!plan.hasFullScan)

        let deletePlan = try connection.queryPlan(for: "DELETE FROM orders")
        _ = deletePlan
        #expect(try connection.fetchAll("SELECT count(*) FROM orders") == [[0]])
    }

    @Test("queryPlan(for:) sees a full scan when no index fits")
    func planFullScan() throws {
        let connection = try Connection()
        try connection.execute(Self.contents)
        let plan = try connection.queryPlan(for: "SELECT * FROM menu_items WHERE name = 'soup'")
        #expect(!plan.usesIndex())
        #expect(plan.hasFullScan)
        #expect(plan.rendered.hasPrefix("QUERY PLAN\n`--SCAN menu_items"))
    }

    @Test("a rowid lookup counts as using an index")
    func planPrimaryKey() throws {
        let connection = try Connection()
        try connection.execute(Self.contents)
        #expect(try connection.queryPlan(for: "SELECT * FROM orders WHERE id = 3").usesIndex())
    }

    @Test("usesIndex(named:) counts only that index")
    func planNamedIndex() throws {
        let connection = try Connection()
        try connection.execute(Self.contents)
        let plan = try connection.queryPlan(for: "SELECT price FROM menu_items WHERE category = 'soup' AND price > 2")
        #expect(plan.usesIndex(named: "menu_items_category_price"))
        #expect(!plan.usesIndex(named: "orders_item"))
        // A name that is a prefix of the index used does not count.
        #expect(!plan.usesIndex(named: "menu_items_category"))
    }

    @Test("the rendered plan draws a tree like the sqlite3 shell")
    func renderedTree() {
        let plan = QueryPlan(steps: [
            .init(id: 2, parent: 0, detail: "SCAN a"),
            .init(id: 5, parent: 0, detail: "SEARCH b USING INDEX bi (x=?)"),
            .init(id: 7, parent: 5, detail: "CORRELATED SCALAR SUBQUERY 1"),
        ])
        #expect(plan.rendered == """
            QUERY PLAN
            |--SCAN a
            `--SEARCH b USING INDEX bi (x=?)
               `--CORRELATED SCALAR SUBQUERY 1
            """)
    }

    @Test("a query plan of bad SQL throws the SQL error")
    func planOfBadSQL() throws {
        let connection = try Connection()
        #expect(throws: DatabaseError.self) { try connection.queryPlan(for: "SELECT * FROM nowhere") }
    }
}
