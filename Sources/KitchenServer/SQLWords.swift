/// SQL text as words, parameters and parentheses, skipping strings, quoted names and comments:
/// enough to tell which clause a parameter stands in.
enum SQLWords {
    enum Token: Equatable {
        case word(String)
        /// `:name`, `@name`, `$name` (and, when asked, an unsafe route's `{name}` splice).
        case parameter(RouteInputs.Parameter)
        /// `?` or `?3`, at this offset.
        case positional(Int)
        case open, close, end
    }

    static func scan(_ sql: String, splices: Bool = false) -> [Token] {
        let characters = Array(sql)
        var tokens: [Token] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "'" || character == "\"" || character == "`" {
                index += 1
                while index < characters.count {
                    if characters[index] == character {
                        if index + 1 < characters.count && characters[index + 1] == character { index += 2; continue }
                        break
                    }
                    index += 1
                }
                index += 1
            } else if character == "[" {
                while index < characters.count && characters[index] != "]" { index += 1 }
                index += 1
            } else if character == "-" && index + 1 < characters.count && characters[index + 1] == "-" {
                while index < characters.count && characters[index] != "\n" { index += 1 }
            } else if character == "/" && index + 1 < characters.count && characters[index + 1] == "*" {
                index += 2
                while index + 1 < characters.count && !(characters[index] == "*" && characters[index + 1] == "/") { index += 1 }
                index += 2
            } else if character == ":" || character == "@" || character == "$" {
                var end = index + 1
                while end < characters.count && (characters[end].isLetter || characters[end].isNumber || characters[end] == "_") { end += 1 }
                if end > index + 1 { tokens.append(.parameter(.init(name: String(characters[(index + 1)..<end]), offset: index))) }
                index = max(end, index + 1)
            } else if character == "?" {
                tokens.append(.positional(index))
                index += 1
                while index < characters.count && characters[index].isNumber { index += 1 }
            } else if character == "{" && splices {
                var end = index + 1
                while end < characters.count && (characters[end].isLetter || characters[end].isNumber || characters[end] == "_") { end += 1 }
                if end < characters.count && characters[end] == "}" && end > index + 1 {
                    tokens.append(.parameter(.init(name: String(characters[(index + 1)..<end]), offset: index)))
                }
                index = end
            } else if character.isLetter || character == "_" {
                var end = index
                while end < characters.count && (characters[end].isLetter || characters[end].isNumber || characters[end] == "_") { end += 1 }
                tokens.append(.word(String(characters[index..<end])))
                index = end
            } else {
                if character == "(" { tokens.append(.open) }
                if character == ")" { tokens.append(.close) }
                if character == ";" { tokens.append(.end) }
                index += 1
            }
        }
        return tokens
    }
}
