import Testing
@testable import KitchenSQL

@Suite("DatabaseValue: every storage class survives a trip through SQLite")
struct DatabaseValueRoundTripTests {
    static let samples: [DatabaseValue] = [
        .null,
        .integer(0), .integer(42), .integer(-7), .integer(.max), .integer(.min),
        .real(1.5), .real(0.1), .real(1e20), .real(1e-7), .real(3.0), .real(-2.25),
        .text(""), .text("plain"), .text("it's \"quoted\", with, commas"), .text("line one\nline two"),
        .text("  padded  "), .text("crème brûlée — 寿司 🍣"),
        .blob([]), .blob([0x00, 0x01, 0xFF]), .blob(Array("ABC".utf8)),
    ]

    @Test("a bound value comes back unchanged, with the same storage class", arguments: samples)
    func boundValueRoundTrips(_ value: DatabaseValue) throws {
        let connection = try Connection()
        let row = try #require(connection.fetchAll("SELECT ?, typeof(?1)", arguments: [value]).first)
        #expect(row[0] == value)
        #expect(row[1] == .text(value.typeName))
    }

    @Test("a value stored in a table column without a declared type comes back unchanged", arguments: samples)
    func storedValueRoundTrips(_ value: DatabaseValue) throws {
        let connection = try Connection()
        try connection.execute("CREATE TABLE box(v)")
        let insert = try connection.prepare("INSERT INTO box(v) VALUES (?)")
        try insert.bind([value])
        #expect(try insert.step() == false)
        #expect(try scalar("SELECT v FROM box", on: connection) == value)
    }

    @Test("text with an embedded NUL character is bound whole")
    func textWithNULRoundTrips() throws {
        let connection = try Connection()
        let value = DatabaseValue.text("a\u{0}b")
        let stored = try scalar("SELECT ?", on: connection, arguments: [value])
        #expect(stored == value)
    }

    @Test("a SQL function gets its arguments through the same conversion: text with a NUL comes whole")
    func functionArgumentsKeepNUL() throws {
        let connection = try Connection()
        try connection.createFunction("echo_value", arguments: 1) { $0[0] }
        for value: DatabaseValue in [.text("a\u{0}b"), .blob([0, 1, 2]), .integer(7), .real(2.5), .null, .text("")] {
            #expect(try connection.fetchAll("SELECT echo_value(?)", arguments: [value]) == [[value]])
        }
    }

    @Test("named parameters bind by name without their prefix; unknown names are ignored")
    func namedParameters() throws {
        let connection = try Connection()
        let statement = try connection.prepare("SELECT :a, @b, $c")
        try statement.bind(named: ["a": 1, "b": "two", "c": nil, "unused": 9])
        #expect(try statement.step())
        #expect(statement.currentRow == [.integer(1), .text("two"), .null])
        #expect(statement.parameterCount == 3)
        #expect(statement.parameterName(at: 0) == ":a")
    }

    @Test("typeName spells the storage class as typeof() does")
    func typeNames() {
        #expect(DatabaseValue.null.typeName == "null")
        #expect(DatabaseValue.integer(1).typeName == "integer")
        #expect(DatabaseValue.real(1).typeName == "real")
        #expect(DatabaseValue.text("").typeName == "text")
        #expect(DatabaseValue.blob([]).typeName == "blob")
        #expect(DatabaseValue.null.isNull && !DatabaseValue.integer(0).isNull)
    }

    @Test("textValue converts like sqlite3_column_text", arguments: [
        (DatabaseValue.integer(-12), "-12"),
        (.real(1.5), "1.5"), (.real(3.0), "3.0"), (.real(1e20), "1.0e+20"), (.real(0.1), "0.1"), (.real(1e-7), "1.0e-07"),
        (.text("é"), "é"), (.blob(Array("hi".utf8)), "hi"),
    ])
    func textValueMatchesSQLite(_ value: DatabaseValue, _ expected: String) throws {
        #expect(value.textValue == expected)
        let connection = try Connection()
        // The same conversion SQLite itself makes when it casts to text.
        #expect(try scalar("SELECT CAST(? AS TEXT)", on: connection, arguments: [value]) == .text(expected))
    }

    @Test("textValue of NULL is nil and its description is NULL")
    func nullText() {
        #expect(DatabaseValue.null.textValue == nil)
        #expect(DatabaseValue.null.description == "NULL")
    }

    @Test("sqlLiteral evaluates back to the same value", arguments: samples.filter { value in
        if case .real = value { return false }
        return true
    } + [.real(1.5), .real(3.0), .real(-2.25), .real(1e20)])
    func sqlLiteralRoundTrips(_ value: DatabaseValue) throws {
        let connection = try Connection()
        #expect(try scalar("SELECT \(value.sqlLiteral)", on: connection) == value)
    }

    @Test("sqlLiteral of a REAL that needs 17 significant digits evaluates back to the same value")
    func sqlLiteralKeepsEveryDigitOfAReal() throws {
        let connection = try Connection()
        let value = DatabaseValue.real(0.1 + 0.2)  // 0.30000000000000004
        let evaluated = try scalar("SELECT \(value.sqlLiteral)", on: connection)
        #expect(evaluated == value)
    }

    @Test("sqlLiteral doubles apostrophes and writes blobs as hex")
    func sqlLiteralSpelling() {
        #expect(DatabaseValue.text("it's").sqlLiteral == "'it''s'")
        #expect(DatabaseValue.blob([0x00, 0xAB, 0x0F]).sqlLiteral == "X'00AB0F'")
        #expect(DatabaseValue.null.sqlLiteral == "NULL")
        #expect(DatabaseValue.real(.infinity).sqlLiteral == "9e999")
    }

    @Test("literals of Swift types make the matching case")
    func swiftLiterals() {
        let values: [DatabaseValue] = [1, 2.5, "x", nil]
        #expect(values == [.integer(1), .real(2.5), .text("x"), .null])
    }
}
