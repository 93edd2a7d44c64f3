import KitchenSupport
import Yams

/// Reads a YAML mapping key by key, remembering which keys were used so unknown ones
/// (typos) become errors, and reporting every problem with its line.
struct YAMLReader {
    let node: Node
    let file: String
    private let pairs: [(key: String, value: Node, line: Int)]

    init(_ node: Node, file: String, what: String) throws {
        self.node = node
        self.file = file
        guard case .mapping(let mapping) = node else {
            throw LessonProblem(file: file, line: node.mark?.line, message: "\(what) must be a mapping of keys to values")
        }
        var pairs: [(String, Node, Int)] = []
        for (key, value) in mapping {
            pairs.append((key.string ?? "", value, key.mark?.line ?? node.mark?.line ?? 0))
        }
        self.pairs = pairs
    }

    var line: Int { node.mark?.line ?? 0 }

    /// The root node of the YAML document `text`; nil when it is empty.
    ///
    /// Composed with Yams' basic resolver, which gives every plain scalar the tag `str`. Kitchen
    /// never asks a node for its implicit type: values are read as text and converted here (a
    /// quoted scalar is `str` under any resolver). The default resolver compiled seven ICU
    /// regular expressions on first use and matched every mapping key against them (Yams hashes
    /// keys to find duplicates): about a quarter of the tutor's start inside a lesson. Duplicate
    /// keys are still found, by their text as before.
    static func compose(_ text: String) throws -> Node? {
        try Yams.compose(yaml: text, .basic)
    }

    func problem(_ message: String, at line: Int? = nil) -> LessonProblem {
        LessonProblem(file: file, line: line ?? self.line, message: message)
    }

    func checkKeys(allowed: Set<String>, what: String) throws {
        for pair in pairs where !allowed.contains(pair.key) {
            let suggestion = nearest(pair.key, allowed).map { " (did you mean \($0)?)" } ?? ""
            throw problem("unknown key '\(pair.key)' in \(what)\(suggestion); allowed: \(allowed.sorted().joined(separator: ", "))", at: pair.line)
        }
    }

    func has(_ key: String) -> Bool { pairs.contains { $0.key == key } }

    func node(_ key: String) -> Node? { pairs.first { $0.key == key }?.value }

    func line(of key: String) -> Int { pairs.first { $0.key == key }?.line ?? line }

    func string(_ key: String, in what: String) throws -> String {
        guard let value = try optionalString(key) else {
            throw problem("\(what) is missing '\(key)'")
        }
        return value
    }

    func optionalString(_ key: String) throws -> String? {
        guard let value = node(key) else { return nil }
        guard case .scalar(let scalar) = value else {
            throw problem("'\(key)' must be text", at: line(of: key))
        }
        if scalar.style == .plain && (scalar.string == "" || scalar.string == "~" || scalar.string == "null") {
            return nil
        }
        return scalar.string
    }

    func nonEmptyString(_ key: String, in what: String) throws -> String {
        let value = try string(key, in: what)
        guard !value.trimmed.isEmpty else { throw problem("'\(key)' of \(what) is empty", at: line(of: key)) }
        return value
    }

    func stringList(_ key: String) throws -> [String]? {
        guard let value = node(key) else { return nil }
        switch value {
        case .sequence(let sequence):
            return try sequence.map { item in
                guard let text = item.string, case .scalar = item else {
                    throw problem("every entry of '\(key)' must be text", at: item.mark?.line)
                }
                return text
            }
        case .scalar(let scalar):
            return [scalar.string]
        default:
            throw problem("'\(key)' must be a list", at: line(of: key))
        }
    }

    func list(_ key: String) throws -> [Node]? {
        guard let value = node(key) else { return nil }
        guard case .sequence(let sequence) = value else {
            throw problem("'\(key)' must be a list", at: line(of: key))
        }
        return Array(sequence)
    }

    /// The value of `key` as a whole number, as Yams reads one (`0x1F`, `0o17`, `017`, `1_000`…).
    /// A plain run of decimal digits not starting with 0 is read here directly: Yams first strips
    /// `_` with Foundation's `replacingOccurrences`, whose first use was about 3% of a lesson's parse.
    func int(_ key: String) -> Int? {
        guard let value = node(key) else { return nil }
        if case .scalar(let scalar) = value, scalar.style == .plain || scalar.style == .any {
            let digits = scalar.string.utf8.drop { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") }
            if scalar.string.utf8.count - digits.count <= 1, (1...18).contains(digits.count), digits.first != UInt8(ascii: "0"),
               digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
                return Int(scalar.string)
            }
        }
        return value.int
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = node(key) else { return nil }
        guard let bool = value.bool else { throw problem("'\(key)' must be true or false", at: line(of: key)) }
        return bool
    }

    func double(_ key: String) throws -> Double? {
        guard let value = node(key) else { return nil }
        guard let number = value.float ?? value.int.map(Double.init) else {
            throw problem("'\(key)' must be a number", at: line(of: key))
        }
        return number
    }

    func choice(_ key: String, _ values: [String]) throws -> String? {
        guard let value = try optionalString(key) else { return nil }
        guard values.contains(value) else {
            throw problem("'\(key)' must be one of \(values.joined(separator: ", ")), not '\(value)'", at: line(of: key))
        }
        return value
    }

    /// The closest allowed key, the same every run (sorted, nearest first).
    private func nearest(_ key: String, _ allowed: Set<String>) -> String? {
        allowed.sorted()
            .map { ($0, Self.distance($0, key)) }
            .filter { candidate, distance in candidate.hasPrefix(key) || key.hasPrefix(candidate) || distance <= 2 }
            // A key the typo starts (ti → title) beats one merely a few letters away.
            .min { ($0.0.hasPrefix(key) ? 0 : 1, $0.1) < ($1.0.hasPrefix(key) ? 0 : 1, $1.1) }?.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
