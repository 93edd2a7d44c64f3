/// Reading JSON: the strict RFC 8259 parser behind request bodies and lesson expectations.
extension JSONValue {
    /// A parse error with its 1-based line and column.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var line: Int
        public var column: Int
        public var description: String { "\(message) at line \(line), column \(column)" }
    }

    public static func parse(_ text: String) throws -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// Parses strict JSON (RFC 8259). What it refuses, each with the line and column:
    /// bytes that are not UTF-8; numbers JSON does not allow (`0001`, `1.`, `.5`, `+1`) or that
    /// do not fit a double (`1e999`, which would become infinity); escapes JSON does not define
    /// (`\q`) and unpaired surrogates (`\ud800`); and an object naming the same key twice —
    /// which of the two would win differs between parsers, so Kitchen accepts neither.
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        if let bad = UTF8Check.firstInvalidByte(bytes) {
            parser.index = bad
            throw parser.error("the text is not valid UTF-8 (byte \(bad + 1) of \(bytes.count), 0x\(String(bytes[bad], radix: 16)))")
        }
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.index == bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }
}

private struct JSONParser {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func error(_ message: String) -> JSONValue.ParseError {
        var line = 1, column = 1
        for byte in bytes[0..<min(index, bytes.count)] {
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return JSONValue.ParseError(message: message, line: line, column: column)
    }

    mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }

    mutating func value(depth: Int) throws -> JSONValue {
        guard depth < 200 else { throw error("JSON nested too deeply") }
        guard index < bytes.count else { throw error("the JSON ends too early") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        case UInt8(ascii: "'"): throw error("JSON strings use double quotes, not single quotes")
        default:
            throw error("expected a value (a string in double quotes, a number, true, false, null, an object or an array)")
        }
    }

    mutating func literal(_ word: String) throws {
        let expected = Array(word.utf8)
        guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw error("expected \(word)")
        }
        index += expected.count
    }

    mutating func object(depth: Int) throws -> JSONValue {
        index += 1
        var pairs: [(String, JSONValue)] = []
        var seen: Set<String>?
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(pairs) }
        while true {
            skipSpace()
            guard index < bytes.count else { throw error("the object is not closed: expected }") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                throw error(bytes[index] == UInt8(ascii: "}") ? "a comma before } is not allowed in JSON" : "expected a key in double quotes")
            }
            let keyStart = index
            let key = try string()
            // A linear scan while the object is small; a set once it is not (a 1 MB body can
            // hold 100,000 keys).
            if pairs.count == 16 { seen = Set(pairs.map(\.0)) }
            let duplicate: Bool
            if seen != nil { duplicate = !seen!.insert(key).inserted } else { duplicate = pairs.contains(where: { $0.0 == key }) }
            if duplicate {
                index = keyStart
                throw error("the key \"\(key)\" appears twice in one object; each key may appear only once")
            }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected : after the key \"\(key)\"") }
            index += 1
            skipSpace()
            pairs.append((key, try value(depth: depth + 1)))
            skipSpace()
            guard index < bytes.count else { throw error("the object is not closed: expected }") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(pairs) }
            throw error("expected , or } after a value")
        }
    }

    mutating func array(depth: Int) throws -> JSONValue {
        index += 1
        var items: [JSONValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value(depth: depth + 1))
            skipSpace()
            guard index < bytes.count else { throw error("the array is not closed: expected ]") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            throw error("expected , or ] after a value")
        }
    }

    mutating func string() throws -> String {
        index += 1
        var result: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: result, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw error("unfinished escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "n"): result.append(0x0A)
                case UInt8(ascii: "t"): result.append(0x09)
                case UInt8(ascii: "r"): result.append(0x0D)
                case UInt8(ascii: "b"): result.append(0x08)
                case UInt8(ascii: "f"): result.append(0x0C)
                case UInt8(ascii: "u"):
                    guard index + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else {
                        throw error("\\u needs four hex digits")
                    }
                    index += 4
                    var scalarValue = code
                    if (0xD800...0xDBFF).contains(code), index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                       let low = UInt32(String(decoding: bytes[index + 2..<index + 6], as: UTF8.self), radix: 16), (0xDC00...0xDFFF).contains(low) {
                        scalarValue = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    }
                    guard let scalar = Unicode.Scalar(scalarValue) else {
                        index -= 6
                        throw error("\\u\(String(code, radix: 16)) is half of a surrogate pair without its other half")
                    }
                    result.append(contentsOf: Array(String(Character(scalar)).utf8))
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
                    result.append(escape)
                default:
                    index -= 2
                    throw error("\\\(String(decoding: [escape], as: UTF8.self)) is not a JSON escape (JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)")
                }
            case 0x00..<0x20:
                index -= 1 // point at the character itself
                throw error("a line break or control character inside a string must be escaped (\\n)")
            default:
                result.append(byte)
            }
        }
        throw error("the string is not closed: expected \"")
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, exactly as RFC 8259 §6 says.
    mutating func number() throws -> JSONValue {
        let start = index
        func isDigit(_ position: Int) -> Bool {
            position < bytes.count && bytes[position] >= UInt8(ascii: "0") && bytes[position] <= UInt8(ascii: "9")
        }
        func scanned() -> String {
            var end = index
            while end < bytes.count, isDigit(end) || [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-")].contains(bytes[end]) { end += 1 }
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
        // Errors point at the number's first character.
        func numberError(_ message: String) -> JSONValue.ParseError {
            var atStart = self
            atStart.index = start
            return atStart.error(message)
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard isDigit(index) else { throw numberError("\(scanned()) is not a number: a digit must follow -") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if isDigit(index) { throw numberError("\(scanned()) is not a JSON number: numbers do not start with 0 (write \(Int(scanned()).map(String.init) ?? "the number without leading zeros"))") }
        } else {
            while isDigit(index) { index += 1 }
        }
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard isDigit(index) else { throw numberError("\(scanned()) is not a JSON number: a digit must follow the point (1.0, not 1.)") }
            while isDigit(index) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard isDigit(index) else { throw numberError("\(scanned()) is not a JSON number: the exponent needs digits (1e5)") }
            while isDigit(index) { index += 1 }
        }
        if index < bytes.count, isDigit(index) || [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-")].contains(bytes[index]) {
            throw numberError("\(scanned()) is not a number")
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let value = Int64(text) { return .integer(value) }
        guard let value = Double(text), value.isFinite else {
            index = start
            throw error("\(text) is too large for a number (it would be infinite)")
        }
        return .number(value)
    }
}
