import Testing
@testable import KitchenServer

/// The error `JSONValue.parse` throws for `text`, or nil when it parses.
func parseError(_ text: String) -> JSONValue.ParseError? {
    do {
        _ = try JSONValue.parse(text)
        return nil
    } catch let error as JSONValue.ParseError {
        return error
    } catch {
        Issue.record("unexpected error type \(error)")
        return nil
    }
}

/// The keys of an object, in order.
func keys(_ value: JSONValue?) -> [String] {
    guard case .object(let pairs) = value else { return [] }
    return pairs.map(\.0)
}

@Suite("JSONValue: parsing with positions, writing in order")
struct JSONValueParsingTests {
    @Test("a value of every kind parses")
    func everyKind() throws {
        let value = try JSONValue.parse(#"{"s": "text", "i": 42, "n": 2.5, "t": true, "f": false, "z": null, "a": [1, "two"], "o": {}}"#)
        #expect(value["s"] == .string("text"))
        #expect(value["i"] == .integer(42))
        #expect(value["n"] == .number(2.5))
        #expect(value["t"] == .bool(true))
        #expect(value["f"] == .bool(false))
        #expect(value["z"] == .null)
        #expect(value["a"] == .array([.integer(1), .string("two")]))
        #expect(value["o"] == .object([]))
    }

    @Test("integers keep all 64 bits")
    func bigIntegers() throws {
        #expect(try JSONValue.parse("9007199254740993") == .integer(9_007_199_254_740_993))
        #expect(try JSONValue.parse("9007199254740993").serialized() == "9007199254740993")
        #expect(try JSONValue.parse("-9223372036854775808") == .integer(Int64.min))
    }

    @Test("escapes decode, including surrogate pairs")
    func escapes() throws {
        #expect(try JSONValue.parse(#""a\"b\\c\nd\té""#) == .string("a\"b\\c\nd\té"))
        #expect(try JSONValue.parse(#""\u00e9\ud83c\udf55""#) == .string("é🍕"))
    }

    @Test("object keys keep the order they were written in")
    func keyOrder() throws {
        let value = try JSONValue.parse(#"{"zeta": 1, "alpha": 2, "mid": 3, "id": 0}"#)
        #expect(keys(value) == ["zeta", "alpha", "mid", "id"])
        #expect(value.serialized() == #"{"zeta":1,"alpha":2,"mid":3,"id":0}"#)
    }

    @Test("compact JSON survives a round trip byte for byte", arguments: [
        #"{"id":3,"name":"Margherita","price":9.5,"tags":["veg","classic"],"extra":{"z":null,"a":true}}"#,
        #"[1,-2,3.25,"x",[],{},false]"#,
        #""line\nbreak and \"quotes\"""#,
        #"{"whole":1.0,"neg":-0.5}"#,
    ])
    func roundTrip(text: String) throws {
        let value = try JSONValue.parse(text)
        #expect(value.serialized() == text)
        #expect(try JSONValue.parse(value.serialized()) == value)
        #expect(try JSONValue.parse(value.pretty()) == value, "pretty output parses back to the same value")
    }

    @Test("pretty output indents by two spaces and keeps key order")
    func pretty() throws {
        let value = try JSONValue.parse(#"{"b":[1,2],"a":{}}"#)
        #expect(value.pretty() == "{\n  \"b\": [\n    1,\n    2\n  ],\n  \"a\": {}\n}")
    }

    @Test("a trailing comma is reported at the brace, with line and column")
    func trailingComma() throws {
        let error = try #require(parseError(#"{"name": "Soup",}"#))
        #expect(error.line == 1)
        #expect(error.column == 17)
        #expect(error.message.contains("comma before }"))
        #expect(error.description == "\(error.message) at line 1, column 17")
    }

    @Test("lines and columns count from 1 across line breaks")
    func multiLinePosition() throws {
        let error = try #require(parseError("{\n  \"name\": \"Soup\",\n  \"price\": 6.5,\n}"))
        #expect(error.line == 4)
        #expect(error.column == 1)
    }

    @Test("columns count characters, not bytes")
    func unicodeColumns() throws {
        let error = try #require(parseError(#"{"café": tru}"#))
        #expect(error.line == 1)
        #expect(error.column == 10, "é is one column though it is two bytes")
        #expect(error.message.contains("true"))
    }

    @Test("each mistake a learner makes has its own message and position", arguments: [
        (#"{'name': 1}"#, "expected a key in double quotes", 1, 2),
        (#"{"name" 1}"#, "expected : after the key", 1, 9),
        (#"{"name": 'x'}"#, "single quotes", 1, 10),
        (#"{"a": 1 "b": 2}"#, "expected , or }", 1, 9),
        (#"[1, 2"#, "the array is not closed", 1, 6),
        (#"{"a": 1"#, "the object is not closed", 1, 8),
        (#"{"a": "open}"#, "the string is not closed", 1, 13),
        (#"{"a": 1} extra"#, "unexpected text after the JSON value", 1, 10),
        (#""#, "the JSON ends too early", 1, 1),
        (#"{"a": nul}"#, "expected null", 1, 7),
        (#"{"a": 1.2.3}"#, "1.2.3 is not a number", 1, 7),
    ])
    func mistakes(text: String, message: String, line: Int, column: Int) throws {
        let error = try #require(parseError(text), "\(text) should not parse")
        #expect(error.message.contains(message), "\(text): \(error.message)")
        #expect(error.line == line, "\(text): \(error)")
        #expect(error.column == column, "\(text): \(error)")
    }

    @Test("a raw line break inside a string is reported where it is")
    func lineBreakInString() throws {
        let error = try #require(parseError("{\"a\": \"two\nlines\"}"))
        #expect(error.message.contains("must be escaped"))
        #expect(error.line == 1 && error.column == 11, "observed \(error)")
    }

    @Test("nesting deeper than 200 levels is refused, not a stack overflow")
    func deepNesting() {
        let error = parseError(String(repeating: "[", count: 100_000))
        #expect(error?.message.contains("nested too deeply") == true)
        #expect(parseError(String(repeating: "[", count: 150) + String(repeating: "]", count: 150)) == nil)
    }

    @Test("object equality ignores key order, but serialization keeps it")
    func equalityIgnoresOrder() throws {
        let ab = try JSONValue.parse(#"{"a":1,"b":2}"#), ba = try JSONValue.parse(#"{"b":2,"a":1}"#)
        #expect(ab == ba)
        #expect(ab.serialized() != ba.serialized())
    }

    @Test("an integer and the same number compare equal")
    func integerEqualsNumber() {
        #expect(JSONValue.integer(3) == .number(3.0))
        #expect(JSONValue.integer(3) != .string("3"))
    }

    @Test("strings are quoted with control characters escaped")
    func quoting() {
        #expect(JSONValue.quote("a\"b\\c\n\u{01}") == #""a\"b\\c\n\u0001""#)
    }
}
