import Testing
@testable import KitchenServer

@Suite("FieldValidation: each rule, every failing field reported")
struct FieldValidationTests {
    func rule(_ text: String) throws -> FieldRule {
        try #require(RouteParser.parse("route POST /x\n  \(text)\n  sql SELECT 1\nend").first?.rules.first)
    }

    func problem(_ text: String, _ value: JSONValue?, query: Bool = false) throws -> String? {
        let rule = try rule(text)
        return FieldValidation.problems([rule], inputs: value.map { [rule.name: $0] } ?? [:], fromQuery: query).first?.1
    }

    @Test("required and optional")
    func presence() throws {
        #expect(try problem("required a text", nil) == "is required")
        #expect(try problem("required a text", .null) == "is required")
        #expect(try problem("optional a text", nil) == nil)
    }

    @Test("integer and number types, with ranges")
    func numbers() throws {
        #expect(try problem("required n integer 1..12", .integer(4)) == nil)
        #expect(try problem("required n integer 1..12", .number(2.5)) == "must be a whole number")
        #expect(try problem("required n integer 1..12", .string("4")) == "must be a whole number")
        #expect(try problem("required n integer 1..12", .integer(13)) == "must be between 1 and 12")
        #expect(try problem("required n integer 1..", .integer(0)) == "must be at least 1")
        #expect(try problem("required n number ..9.5", .number(9.75)) == "must be at most 9.5")
        #expect(try problem("required n number", .string("x")) == "must be a number")
    }

    @Test("query strings carry numbers as text and are read as numbers")
    func queryNumbers() throws {
        #expect(try problem("required n integer 1..12", .string("7"), query: true) == nil)
        #expect(try problem("required n integer 1..12", .string("70"), query: true) == "must be between 1 and 12")
    }

    @Test("text: length, pattern, one-of")
    func text() throws {
        #expect(try problem("required s text length 1..3", .string("")) == "must not be empty")
        #expect(try problem("required s text length 1..3", .string("abcd")) == "must be at most 3 characters")
        #expect(try problem("required s text pattern [A-Z]{3}", .string("AB1")) == "must match the pattern [A-Z]{3}")
        #expect(try problem("required s text pattern [A-Z]{3}", .string("ABC")) == nil)
        #expect(try problem("required s text one-of small|large", .string("huge")) == "must be one of small, large")
        #expect(try problem("required s text", .integer(5)) == "must be text (a string in double quotes)")
    }

    @Test("boolean, email and date")
    func shapes() throws {
        #expect(try problem("required b boolean", .bool(true)) == nil)
        #expect(try problem("required b boolean", .string("yes")) == "must be true or false")
        #expect(try problem("required e email", .string("ann@example.com")) == nil)
        #expect(try problem("required e email", .string("ann@")) != nil)
        #expect(try problem("required d date", .string("2024-02-29")) == nil)
        #expect(try problem("required d date", .string("2023-02-29")) == "must be a date written YYYY-MM-DD")
    }

    @Test("every failing field is reported, in rule order")
    func everyField() throws {
        let rules = try RouteParser.parse("route POST /x\n  required a text\n  required b integer 1..2\n  required c email\n  sql SELECT 1\nend")[0].rules
        let problems = FieldValidation.problems(rules, inputs: ["b": .integer(3), "c": .string("no")], fromQuery: false)
        #expect(problems.map(\.0) == ["a", "b", "c"])
    }
}
