import Testing
@testable import KitchenServer

@Suite("JSONValue: strict parsing (RFC 8259) with positions")
struct JSONValueStrictnessTests {
    func problem(_ text: String) -> JSONValue.ParseError? {
        problem(Array(text.utf8))
    }

    func problem(_ bytes: [UInt8]) -> JSONValue.ParseError? {
        do {
            _ = try JSONValue.parse(bytes)
            return nil
        } catch let error as JSONValue.ParseError {
            return error
        } catch {
            return JSONValue.ParseError(message: "\(error)", line: 0, column: 0)
        }
    }

    @Test("numbers JSON does not allow are refused at their column", arguments: [
        ("[0001]", 2, "do not start with 0"), ("[-01]", 2, "do not start with 0"), ("[1.]", 2, "digit must follow the point"),
        ("[.5]", 2, "expected a value"), ("[+1]", 2, "expected a value"), ("[1e]", 2, "exponent needs digits"),
        ("[-]", 2, "a digit must follow -"), ("[1e999999]", 2, "infinite"), ("[-1e400]", 2, "infinite"), ("[1.2.3]", 2, "1.2.3 is not a number"),
    ])
    func badNumbers(text: String, column: Int, message: String) throws {
        let error = try #require(problem(text), "\(text) was accepted")
        #expect(error.message.contains(message), "\(text): \(error)")
        #expect(error.column == column, "\(text): \(error)")
    }

    @Test("numbers JSON allows still parse", arguments: ["0", "-0", "10", "-12.5e+3", "1E-2", "0.25", "9223372036854775807", "1e308"])
    func goodNumbers(text: String) throws {
        let value = try JSONValue.parse(text)
        #expect(value.doubleValue == Double(text))
    }

    @Test("a key given twice is refused, pointing at the second, in small and large objects")
    func duplicateKeys() throws {
        let small = try #require(problem(#"{"a": 1, "b": 2, "a": 3}"#))
        #expect(small.message.contains("the key \"a\" appears twice"))
        #expect(small.column == 18)
        let keys = (0..<1000).map { "\"k\($0)\": \($0)" }.joined(separator: ",")
        #expect(problem("{" + keys + "}") == nil)
        #expect(problem("{" + keys + ", \"k500\": 0}")?.message.contains("\"k500\" appears twice") == true)
        #expect(problem(#"[{"a": 1}, {"a": 2}]"#) == nil, "the same key in two objects is fine")
    }

    @Test("bytes that are not UTF-8 are refused with their offset, not turned into U+FFFD", arguments: [
        ([0x22, 0xFF, 0x22], 2), ([0x22, 0x61, 0xC3, 0x22], 3), ([0x22, 0xED, 0xA0, 0x80, 0x22], 2), ([0x22, 0xC0, 0xAF, 0x22], 2),
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 2),
    ] as [([UInt8], Int)])
    func invalidUTF8(bytes: [UInt8], byte: Int) throws {
        let error = try #require(problem(bytes))
        #expect(error.message.contains("not valid UTF-8 (byte \(byte) of \(bytes.count)"), "\(error)")
    }

    @Test("escapes JSON does not define and unpaired surrogates are refused")
    func badEscapes() throws {
        #expect(problem(#"["\q"]"#)?.message.contains(#"\q is not a JSON escape"#) == true)
        #expect(problem(#"["\ud800"]"#)?.message.contains("half of a surrogate pair") == true)
        #expect(problem(#"["\udc00x"]"#)?.message.contains("half of a surrogate pair") == true)
        #expect(try JSONValue.parse(#"["\ud83d\ude00 \/ \u00e9"]"#) == .array([.string("😀 / é")]))
    }

    @Test("valid UTF-8 of every length passes the check")
    func validUTF8() {
        #expect(UTF8Check.firstInvalidByte(Array("aé€😀".utf8)) == nil)
        #expect(UTF8Check.firstInvalidByte(Array("ok".utf8) + [0xE2, 0x82]) == 2)
    }
}
