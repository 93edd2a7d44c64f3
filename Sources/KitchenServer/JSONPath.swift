/// Minimal JSON paths: `$.name`, `$[0].id`, `$.items.length`.
public enum JSONPath {
    public static func value(at path: String, in root: JSONValue) -> JSONValue? {
        var current: JSONValue? = root
        var rest = Substring(path)
        if rest.hasPrefix("$") { rest = rest.dropFirst() }
        while !rest.isEmpty, let value = current {
            if rest.hasPrefix(".") {
                rest = rest.dropFirst()
                let name = rest.prefix { $0 != "." && $0 != "[" }
                rest = rest.dropFirst(name.count)
                if name == "length" {
                    switch value {
                    case .array(let items): current = .integer(Int64(items.count))
                    case .object(let pairs): current = value[String(name)] ?? .integer(Int64(pairs.count))
                    case .string(let text): current = .integer(Int64(text.count))
                    default: current = nil
                    }
                } else {
                    current = value[String(name)]
                }
            } else if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]"), let index = Int(rest[rest.index(after: rest.startIndex)..<close]),
                      case .array(let items) = value else { return nil }
                current = index >= 0 && index < items.count ? items[index] : nil
                rest = rest[rest.index(after: close)...]
            } else {
                return nil
            }
        }
        return current
    }
}
