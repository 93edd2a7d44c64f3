import KitchenSupport

/// Writing JSON: compact bytes for the server, indented (and coloured) text for the terminal.
extension JSONValue {
    /// Compact JSON.
    public func serialized() -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        writeCompact(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Compact JSON as bytes, the server's hot path: built byte by byte, no intermediate strings.
    public func writeCompact(into bytes: inout [UInt8]) {
        switch self {
        case .null: bytes.append(contentsOf: "null".utf8)
        case .bool(let value): bytes.append(contentsOf: (value ? "true" : "false").utf8)
        case .integer(let value): bytes.append(contentsOf: String(value).utf8)
        case .number: bytes.append(contentsOf: Self.numberText(self).utf8)
        case .string(let text): Self.appendQuoted(text, to: &bytes)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                item.writeCompact(into: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let pairs):
            bytes.append(UInt8(ascii: "{"))
            for (index, pair) in pairs.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                Self.appendQuoted(pair.0, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                pair.1.writeCompact(into: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    static func numberText(_ value: JSONValue) -> String {
        guard case .number(let number) = value else { return "" }
        guard number.isFinite else { return "null" }
        return number == number.rounded() && abs(number) < 1e15 ? "\(Int64(number)).0" : "\(number)"
    }

    /// Appends `text` as a JSON string.
    static func appendQuoted(_ text: String, to bytes: inout [UInt8]) {
        JSONText.appendQuoted(text, to: &bytes)
    }

    /// Indented JSON, optionally coloured for a terminal.
    public func pretty(color: Bool = false) -> String {
        var output = ""
        write(to: &output, indent: "  ", level: 0, style: color ? JSONColors() : nil)
        return output
    }

    struct JSONColors {
        func key(_ text: String) -> String { "\u{1B}[34m\(text)\u{1B}[0m" }
        func string(_ text: String) -> String { "\u{1B}[32m\(text)\u{1B}[0m" }
        func literal(_ text: String) -> String { "\u{1B}[33m\(text)\u{1B}[0m" }
    }

    private func write(to output: inout String, indent: String?, level: Int, style: JSONColors?) {
        let newline = indent == nil ? "" : "\n"
        let pad = { (level: Int) in indent.map { String(repeating: $0, count: level) } ?? "" }
        switch self {
        case .null: output += style?.literal("null") ?? "null"
        case .bool(let value): output += style?.literal("\(value)") ?? "\(value)"
        case .integer(let value): output += style?.literal("\(value)") ?? "\(value)"
        case .number:
            let text = Self.numberText(self)
            output += style?.literal(text) ?? text
        case .string(let text):
            let quoted = Self.quote(text)
            output += style?.string(quoted) ?? quoted
        case .array(let items):
            if items.isEmpty { output += "[]"; return }
            output += "[" + newline
            for (index, item) in items.enumerated() {
                output += pad(level + 1)
                item.write(to: &output, indent: indent, level: level + 1, style: style)
                output += (index < items.count - 1 ? "," : "") + newline
            }
            output += pad(level) + "]"
        case .object(let pairs):
            if pairs.isEmpty { output += "{}"; return }
            output += "{" + newline
            for (index, pair) in pairs.enumerated() {
                let key = Self.quote(pair.0)
                output += pad(level + 1) + (style?.key(key) ?? key) + (indent == nil ? ":" : ": ")
                pair.1.write(to: &output, indent: indent, level: level + 1, style: style)
                output += (index < pairs.count - 1 ? "," : "") + newline
            }
            output += pad(level) + "}"
        }
    }

    public static func quote(_ text: String) -> String {
        var bytes: [UInt8] = []
        appendQuoted(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
