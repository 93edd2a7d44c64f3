import Testing
@testable import KitchenLessons

/// An author who leaves out `order:` on a `sql-result` step whose reference sorts: the order is
/// part of the answer, so an answer in another order (or with no ORDER BY) fails.
@Suite("sql-result: the reference's own ORDER BY makes the order count unless the step says otherwise")
struct ReferenceOrderGrading {
    static let cheapestMains = "SELECT name, price FROM items WHERE category_id = 1 ORDER BY price"

    @Test("no `order:` and a sorting reference: unsorted and wrongly sorted answers fail, sorted ones pass")
    func impliedStrict() throws {
        let grader = try grader(check: "kind: sql-result", solution: Self.cheapestMains)
        #expect(!grader.grade("SELECT name, price FROM items WHERE category_id = 1").passed, "rowid order is not cheapest first")
        #expect(!grader.grade("SELECT name, price FROM items WHERE category_id = 1 ORDER BY price DESC").passed)
        #expect(grader.grade("SELECT name, price FROM items WHERE category_id = 1 ORDER BY 2").passed)
        #expect(grader.grade("SELECT name, price FROM items WHERE category_id = 1 ORDER BY price, name").passed)
    }

    @Test("`order: any` written out keeps any order; a reference that does not sort compares multisets")
    func statedOrUnsorted() throws {
        let stated = try grader(check: "kind: sql-result\norder: any", solution: Self.cheapestMains)
        #expect(stated.grade("SELECT name, price FROM items WHERE category_id = 1 ORDER BY name").passed)
        let unsorted = try grader(check: "kind: sql-result", solution: "SELECT name, price FROM items WHERE category_id = 1")
        #expect(unsorted.grade("SELECT name, price FROM items WHERE category_id = 1 ORDER BY name").passed)
        let inner = try grader(check: "kind: sql-result",
                               solution: "SELECT name FROM (SELECT name, price FROM items ORDER BY price LIMIT 3)")
        #expect(inner.grade("SELECT name FROM (SELECT name FROM items ORDER BY price LIMIT 3) ORDER BY name DESC").passed,
                "an inner ORDER BY only picks the rows")
    }

    @Test("which ORDER BY counts: the last statement's own, not one in parentheses, a comment or a string")
    func whichOrderByCounts() {
        #expect(ReferenceOrder.ordersItsRows("SELECT a FROM t ORDER BY a;"))
        #expect(ReferenceOrder.ordersItsRows("SELECT a FROM t UNION SELECT b FROM u ORDER BY 1"))
        #expect(ReferenceOrder.ordersItsRows("WITH x AS (SELECT a FROM t) SELECT a FROM x order\nby a DESC"))
        #expect(!ReferenceOrder.ordersItsRows("SELECT a, rank() OVER (ORDER BY a) FROM t"))
        #expect(!ReferenceOrder.ordersItsRows("SELECT a FROM (SELECT a FROM t ORDER BY a LIMIT 2)"))
        #expect(!ReferenceOrder.ordersItsRows("SELECT a FROM t ORDER BY a; SELECT count(*) FROM t"))
        #expect(!ReferenceOrder.ordersItsRows("SELECT 'ORDER BY a' FROM t -- ORDER BY a"))
        #expect(!ReferenceOrder.ordersItsRows("SELECT a FROM t /* ORDER BY a */"))
    }
}
