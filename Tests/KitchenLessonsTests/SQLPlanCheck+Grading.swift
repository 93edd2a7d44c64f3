import Testing
@testable import KitchenLessons

@Suite("sql-plan: EXPLAIN QUERY PLAN must (or must not) use an index")
struct SQLPlanCheckGrading {
    var planOfQuery: String {
        "kind: sql-plan\nquery: SELECT name FROM items WHERE price = 3"
    }

    @Test("with query: creating the index that query needs passes and shows the plan")
    func queryUsesCreatedIndex() throws {
        let grader = try grader(check: planOfQuery, solution: "CREATE INDEX items_price ON items(price);")
        let verdict = grader.grade("CREATE INDEX by_price ON items (price)")
        #expect(verdict.passed)
        #expect(verdict.summary == "Correct: SQLite now finds the rows through an index.")
        #expect(verdict.details.contains { $0.contains("USING INDEX by_price") })
    }

    @Test("with query: an index the query cannot use fails and draws the full scan")
    func queryWithUselessIndex() throws {
        let grader = try grader(check: planOfQuery, solution: "CREATE INDEX items_price ON items(price);")
        let verdict = grader.grade("CREATE INDEX by_category ON items (category_id)")
        #expect(!verdict.passed)
        #expect(verdict.summary == "The plan does not use an index to find the rows yet, so SQLite reads the whole table:")
        #expect(verdict.details.contains { $0.contains("SCAN items") })
    }

    @Test("with index: only the named index counts")
    func namedIndex() throws {
        let grader = try grader(check: planOfQuery + "\nindex: items_price", solution: "CREATE INDEX items_price ON items(price);")
        #expect(grader.grade("CREATE INDEX items_price ON items(price)").passed)
        let verdict = grader.grade("CREATE INDEX price_idx ON items(price)")
        #expect(!verdict.passed)
        #expect(verdict.summary == "The plan does not use the index items_price to find the rows yet, so SQLite reads the whole table:")
    }

    @Test("uses-index: false wants a plan without an index")
    func withoutIndex() throws {
        let check = "kind: sql-plan\nuses-index: false\nquery: SELECT name FROM items WHERE name = 'Tea'"
        let grader = try grader(check: check, solution: "CREATE TABLE plain AS SELECT * FROM items; DROP TABLE items; ALTER TABLE plain RENAME TO items;")
        #expect(grader.grade("CREATE TABLE plain AS SELECT * FROM items; DROP TABLE items; ALTER TABLE plain RENAME TO items;").passed)
        let verdict = grader.grade("SELECT 1")
        #expect(!verdict.passed)
        #expect(verdict.summary == "The plan still uses an index, but this step wants a plan without one:")
    }

    @Test("without query: the answer's own query is planned and must use an index")
    func answersOwnQuery() throws {
        let grader = try grader(check: "kind: sql-plan", solution: "SELECT name, price FROM items WHERE id = 3;")
        #expect(grader.grade("SELECT name, price FROM items WHERE id = 3").passed)
        let verdict = grader.grade("SELECT name, price FROM items WHERE id + 0 = 3")
        #expect(!verdict.passed)
        #expect(verdict.summary.hasPrefix("The plan does not use an index to find the rows yet"))
    }

    @Test("a full scan of a covering index is still a full scan, not finding rows through an index")
    func coveringIndexScan() throws {
        let grader = try grader(check: "kind: sql-plan", solution: "SELECT name FROM items WHERE id = 3;")
        // The plan is `SCAN items USING COVERING INDEX sqlite_autoindex_items_1`: every entry is read.
        let verdict = grader.grade("SELECT name FROM items WHERE id + 0 = 3")
        #expect(verdict.details.contains { $0.contains("SCAN items USING COVERING INDEX") })
        #expect(!verdict.passed)
        #expect(verdict.summary.hasPrefix("The plan does not use an index to find the rows yet"))
    }

    @Test("without query: the answer's rows must also match the reference's")
    func answersOwnQueryRows() throws {
        let grader = try grader(check: "kind: sql-plan", solution: "SELECT name FROM items WHERE id = 3;")
        let verdict = grader.grade("SELECT name FROM items WHERE id = 4")
        #expect(!verdict.passed)
        #expect(verdict.summary == "Not yet: your query's result is not the one asked for.")
        #expect(verdict.details.contains("  - Tea"))
        #expect(verdict.details.contains("  + Pasta"))
    }

    @Test("without query: an answer with no query, a failing answer and an empty answer fail")
    func noQuery() throws {
        let grader = try grader(check: "kind: sql-plan", solution: "SELECT name FROM items WHERE id = 3;")
        #expect(grader.grade("CREATE INDEX x ON items(price)").summary == "Your answer has no query to look at: this step wants a SELECT.")
        #expect(grader.grade("SELECT name FROM nowhere WHERE id = 3").summary == "Your SQL failed: no such table: nowhere")
        #expect(grader.grade("").summary == "No answer yet.")
    }

    /// An index is not enough: it must serve the lookup the reference's plan makes. An index on
    /// `price` gives `SEARCH items USING INDEX … (price>?)` for a query that looks items up by
    /// category, and used to pass as "uses an index".
    @Test("with query: an index on another column the query also filters on fails; longer indexes that serve the lookup pass")
    func wrongIndexColumns() throws {
        let check = "kind: sql-plan\nquery: SELECT name FROM items WHERE category_id = 2 AND price > 3"
        let grader = try grader(check: check, solution: "CREATE INDEX items_category ON items(category_id);")
        for answer in [
            "CREATE INDEX by_category ON items (category_id)",
            "CREATE INDEX by_category_price ON items (category_id, price)",
            "CREATE INDEX by_price_category ON items (price, category_id); CREATE INDEX c ON items (category_id)",
        ] {
            let verdict = grader.grade(answer)
            #expect(verdict.passed, "\(answer): \(verdict.explanation)")
        }
        let verdict = grader.grade("CREATE INDEX by_price ON items (price)")
        #expect(!verdict.passed)
        #expect(verdict.summary == "The plan finds rows through an index, but not by what this step looks up: it searches by price, and the rows are wanted by category_id.")
        #expect(verdict.details.contains { $0.contains("USING INDEX by_price (price>?)") }, "\(verdict.details)")
    }

    @Test("without query: the answer's own query must search with the columns the reference's plan searches with")
    func wrongIndexOwnQuery() throws {
        let setup = pantrySetup + "\nCREATE INDEX items_category ON items(category_id);\nCREATE INDEX items_price ON items(price);"
        let grader = try grader(check: "kind: sql-plan", solution: "SELECT name FROM items WHERE category_id = 1 ORDER BY name;", setup: setup)
        #expect(grader.grade("SELECT i.name FROM items AS i WHERE i.category_id = 1 ORDER BY 1").passed)
        // Same rows, found through the price index: the lookup the step is about is not made.
        let verdict = grader.grade("SELECT name FROM items WHERE price IN (6.5, 8, 11, 12) ORDER BY name")
        #expect(!verdict.passed)
        #expect(verdict.summary.hasPrefix("The plan finds rows through an index, but not by what this step looks up: it searches by price"), "\(verdict.explanation)")
    }

    @Test("search columns are read from a plan line")
    func searchColumnsOfPlanLines() {
        #expect(SQLPlanCheck.searchColumns(of: "SEARCH orders USING INDEX orders_table (table_no=?)") == ["table_no"])
        #expect(SQLPlanCheck.searchColumns(of: "SEARCH o USING COVERING INDEX x (table_no=? AND status>?)") == ["table_no", "status"])
        #expect(SQLPlanCheck.searchColumns(of: "SEARCH sales USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)") == ["rowid"])
        #expect(SQLPlanCheck.searchColumns(of: "SEARCH t USING INDEX i (ANY(a) AND b=?)") == ["b"])
        #expect(SQLPlanCheck.searchColumns(of: "SCAN orders") == nil)
    }
}
