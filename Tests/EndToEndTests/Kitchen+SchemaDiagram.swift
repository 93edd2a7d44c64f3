import Foundation
import Testing

/// `.erd` / `.schema --diagram` through the binary: box-drawing characters in a UTF-8 locale,
/// plain ASCII without one.
@Suite("kitchen sql: .erd draws the tables", .enabled(if: KitchenBinary.path != nil, "needs the kitchen binary"))
struct KitchenSchemaDiagramTests {
    static let input = """
        CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
        CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id), total REAL);
        .erd
        .schema orders --diagram

        """

    @Test("in a UTF-8 locale: boxes with box-drawing characters and the foreign key as an arrow")
    func unicode() throws {
        let result = try KitchenBinary.run(["sql"], input: Self.input, environment: ["LANG": "C.UTF-8", "LC_ALL": "", "LC_CTYPE": ""])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("┌"), "\(result.out)")
        #expect(result.out.contains("│ customers"))
        #expect(result.out.contains("customer_id  INTEGER  → customers.id"))
        #expect(result.out.contains("  orders.customer_id → customers.id"))
        #expect(result.out.components(separatedBy: "│ orders").count - 1 == 2, "both commands drew orders")
    }

    @Test("without a UTF-8 locale: ASCII only")
    func ascii() throws {
        let result = try KitchenBinary.run(["sql"], input: Self.input, environment: ["LANG": "C", "LC_ALL": "", "LC_CTYPE": ""])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.unicodeScalars.allSatisfy { $0.isASCII }, "\(result.out)")
        #expect(result.out.contains("| customers"))
        #expect(result.out.contains("customer_id  INTEGER  -> customers.id"))
    }
}
