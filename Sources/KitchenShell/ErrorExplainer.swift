import KitchenSQL

/// Turns SQLite's terse messages into advice a beginner can act on.
///
/// SQLite says *what* went wrong; this says what the learner probably meant, using the
/// schema that is actually there (table lists, nearest column names).
public enum ErrorExplainer {
    public static func explain(_ error: DatabaseError, schema: Schema?) -> [String] {
        if let reason = error.sandboxReason {
            return explain(reason, sql: error.sql ?? "")
        }
        let message = error.message
        if let name = capture(after: "no such table: ", in: message) {
            return noSuchTable(name, schema: schema)
        }
        if let name = capture(after: "no such column: ", in: message) {
            return noSuchColumn(name, sql: error.sql ?? "", schema: schema)
        }
        if message.hasPrefix("near \""), message.hasSuffix("\": syntax error") {
            let token = String(message.dropFirst(6).dropLast(15))
            return syntaxError(near: token, sql: error.sql ?? "", offset: error.offset)
        }
        if message == "incomplete input" {
            return ["The statement stopped in the middle: check for an unclosed quote or parenthesis, or a missing end."]
        }
        if let kind = error.constraintKind {
            return constraint(kind, message: message)
        }
        if message.hasPrefix("ambiguous column name: ") {
            let column = message.dropFirst("ambiguous column name: ".count)
            return ["Two of the tables in this query have a column with that name. Say which one you mean by putting the table's name in front: TABLE.\(column)."]
        }
        if message.contains("misuse of aggregate") {
            return ["Aggregates such as COUNT or SUM cannot go in WHERE; to filter on them use HAVING after GROUP BY."]
        }
        return []
    }

    static func explain(_ reason: DatabaseError.SandboxReason, sql: String) -> [String] {
        switch reason {
        case .timeLimit:
            let upper = sql.uppercased()
            if upper.contains("RECURSIVE") {
                return ["A recursive CTE (WITH RECURSIVE) needs a stop condition, such as WHERE n < 10 in its recursive part, or a LIMIT."]
            }
            if upper.contains(" JOIN ") && !upper.contains(" ON ") && !upper.contains(" USING") {
                return ["A JOIN without ON pairs every row with every row. Add ON to say which rows belong together."]
            }
            return ["The query may be doing far more work than intended: look for a missing join condition or a loop that never ends. .timeout SECONDS changes the limit."]
        case .interrupted:
            return []
        case .refused:
            return []
        case .memoryLimit:
            return ["Try a smaller result: filter with WHERE, or add a LIMIT."]
        }
    }

    static func noSuchTable(_ name: String, schema: Schema?) -> [String] {
        guard let schema else { return [] }
        let names = schema.tableNames
        guard !names.isEmpty else {
            return ["This database has no tables yet. Create one with CREATE TABLE."]
        }
        var advice: [String] = []
        let bare = name.split(separator: ".").last.map(String.init) ?? name
        if let nearest = Suggestions.nearest(to: bare, among: names) {
            advice.append("Did you mean \(nearest)?")
        }
        advice.append("Tables here: \(names.joined(separator: ", ")).")
        return advice
    }

    static func noSuchColumn(_ name: String, sql: String, schema: Schema?) -> [String] {
        var advice: [String] = []
        // A double-quoted "word" is a column name in SQL; strings take single quotes.
        if sql.contains("\"\(name)\"") {
            advice.append("In SQL, double quotes name a column. For the text \(name) use single quotes: '\(name)'.")
        }
        guard let schema else { return advice }
        let parts = name.split(separator: ".").map(String.init)
        let columnName = parts.last ?? name
        let holders = schema.tables.filter { $0.columns.contains { $0.lowercased() == columnName.lowercased() } }.map(\.name)
        let words = Self.words(outsideQuotes: sql)
        // A SELECT cut short (a route's SQL whose next lines were not indented under it, a
        // FROM forgotten): no table is read, so every column is "no such column".
        if words.first == "SELECT", !words.contains("FROM") {
            let source: String
            if parts.count == 2 {
                let table = schema.table(named: parts[0])?.name
                source = table.map { ": perhaps SELECT … FROM \($0)" } ?? ": \(name) needs a table called \(parts[0]) (FROM some_table AS \(parts[0]))"
            } else if holders.count == 1 {
                source = ": it is a column of \(holders[0]), so perhaps SELECT … FROM \(holders[0])"
            } else {
                source = holders.isEmpty ? "" : ": \(columnName) is a column of \(holders.prefix(3).joined(separator: ", "))"
            }
            advice.append("This SELECT has no FROM, so it reads no table to take \(columnName) from\(source).")
            return advice
        }
        // `oi.id` where nothing is called oi: the alias was never given (FROM order_items AS oi).
        if parts.count == 2, schema.table(named: parts[0]) == nil, !words.contains(parts[0].uppercased()) {
            advice.append("Nothing in this statement is called \(parts[0]): give a table that name after it (FROM \(holders.first ?? "table") AS \(parts[0])), or write the table's own name.")
            return advice
        }
        var candidates = schema.allColumnNames
        if parts.count == 2, let table = schema.table(named: parts[0]) {
            candidates = table.columns
        } else {
            let mentioned = schema.tables.filter { sql.lowercased().contains($0.name.lowercased()) }
            if !mentioned.isEmpty { candidates = mentioned.flatMap(\.columns) }
        }
        if let nearest = Suggestions.nearest(to: columnName, among: candidates), nearest.lowercased() != columnName.lowercased() {
            advice.append("Did you mean \(nearest)?")
        } else if parts.count == 1, !holders.isEmpty {
            // The column exists, in a table this statement does not read.
            advice.append("\(columnName) is a column of \(holders.prefix(3).joined(separator: ", ")), which this statement does not read: add it to FROM or JOIN it.")
        }
        let mentioned = schema.tables.filter { sql.lowercased().contains($0.name.lowercased()) }
        for table in mentioned.prefix(3) {
            advice.append("Columns of \(table.name): \(table.columns.joined(separator: ", ")).")
        }
        return advice
    }

    /// The statement's words in upper case, without quoted text, identifiers and comments: enough
    /// to tell whether a keyword or a name is there. A word just before a dot keeps the dot
    /// (`oi.id` gives `OI.` and `ID`): it uses a name, it does not give one.
    static func words(outsideQuotes sql: String) -> [String] {
        var words: [String] = []
        var word = ""
        var quote: Character?
        var previous: Character = " "
        var comment = false
        for character in sql {
            if comment {
                if character == "\n" { comment = false }
                continue
            }
            if let open = quote {
                if character == open || (open == "[" && character == "]") { quote = nil }
                continue
            }
            if character.isLetter || character.isNumber || character == "_" {
                word.append(character)
            } else {
                if !word.isEmpty { words.append(word.uppercased() + (character == "." ? "." : "")); word = "" }
                if character == "-" && previous == "-" { comment = true }
                if "'\"`[".contains(character) { quote = character }
            }
            previous = character
        }
        if !word.isEmpty { words.append(word.uppercased()) }
        return words
    }

    static func syntaxError(near token: String, sql: String, offset: Int?) -> [String] {
        let upper = token.uppercased()
        let before: String = {
            guard let offset else { return "" }
            let prefix = String(decoding: sql.utf8.prefix(offset), as: UTF8.self)
            return prefix.trimmingTrailingSpaces()
        }()
        if before.hasSuffix(","), ["FROM", "WHERE", "GROUP", "ORDER", ")"].contains(upper) {
            return ["There is a comma just before \(token): remove the comma after the last item of the list."]
        }
        if ["FROM", "WHERE", "SELECT", "ORDER", "GROUP", "HAVING", "LIMIT", "VALUES", "SET"].contains(upper) {
            return ["SQLite did not expect \(token) here. Check the word before it: a missing comma, an unfinished expression, or a keyword out of order (the order is SELECT … FROM … WHERE … GROUP BY … HAVING … ORDER BY … LIMIT)."]
        }
        if token.hasPrefix("'") || token.hasPrefix("\"") {
            return ["Check the quotes: text goes in single quotes, and an apostrophe inside text is written twice ('it''s')."]
        }
        return ["SQLite could not make sense of the statement at \(token). Look just before it for a misspelled keyword, a missing comma or an unclosed parenthesis."]
    }

    static func constraint(_ kind: String, message: String) -> [String] {
        switch kind {
        case "UNIQUE", "PRIMARY KEY":
            return ["That value is already in the table, and this column must not repeat. The change was not made."]
        case "NOT NULL":
            return ["That column must have a value: give it one in the INSERT, or the table refuses the row."]
        case "CHECK":
            return ["The value breaks a CHECK rule of the table (see .schema). The database itself refused it."]
        case "FOREIGN KEY":
            return ["The row points at a row that does not exist in the other table (or is still pointed at). Foreign keys are enforced here."]
        default:
            return []
        }
    }

    private static func capture(after prefix: String, in message: String) -> String? {
        guard message.hasPrefix(prefix) else { return nil }
        return String(message.dropFirst(prefix.count))
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = Substring(self)
        while let last = text.last, last == " " || last == "\n" || last == "\t" || last == "\r" {
            text = text.dropLast()
        }
        return String(text)
    }

    func trimmingSpaces() -> String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\n" || first == "\t" || first == "\r" {
            text = text.dropFirst()
        }
        return String(text).trimmingTrailingSpaces()
    }
}
