import KitchenSupport

/// Reads route definitions (docs/routes.md): one-line routes and `route … end` blocks.
public enum RouteParser {
    public static let methods: Set<String> = ["GET", "POST", "PUT", "PATCH", "DELETE"]

    /// True when `line` starts a route definition.
    public static func startsDefinition(_ line: String) -> Bool {
        line.trimmed.lowercased().hasPrefix("route ") && !line.trimmed.lowercased().hasPrefix("route remove")
    }

    /// True when the lines so far form complete definitions (a block needs its `end`).
    public static func isComplete(_ lines: [String]) -> Bool {
        var open = false
        for line in lines {
            let trimmed = line.trimmed.lowercased()
            if trimmed.hasPrefix("route ") { open = !line.contains("=") }
            else if trimmed == "end" { open = false }
        }
        return !open
    }

    /// Every definition in `text`, or the first mistake.
    public static func parse(_ text: String) throws -> [RouteDefinition] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var definitions: [RouteDefinition] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmed
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("--") {
                index += 1
                continue
            }
            guard trimmed.lowercased().hasPrefix("route ") else {
                throw error(index, line, column: column(of: trimmed, in: line), "expected a route definition: route METHOD /path = SQL, or a block route METHOD /path … end")
            }
            let definition = try header(line, number: index)
            if let equals = equalsIndex(line) {
                definitions.append(try oneLine(definition, sqlAfter: equals, in: line, number: index))
                index += 1
            } else {
                definitions.append(try block(definition, lines: lines, index: &index))
            }
        }
        return definitions
    }

    /// `route GET /menu = SELECT …`: the header's definition with the SQL after `=`.
    static func oneLine(_ header: RouteDefinition, sqlAfter equals: String.Index, in line: String, number: Int) throws -> RouteDefinition {
        var definition = header
        let sql = String(line[line.index(after: equals)...]).trimmed
        guard !sql.isEmpty else {
            throw error(number, line, column: line.distance(from: line.startIndex, to: equals) + 2, "the SQL after = is missing")
        }
        definition.sql = sql
        definition.source = line.trimmed
        definition.statementSources = [source(of: sql, in: line, number: number)]
        try validateParameters(definition, line: number, text: line)
        return definition
    }

    /// A `route … end` block whose header line is `lines[index]`; `index` ends past its `end`.
    static func block(_ header: RouteDefinition, lines: [String], index: inout Int) throws -> RouteDefinition {
        var definition = header
        var body: [String] = [lines[index].trimmed]
        index += 1
        var closed = false
        while index < lines.count {
            var inner = lines[index]
            let word = inner.trimmed
            let number = index
            body.append("  " + word)
            if word.lowercased() == "end" {
                body[body.count - 1] = "end"
                closed = true
                index += 1
                break
            }
            if !word.isEmpty && !word.hasPrefix("#") {
                // A long statement continues on the lines after it indented deeper than it, so
                // it reads as SQL is written; the statement is those lines joined by spaces.
                if let keyword = tokens(inner).first?.text.lowercased(), continuedWords.contains(keyword) {
                    let depth = indentation(of: inner)
                    var parts = [(number: number, text: inner)]
                    while index + 1 < lines.count, !lines[index + 1].trimmed.isEmpty, lines[index + 1].trimmed.lowercased() != "end",
                          indentation(of: lines[index + 1]) > depth {
                        index += 1
                        parts.append((index, lines[index]))
                        inner += " " + lines[index].trimmed
                        body.append("      " + lines[index].trimmed)
                    }
                    // Joined, a `--` comment would hide the lines after it.
                    if parts.count > 1, let part = parts.first(where: { $0.text.contains("--") }), let dashes = part.text.range(of: "--") {
                        throw error(part.number, part.text, column: part.text.distance(from: part.text.startIndex, to: dashes.lowerBound) + 1,
                                    "a statement on several lines is read as one line, where -- would hide the rest of it; write the comment as /* … */")
                    }
                }
                try blockLine(inner, number: number, into: &definition)
            }
            index += 1
        }
        guard closed else {
            throw error(index - 1, lines[max(0, index - 1)], column: 1, "the block of \(definition.key) has no end: finish it with a line containing end")
        }
        definition.source = body.filter { !$0.trimmed.isEmpty }.joined(separator: "\n")
        if definition.sql == nil && definition.loginSQL == nil && !definition.isLogout {
            throw error(index - 1, "end", column: 1, "the route \(definition.key) has no sql line")
        }
        if definition.ownerSQL != nil && !definition.requiresAuth {
            throw error(index - 1, "end", column: 1, "owner needs auth: add a line auth to \(definition.key)")
        }
        try RouteOptionLines.finish(&definition, line: index - 1)
        try validateParameters(definition, line: index - 1, text: "end")
        try validateHTTPLines(definition, line: index - 1)
        return definition
    }

    /// `route GET /menu/:id [unsafe]` (and a `= SQL` tail, handled by the caller).
    static func header(_ line: String, number: Int) throws -> RouteDefinition {
        let head = equalsIndex(line).map { String(line[..<$0]) } ?? line
        let words = tokens(head)
        guard words.count >= 2 else {
            throw error(number, line, column: head.count + 1, "a route needs a method: route GET /menu = SELECT …")
        }
        let method = words[1].text.uppercased()
        guard methods.contains(method) else {
            throw error(number, line, column: words[1].column, "\(words[1].text) is not a method; use GET, POST, PUT, PATCH or DELETE")
        }
        guard words.count >= 3 else {
            throw error(number, line, column: head.count + 1, "a route needs a path after the method, such as /menu or /menu/:id")
        }
        let path = words[2]
        guard path.text.hasPrefix("/") else {
            throw error(number, line, column: path.column, "a path starts with /, such as /menu or /menu/:id")
        }
        for segment in path.text.split(separator: "/") where segment.hasPrefix(":") {
            let name = segment.dropFirst()
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw error(number, line, column: path.column + (path.text.range(of: segment).map { path.text.distance(from: path.text.startIndex, to: $0.lowerBound) } ?? 0),
                            "a path parameter is : followed by a name, such as :id")
            }
        }
        var definition = RouteDefinition(method: method, path: PathPattern(path.text), source: line.trimmed)
        for extra in words.dropFirst(3) {
            guard extra.text.lowercased() == "unsafe" else {
                throw error(number, line, column: extra.column, "unexpected \(extra.text): only the word unsafe may follow the path")
            }
            definition.isUnsafe = true
        }
        return definition
    }

    static func blockLine(_ line: String, number: Int, into definition: inout RouteDefinition) throws {
        let words = tokens(line)
        guard let first = words.first else { return }
        let rest = { () -> String in
            let start = line.index(line.startIndex, offsetBy: first.column - 1 + first.text.count)
            return String(line[start...]).trimmed
        }
        switch first.text.lowercased() {
        case "required", "optional":
            definition.rules.append(try rule(words, line: line, number: number))
        case let keyword where RouteOptionLines.keywords.contains(keyword):
            try RouteOptionLines.parse(keyword, rest: rest(), words: words, line: line, number: number, into: &definition)
        case "auth":
            guard words.count == 1 else { throw error(number, line, column: words[1].column, "auth takes nothing after it") }
            definition.requiresAuth = true
        case "owner":
            guard !rest().isEmpty else { throw error(number, line, column: first.column + 6, "owner needs a query returning the owner's user id") }
            definition.ownerSQL = rest()
            definition.statementSources.append(source(of: rest(), in: line, number: number))
        case "login":
            guard !rest().isEmpty else { throw error(number, line, column: first.column + 6, "login needs a query returning the user's id when the credentials are right") }
            definition.loginSQL = rest()
            definition.statementSources.append(source(of: rest(), in: line, number: number))
        case "logout":
            definition.isLogout = true
        case let word where httpLineWords.contains(word):
            try httpLine(line, number: number, words: words, into: &definition)
        default:
            throw error(number, line, column: first.column, "unknown line \(first.text): use required, optional, sql, respond, one, html, secret, auth, owner, login, logout, header, cache, limit, cors, bind-undeclared or end")
        }
    }

    static func rule(_ words: [(text: String, column: Int)], line: String, number: Int) throws -> FieldRule {
        guard words.count >= 2 else { throw error(number, line, column: line.count + 1, "name the input: \(words[0].text) NAME TYPE") }
        let name = words[1]
        guard name.text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw error(number, line, column: name.column, "an input name is letters, digits and _")
        }
        guard words.count >= 3 else {
            throw error(number, line, column: line.count + 1, "give \(name.text) a type: \(FieldRule.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let kind = FieldRule.Kind(rawValue: words[2].text.lowercased()) else {
            throw error(number, line, column: words[2].column, "\(words[2].text) is not a type; use \(FieldRule.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var rule = FieldRule(name: name.text, required: words[0].text.lowercased() == "required", kind: kind)
        var index = 3
        while index < words.count {
            let word = words[index]
            switch word.text.lowercased() {
            case "length":
                guard index + 1 < words.count, let range = self.range(words[index + 1].text) else {
                    throw error(number, line, column: index + 1 < words.count ? words[index + 1].column : word.column, "length takes a range such as 1..80, ..200 or 3..")
                }
                guard kind == .text || kind == .email else { throw error(number, line, column: word.column, "length applies to text") }
                rule.minimumLength = range.0.map { Int($0) }
                rule.maximumLength = range.1.map { Int($0) }
                index += 2
            case "pattern":
                guard index + 1 < words.count else { throw error(number, line, column: word.column, "pattern takes a regular expression") }
                let pattern = words[index + 1].text
                guard (try? Regex(pattern)) != nil else {
                    throw error(number, line, column: words[index + 1].column, "\(pattern) is not a valid regular expression")
                }
                rule.pattern = pattern
                index += 2
            case "one-of":
                guard index + 1 < words.count else { throw error(number, line, column: word.column, "one-of takes values separated by |, such as small|large") }
                rule.choices = words[index + 1].text.split(separator: "|").map(String.init)
                index += 2
            default:
                guard let range = self.range(word.text) else {
                    throw error(number, line, column: word.column, "unexpected \(word.text): rules are MIN..MAX, length MIN..MAX, pattern REGEX or one-of A|B")
                }
                guard kind == .integer || kind == .number else {
                    throw error(number, line, column: word.column, "a range MIN..MAX applies to integer and number inputs; for text use length MIN..MAX")
                }
                rule.minimum = range.0
                rule.maximum = range.1
                index += 1
            }
        }
        return rule
    }

    /// `1..12`, `..200`, `3..`.
    static func range(_ text: String) -> (Double?, Double?)? {
        guard let dots = text.range(of: "..") else { return nil }
        let low = String(text[..<dots.lowerBound]), high = String(text[dots.upperBound...])
        let lowValue = low.isEmpty ? nil : Double(low)
        let highValue = high.isEmpty ? nil : Double(high)
        if !low.isEmpty && lowValue == nil || !high.isEmpty && highValue == nil || (low.isEmpty && high.isEmpty) { return nil }
        return (lowValue, highValue)
    }

    /// `{name}` splices are only for unsafe routes; a safe route using one is a mistake to point at.
    static func validateParameters(_ definition: RouteDefinition, line: Int, text: String) throws {
        for sql in [definition.sql, definition.ownerSQL, definition.loginSQL].compactMap({ $0 }) where !definition.isUnsafe {
            if let open = sql.firstIndex(of: "{"), sql[open...].contains("}") {
                let column = text.range(of: "{").map { text.distance(from: text.startIndex, to: $0.lowerBound) + 1 } ?? 1
                throw error(line, text, column: column,
                            "{…} pastes raw input into SQL and is only allowed on a route marked unsafe; use a parameter such as :\(sql[sql.index(after: open)...].prefix { $0 != "}" })")
            }
        }
        try RouteInputs.validate(definition, line: line, text: text)
    }

    /// The block lines whose statement may continue on deeper-indented lines after them.
    static let continuedWords: Set<String> = ["sql", "respond", "owner", "login"]

    /// The number of spaces and tabs `line` starts with.
    static func indentation(of line: String) -> Int {
        line.prefix { $0 == " " || $0 == "\t" }.count
    }

    /// Where `sql` (the end of `line`, trimmed) starts.
    static func source(of sql: String, in line: String, number: Int) -> StatementSource {
        var end = Substring(line)
        while end.last?.isWhitespace == true { end = end.dropLast() }
        let column = max(1, end.count - sql.count + 1)
        return StatementSource(sql: sql, text: line, line: number + 1, column: column)
    }

    static func equalsIndex(_ line: String) -> String.Index? {
        line.firstIndex(of: "=")
    }

    static func tokens(_ line: String) -> [(text: String, column: Int)] {
        var result: [(String, Int)] = []
        var current = ""
        var start = 0
        for (offset, character) in line.enumerated() {
            if character == " " || character == "\t" {
                if !current.isEmpty { result.append((current, start + 1)); current = "" }
            } else {
                if current.isEmpty { start = offset }
                current.append(character)
            }
        }
        if !current.isEmpty { result.append((current, start + 1)) }
        return result
    }

    static func column(of word: String, in line: String) -> Int {
        (line.range(of: word).map { line.distance(from: line.startIndex, to: $0.lowerBound) } ?? 0) + 1
    }

    static func error(_ index: Int, _ text: String, column: Int, _ message: String) -> RouteSyntaxError {
        RouteSyntaxError(line: index + 1, column: column, message: message, text: text)
    }
}
