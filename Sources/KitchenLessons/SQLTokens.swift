/// A small SQL tokenizer for grading: enough to find a statement's first keyword, the text of a
/// CHECK constraint, or the literals of a query, while skipping comments and the insides of strings
/// (a `CHECK` inside a comment or a string is no constraint).
struct SQLToken: Equatable {
    enum Kind: Equatable {
        /// A keyword or an unquoted name.
        case word
        /// A name in "double quotes", `backticks` or [brackets], without its quotes.
        case quotedName
        /// A 'string', with its quotes as written.
        case string
        case number
        /// One punctuation or operator character sequence.
        case symbol
    }

    var kind: Kind
    var text: String
    /// UTF-8 offsets of the token in the source text.
    var start: Int
    var end: Int

    /// The word in upper case, for keyword comparisons.
    var keyword: String { kind == .word ? text.uppercased() : "" }

    /// The name a word or a quoted name denotes, lower-cased (SQLite compares names without case).
    var name: String? {
        switch kind {
        case .word, .quotedName: text.lowercased()
        default: nil
        }
    }

    static func tokenize(_ sql: String) -> [SQLToken] {
        var scanner = SQLScanner(bytes: Array(sql.utf8))
        var tokens: [SQLToken] = []
        while let token = scanner.next() { tokens.append(token) }
        return tokens
    }

    /// Tokens joined into one canonical text: words in lower case, one space between tokens, so
    /// `CHECK(Party_Size>0)` and `check ( party_size > 0 )` read the same.
    static func canonical(_ tokens: some Collection<SQLToken>) -> String {
        tokens.map { token in
            switch token.kind {
            case .word: token.text.lowercased()
            case .quotedName: token.text.lowercased()
            default: token.text
            }
        }.joined(separator: " ")
    }

    /// The index just past the parenthesis that closes the one at `open`.
    static func closing(_ tokens: [SQLToken], from open: Int) -> Int {
        var depth = 0
        var index = open
        while index < tokens.count {
            if tokens[index].text == "(" && tokens[index].kind == .symbol { depth += 1 }
            if tokens[index].text == ")" && tokens[index].kind == .symbol {
                depth -= 1
                if depth == 0 { return index + 1 }
            }
            index += 1
        }
        return tokens.count
    }

    /// The main verb of one statement: SELECT, INSERT, UPDATE, DELETE, REPLACE, CREATE…, skipping a
    /// leading `WITH …` clause and `EXPLAIN`.
    static func verb(of sql: String) -> String {
        let tokens = tokenize(sql)
        var index = 0
        while index < tokens.count, tokens[index].keyword == "EXPLAIN" || tokens[index].keyword == "QUERY" || tokens[index].keyword == "PLAN" { index += 1 }
        guard index < tokens.count else { return "" }
        if tokens[index].keyword != "WITH" { return tokens[index].keyword }
        // After WITH: the first main verb outside parentheses.
        var depth = 0
        while index < tokens.count {
            let token = tokens[index]
            if token.kind == .symbol && token.text == "(" { depth += 1 }
            if token.kind == .symbol && token.text == ")" { depth -= 1 }
            if depth == 0, ["SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE", "VALUES"].contains(token.keyword) { return token.keyword }
            index += 1
        }
        return "WITH"
    }
}

extension String {
    /// The text on one line: each line trimmed, joined by single spaces (a statement in a message).
    var oneLine: String {
        split(separator: "\n").map { String($0).trimmed }.joined(separator: " ")
    }
}

/// Reads SQL one token at a time, over its UTF-8 bytes (every character SQL's syntax gives a
/// meaning to is ASCII; any byte from 0x80 on belongs to a word, as in SQLite's own tokenizer).
private struct SQLScanner {
    let bytes: [UInt8]
    var index = 0

    /// The next token after white space and comments; nil at the end of the text.
    mutating func next() -> SQLToken? {
        skipSpaceAndComments()
        guard index < bytes.count else { return nil }
        let start = index
        let first = bytes[index]
        switch first {
        case 0x27: // 'string' with '' escapes
            skipString()
            return token(.string, from: start)
        case 0x22, 0x60, 0x5B: // "name", `name`, [name]
            let name = quotedName(closedBy: first == 0x5B ? 0x5D : first)
            return SQLToken(kind: .quotedName, text: name, start: start, end: index)
        case 0x30...0x39, // a number, or a dot that starts one (.5)
             0x2E where Self.isDigit(byte(at: index + 1)):
            skipNumber()
            return token(.number, from: start)
        case _ where Self.isWordByte(first):
            while index < bytes.count && Self.isWordByte(bytes[index]) { index += 1 }
            return token(.word, from: start)
        default:
            skipSymbol()
            return token(.symbol, from: start)
        }
    }

    func token(_ kind: SQLToken.Kind, from start: Int) -> SQLToken {
        SQLToken(kind: kind, text: text(start, index), start: start, end: index)
    }

    func text(_ from: Int, _ to: Int) -> String { String(decoding: bytes[from..<to], as: UTF8.self) }

    func byte(at offset: Int) -> UInt8? { offset < bytes.count ? bytes[offset] : nil }

    static func isDigit(_ byte: UInt8?) -> Bool { byte.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }

    static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte == 0x24 || byte >= 0x80
    }

    mutating func skipSpaceAndComments() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D, 0x0C:
                index += 1
            case 0x2D where byte(at: index + 1) == 0x2D: // -- comment
                while index < bytes.count && bytes[index] != 0x0A { index += 1 }
            case 0x2F where byte(at: index + 1) == 0x2A: // /* comment */
                index += 2
                while index < bytes.count && !(bytes[index] == 0x2A && byte(at: index + 1) == 0x2F) { index += 1 }
                index = min(bytes.count, index + 2)
            default:
                return
            }
        }
    }

    /// Past a 'string', whose '' stands for one quote (an unclosed one runs to the end).
    mutating func skipString() {
        index += 1
        while index < bytes.count {
            if bytes[index] == 0x27 {
                if byte(at: index + 1) == 0x27 { index += 2; continue }
                index += 1
                return
            }
            index += 1
        }
    }

    /// The name inside quotes, past the closing one; a doubled "" or `` stands for one.
    mutating func quotedName(closedBy close: UInt8) -> String {
        index += 1
        var name: [UInt8] = []
        while index < bytes.count {
            if bytes[index] == close {
                if close != 0x5D && byte(at: index + 1) == close { name.append(close); index += 2; continue }
                index += 1
                break
            }
            name.append(bytes[index])
            index += 1
        }
        return String(decoding: name, as: UTF8.self)
    }

    /// Past a number: 0x hexadecimal, or digits and dots with an optional exponent.
    mutating func skipNumber() {
        if bytes[index] == 0x30, let next = byte(at: index + 1), next == 0x78 || next == 0x58 {
            index += 2
            while index < bytes.count && Self.isWordByte(bytes[index]) { index += 1 }
            return
        }
        while index < bytes.count && (Self.isDigit(bytes[index]) || bytes[index] == 0x2E) { index += 1 }
        if index < bytes.count && (bytes[index] == 0x65 || bytes[index] == 0x45) {
            index += 1
            if index < bytes.count && (bytes[index] == 0x2B || bytes[index] == 0x2D) { index += 1 }
            while index < bytes.count && Self.isDigit(bytes[index]) { index += 1 }
        }
    }

    /// Past one operator: two-character ones stay together so `>=` and `> =` differ as SQL does.
    mutating func skipSymbol() {
        let pairs: Set<String> = ["<=", ">=", "<>", "!=", "==", "||", "<<", ">>", "->"]
        if index + 3 <= bytes.count && text(index, index + 3) == "->>" {
            index += 3
        } else if index + 2 <= bytes.count && pairs.contains(text(index, index + 2)) {
            index += 2
        } else {
            index += 1
        }
    }
}
