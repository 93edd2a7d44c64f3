/// The one JSONPath in Kitchen: the `.http` runner's variables and asserts
/// (`{{login.response.body.$.token}}`, `jsonpath "$.id" == 3`) and the lessons' `http-response`
/// checks (`fields: [$.name]`). The REST Client evaluates paths with jsonpath-plus and takes the
/// first match; Kitchen does the same for `$`, `.name`, `['name']`, `[0]` and `[-1]`, `[*]`, `.*`,
/// `..name` (any depth) and `.length` (an array's items, a string's UTF-16 units as JavaScript
/// counts them). Filters and scripts (`[?(@.x)]`, `(@.length-1)`) are refused with the reason.
public enum JSONPath {
    public struct Unsupported: Error { public var message: String }

    public static func first(_ path: String, in root: JSONValue) throws(Unsupported) -> JSONValue? {
        try all(path, in: root).first
    }

    public static func all(_ path: String, in root: JSONValue) throws(Unsupported) -> [JSONValue] {
        var rest = Substring(path.blankTrimmed)
        if rest.hasPrefix("$") { rest = rest.dropFirst() }
        var current = [root]
        while !rest.isEmpty {
            if rest.hasPrefix("..") {
                rest = rest.dropFirst(2)
                let name = rest.prefix { $0 != "." && $0 != "[" }
                rest = rest.dropFirst(name.count)
                current = current.flatMap { descendants(of: $0) }
                if !name.isEmpty { current = current.flatMap { child(String(name), of: $0) } }
            } else if rest.hasPrefix(".") {
                rest = rest.dropFirst()
                let name = rest.prefix { $0 != "." && $0 != "[" }
                rest = rest.dropFirst(name.count)
                guard !name.isEmpty else { throw Unsupported(message: "an empty name in the JSONPath \(path)") }
                current = current.flatMap { child(String(name), of: $0) }
            } else if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]") else { throw Unsupported(message: "a [ without ] in the JSONPath \(path)") }
                let inside = rest[rest.index(after: rest.startIndex)..<close].blankTrimmed
                rest = rest[rest.index(after: close)...]
                if inside == "*" {
                    current = current.flatMap { child("*", of: $0) }
                } else if let index = Int(inside) {
                    current = current.compactMap { value in
                        guard case .array(let items) = value else { return nil }
                        let position = index < 0 ? items.count + index : index
                        return position >= 0 && position < items.count ? items[position] : nil
                    }
                } else if inside.count >= 2, let quote = inside.first, quote == "'" || quote == "\"", inside.last == quote {
                    let name = String(inside.dropFirst().dropLast())
                    current = current.compactMap { $0[name] }
                } else {
                    throw Unsupported(message: "Kitchen's JSONPath knows .name, ['name'], [0], [*], .* and ..name; not [\(inside)] in \(path)")
                }
            } else {
                let name = rest.prefix { $0 != "." && $0 != "[" }
                rest = rest.dropFirst(name.count)
                current = current.flatMap { child(String(name), of: $0) }
            }
        }
        return current
    }

    private static func child(_ name: String, of value: JSONValue) -> [JSONValue] {
        switch value {
        case .object(let pairs):
            if name == "*" { return pairs.map(\.1) }
            return value[name].map { [$0] } ?? []
        case .array(let items):
            if name == "*" { return items }
            if name == "length" { return [.integer(Int64(items.count))] }
            return Int(name).flatMap { $0 >= 0 && $0 < items.count ? [items[$0]] : nil } ?? []
        case .string(let text):
            return name == "length" ? [.integer(Int64(text.utf16.count))] : []
        default:
            return []
        }
    }

    /// The value and everything under it, in document order.
    private static func descendants(of value: JSONValue) -> [JSONValue] {
        var result = [value]
        switch value {
        case .object(let pairs): for (_, child) in pairs { result += descendants(of: child) }
        case .array(let items): for item in items { result += descendants(of: item) }
        default: break
        }
        return result
    }

    /// A matched value as text in a request: strings bare, everything else as compact JSON
    /// (what the REST Client's `JSON.stringify` gives for objects, arrays, numbers, true, null).
    public static func text(_ value: JSONValue) -> String {
        if case .string(let text) = value { return text }
        return value.serialized()
    }
}
