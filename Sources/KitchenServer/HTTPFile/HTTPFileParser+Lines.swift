/// What one line of a `.http` file is: a comment, a variable definition, a request line, a
/// header name; each as the REST Client's own regular expressions decide it.
extension HTTPFileParser {
    /// An HTTP token (RFC 9110 `tchar`s), or a name built from `{{variables}}`.
    static func isHeaderName(_ name: Substring) -> Bool {
        if name.hasPrefix("{{") && name.hasSuffix("}}") { return true }
        return name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar))
        }
    }

    /// `#` or `//` after optional blanks (the REST Client's `CommentIdentifiersRegex`).
    static func isComment(_ text: String) -> Bool {
        let start = text.drop { $0 == " " || $0 == "\t" }
        return start.hasPrefix("#") || start.hasPrefix("//")
    }

    /// `@name = value` (the REST Client's `FileVariableDefinitionRegex`: a name without blanks or `=`).
    static func variableDefinition(_ text: String) -> (name: String, value: String)? {
        let start = text.drop { $0 == " " || $0 == "\t" }
        guard start.hasPrefix("@") else { return nil }
        let name = start.dropFirst().prefix { !$0.isWhitespace && $0 != "=" }
        guard !name.isEmpty else { return nil }
        let rest = start.dropFirst(1 + name.count).drop { $0 == " " || $0 == "\t" }
        guard rest.first == "=" else { return nil }
        return (String(name), String(rest.dropFirst()).blankTrimmed)
    }

    /// The REST Client turns `\n`, `\r` and `\t` in a variable's value into the characters, and
    /// drops any other backslash.
    static func unescape(_ value: String) -> String {
        var result = ""
        var escaped = false
        for character in value {
            if escaped {
                escaped = false
                switch character {
                case "n": result.append("\n")
                case "r": result.append("\r")
                case "t": result.append("\t")
                default: result.append(character)
                }
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }

    struct LineProblem: Error { var message: String }

    /// `METHOD URL [HTTP/x]` or a URL alone.
    static func requestLine(_ line: String) -> Result<(String, String), LineProblem> {
        let words = line.split(whereSeparator: \.isWhitespace)
        guard let first = words.first else { return .failure(.init(message: "an empty request line")) }
        var method = "GET"
        var urlWords = words[...]
        if methods.contains(first.uppercased()) {
            method = first.uppercased()
            urlWords = words.dropFirst()
            guard !urlWords.isEmpty else { return .failure(.init(message: "\(first) needs a URL, e.g. \(method) /menu")) }
        } else if first.uppercased() == "CONNECT" {
            return .failure(.init(message: "CONNECT opens a tunnel through a proxy; Kitchen's server is no proxy"))
        } else if !looksLikeURL(first) {
            return .failure(.init(message: "expected a request line (METHOD URL, e.g. GET /menu), a variable (@name = value), a comment (# …) or ###; got: \(line)"))
        }
        if let version = urlWords.dropFirst().firstIndex(where: { $0.uppercased().hasPrefix("HTTP/") }) {
            // The version is the one the client sends: Kitchen's client speaks HTTP/1.1 only, so
            // another (JetBrains sends `HTTP/2` and `HTTP/2 (Prior Knowledge)` as such) is
            // refused rather than sent as 1.1.
            let written = urlWords[version...].joined(separator: " ")
            guard written.uppercased() == "HTTP/1.1" else {
                return .failure(.init(message: "\(written): Kitchen sends every request as HTTP/1.1 (its server speaks nothing else); write HTTP/1.1 or leave the version out"))
            }
            urlWords = urlWords[..<version]
        }
        guard looksLikeURL(urlWords.first!) else {
            return .failure(.init(message: "expected a URL after \(method) (a path such as /menu, http://localhost/menu or {{host}}/menu); got: \(urlWords.joined(separator: " "))"))
        }
        return .success((method, urlWords.joined(separator: " ")))
    }

    /// `POST /menu`: a method in capitals and a URL — in a body, the start of a request someone
    /// forgot to separate with `###`.
    static func startsWithMethod(_ trimmed: String) -> Bool {
        let words = trimmed.split(whereSeparator: \.isWhitespace)
        return words.count >= 2 && methods.contains(String(words[0])) && looksLikeURL(words[1])
    }

    static func looksLikeURL<S: StringProtocol>(_ word: S) -> Bool {
        let lower = word.lowercased()
        return ["/", "http://", "https://", "{{", "localhost", "127.0.0.1", "[::1]"].contains { lower.hasPrefix($0) }
    }
}
