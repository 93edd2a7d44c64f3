import Testing
import KitchenSQL
@testable import KitchenShell

@Suite("SchemaDiagram: tables as boxes with their foreign keys")
struct SchemaDiagramTests {
    static let setup = """
        CREATE TABLE categories (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
        CREATE TABLE menu_items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, category_id INTEGER REFERENCES categories(id));
        CREATE TABLE order_items (order_id INTEGER, item_id INTEGER REFERENCES menu_items, qty INTEGER);
        CREATE TABLE notes (body TEXT);
        CREATE VIEW cheap AS SELECT * FROM menu_items;
        """

    @Test("it reads tables (not views), columns, primary keys and foreign keys")
    func reads() throws {
        let connection = try Connection()
        try connection.execute(Self.setup)
        let diagram = try SchemaDiagram.read(from: connection)
        #expect(diagram.tables.map(\.name) == ["categories", "menu_items", "notes", "order_items"])
        let items = try #require(diagram.tables.first { $0.name == "menu_items" })
        #expect(items.columns[0] == .init(name: "id", type: "INTEGER", isPrimaryKey: true))
        #expect(items.columns[2].reference == "categories.id")
        #expect(diagram.tables.last?.columns[1].reference == "menu_items.id")
    }

    @Test("boxes sit side by side as far as the width allows, referenced tables first")
    func layout() throws {
        let connection = try Connection()
        try connection.execute(Self.setup)
        let diagram = try SchemaDiagram.read(from: connection)
        let wide = diagram.render(width: 200, unicode: true)
        #expect(wide[0].hasPrefix("┌"))
        #expect(wide[1].hasPrefix("│ categories"), "\(wide.joined(separator: "\n"))")
        #expect(wide.contains { $0.contains("category_id  INTEGER  → categories.id") })
        #expect(wide.contains("  menu_items.category_id → categories.id"))
        #expect(wide.contains("  order_items.item_id → menu_items.id"))
        // All four boxes fit on one row of 200 columns; at 40 they stack, and no line is wider.
        #expect(wide.prefix { !$0.isEmpty }.count == 7, "\(wide.joined(separator: "\n"))")
        let narrow = diagram.render(width: 40, unicode: true)
        #expect(narrow.allSatisfy { displayWidth($0) <= 40 }, "\(narrow.joined(separator: "\n"))")
        #expect(narrow.filter { $0.hasPrefix("┌") }.count >= 3)
        let categories = try #require(narrow.firstIndex { $0.contains("categories ") })
        let items = try #require(narrow.firstIndex { $0.contains("│ menu_items") })
        #expect(categories < items, "categories, referenced by menu_items, comes first")
    }

    @Test("without a UTF-8 locale it is plain ASCII")
    func ascii() throws {
        let diagram = SchemaDiagram(tables: [
            .init(name: "a", columns: [.init(name: "id", type: "INTEGER", isPrimaryKey: true)]),
            .init(name: "b", columns: [.init(name: "a_id", type: "INTEGER", reference: "a.id")]),
        ])
        let lines = diagram.render(width: 80, unicode: false)
        #expect(lines.allSatisfy { line in line.unicodeScalars.allSatisfy { $0.isASCII } }, "\(lines)")
        #expect(lines[0] == "+-----------------+  +------------------------+")
        #expect(lines.contains("| a_id  INTEGER  -> a.id |") || lines.contains { $0.hasSuffix("| a_id  INTEGER  -> a.id |") })
    }

    @Test(".schema --diagram and .erd TABLE draw through the shell; an unknown table is an error")
    func commands() throws {
        let shell = try ShellHarness(ShellHarness.terminal(width: 100), setup: Self.setup)
        shell.type(".schema --diagram")
        let all = shell.take()
        #expect(all.errors.isEmpty, "\(all.errors)")
        #expect(all.output.contains("│ notes"))
        shell.type(".erd categories")
        let around = shell.take().output
        #expect(around.contains("│ menu_items") && around.contains("│ categories"))
        #expect(!around.contains("│ notes") && !around.contains("│ order_items"))
        shell.type(".erd nope")
        #expect(shell.take().errors.contains("no table named nope"))
    }
}
