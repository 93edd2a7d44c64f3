/// Reads a `.http` file into requests, the way the REST Client's selector and request parser
/// read it (Huachao/vscode-restclient, `selector.ts` and `httpRequestParser.ts`):
///
/// - a line starting with `###` ends a request block; in each block, leading blank lines,
///   comments (`#`, `//`) and `@name = value` lines come before the request line;
/// - the request line is `METHOD URL [HTTP/1.1]`, or a URL alone (GET);
/// - lines right after it that start with `?` or `&` continue the URL;
/// - header lines follow; the first blank line starts the body, which runs to the end of the
///   block (trailing blank lines dropped); comment lines are dropped everywhere, body included;
/// - `# @name`, `# @no-redirect`, `# @no-cookie-jar`, `# @prompt`, `# @note` anywhere in the block.
///
/// Kitchen's one addition: a line `HTTP 201` ends the body and starts the expectations.
/// Whatever the REST Client would send although the text does not seem to mean it (a JSON body
/// with no blank line before it, a second request with no `###`, a saved response pasted under
/// the request, JetBrains or httpyac scripts) is refused with its line.
public enum HTTPFileParser {
    public static func parse(_ bytes: [UInt8], path: String, directory: String) throws(HTTPFileProblems) -> HTTPFile {
        var reader = Reader(file: path)
        reader.read(try HTTPFileText.lines(of: bytes, file: path))
        if !reader.problems.isEmpty { throw HTTPFileProblems(reader.problems) }
        return HTTPFile(path: path, directory: directory, requests: reader.requests, variables: reader.variables)
    }

    public static func parse(_ text: String, path: String = "requests.http", directory: String = ".") throws(HTTPFileProblems) -> HTTPFile {
        try parse(Array(text.utf8), path: path, directory: directory)
    }

    /// The REST Client's methods (`httpRequestParser.ts`), WebDAV's included. CONNECT is refused.
    static let methods: Set<String> = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE",
                                       "LOCK", "UNLOCK", "PROPFIND", "PROPPATCH", "COPY", "MOVE", "MKCOL", "MKCALENDAR", "ACL", "SEARCH"]

    /// JetBrains and httpyac directives that change what is sent or when: following them halfway
    /// would be silently wrong, so they are refused. Other `# @word` comments are plain comments.
    static let refusedDirectives: Set<String> = ["no-auto-encoding", "timeout", "connection-timeout", "use-os-credentials", "ref",
                                                 "forceRef", "import", "loop", "sleep", "disabled", "jwt", "save", "ratelimit",
                                                 "keepStreaming", "no-client-cert", "no-reject-unauthorized", "injectVariables", "http-version"]

    private struct Reader {
        let file: String
        var requests: [HTTPFileRequest] = []
        var variables: [HTTPFileVariable] = []
        var problems: [HTTPFileProblem] = []

        init(file: String) { self.file = file }

        mutating func refuse(_ line: HTTPFileLine, _ message: String) {
            problems.append(HTTPFileProblem(file: file, line: line.number, message: message))
        }

        mutating func read(_ lines: [HTTPFileLine]) {
            var block: [HTTPFileLine] = []
            for line in lines {
                if line.text.hasPrefix("###") {
                    readBlock(block)
                    block = []
                } else {
                    block.append(line)
                }
            }
            readBlock(block)
        }

        enum State { case prelude, url, headers, body, expectations }

        /// One request block as it is read: where in it the reader is, the request so far and the
        /// block's `# @` directives.
        struct Block {
            var state = State.prelude
            var request: HTTPFileRequest?
            var directives = Directives()
        }

        mutating func readBlock(_ lines: [HTTPFileLine]) {
            var block = Block()
            for line in lines {
                let trimmed = line.text.blankTrimmed
                if let problem = Self.foreignSyntax(trimmed) {
                    refuse(line, problem)
                    continue
                }
                if HTTPFileParser.isComment(line.text) {
                    readDirective(line, into: &block.directives)
                    continue
                }
                switch block.state {
                case .prelude:
                    // A bad request line ends the block: what follows it cannot be read as its parts.
                    guard readPrelude(line, into: &block) else { return }
                case .url, .headers: readHead(line, into: &block)
                case .body: readBody(line, into: &block)
                case .expectations: readExpectation(line, into: &block.request!)
                }
            }
            guard var request = block.request else { return }
            while let last = request.body.last, last.text.blankTrimmed.isEmpty { request.body.removeLast() }
            request.name = block.directives.name
            request.followsRedirects = !block.directives.noRedirect
            request.usesCookieJar = !block.directives.noCookieJar
            request.prompts = block.directives.prompts
            requests.append(request)
        }

        /// Before the request line: blank lines, variables, then the request line. False when the
        /// request line is refused.
        mutating func readPrelude(_ line: HTTPFileLine, into block: inout Block) -> Bool {
            let trimmed = line.text.blankTrimmed
            if trimmed.isEmpty { return true }
            if let definition = HTTPFileParser.variableDefinition(line.text) {
                define(definition, at: line)
                return true
            }
            if trimmed == "{{" || trimmed.hasPrefix("{{@") || trimmed.hasPrefix("{{+") {
                refuse(line, "an httpyac script block: Kitchen runs no JavaScript; set values with @name = value or --var NAME=VALUE")
                return true
            }
            if trimmed.hasPrefix("HTTP/") {
                refuse(line, "a saved response with no request before it: delete it, or check responses with HTTP 200 and [Asserts] lines under a request")
                return true
            }
            switch HTTPFileParser.requestLine(trimmed) {
            case .success(let (method, url)):
                block.request = HTTPFileRequest(line: line.number, method: method, url: url, headers: [], body: [])
                block.state = .url
                return true
            case .failure(let problem):
                refuse(line, problem.message)
                return false
            }
        }

        /// After the request line: URL continuations, headers, the blank line before the body, or
        /// Kitchen's status line.
        mutating func readHead(_ line: HTTPFileLine, into block: inout Block) {
            let trimmed = line.text.blankTrimmed
            if let status = HTTPFileExpectation.status(inLine: trimmed) {
                // Kitchen's expectations may follow the headers directly.
                block.request!.expectations.append(.status(status))
                block.state = .expectations
            } else if block.state == .url && (trimmed.hasPrefix("?") || trimmed.hasPrefix("&")) {
                block.request!.url += trimmed
            } else if trimmed.isEmpty {
                block.state = .body
            } else {
                block.state = .headers
                readHeader(line, into: &block.request!)
            }
        }

        /// A body line, unless it is Kitchen's status line or looks like something the REST
        /// Client would send as body text although the author cannot have meant it.
        mutating func readBody(_ line: HTTPFileLine, into block: inout Block) {
            let trimmed = line.text.blankTrimmed
            if let status = HTTPFileExpectation.status(inLine: trimmed) {
                block.request!.expectations.append(.status(status))
                block.state = .expectations
            } else if trimmed.hasPrefix("HTTP/"), trimmed.split(separator: " ").count > 2 {
                refuse(line, "this looks like a saved response pasted under the request; Kitchen would send it as body text. Delete it, or check the response with HTTP \(trimmed.split(separator: " ")[1]) and [Asserts] lines")
            } else if HTTPFileParser.variableDefinition(line.text) != nil {
                refuse(line, "a variable definition inside a request body: the REST Client would send this line as body text; define variables before the request line or after ###")
            } else if HTTPFileParser.startsWithMethod(trimmed) {
                refuse(line, "this looks like another request inside the body of the request at line \(block.request!.line): separate requests with a ### line")
            } else {
                block.request!.body.append(line)
            }
        }

        /// Lines of other tools' dialects that mean something Kitchen does not do.
        static func foreignSyntax(_ trimmed: String) -> String? {
            if trimmed.hasPrefix("< {%") {
                return "a JetBrains pre-request script (< {% … %}): Kitchen runs no JavaScript; set values with @name = value or --var NAME=VALUE"
            }
            if trimmed.hasPrefix("> {%") || (trimmed.hasPrefix("> ") && trimmed.hasSuffix(".js")) {
                return "a JetBrains response handler script: Kitchen runs no JavaScript; check the response with HTTP 200 and [Asserts] lines, and reuse values with # @name and {{name.response.body.$.field}}"
            }
            if trimmed.hasPrefix(">>") {
                return "response redirection to a file (>> FILE) is JetBrains': Kitchen writes no response files; remove the line"
            }
            if trimmed.hasPrefix("<>") {
                return "a JetBrains saved-response reference (<> FILE): Kitchen compares responses with HTTP 200 and [Asserts] lines; remove the line"
            }
            if trimmed.hasPrefix("??") {
                return "an httpyac assertion (?? …): write Kitchen's HTTP 200 line and [Asserts] lines instead, e.g. jsonpath \"$.id\" == 3"
            }
            return nil
        }

        struct Directives {
            var name: String?
            var noRedirect = false
            var noCookieJar = false
            var prompts: [HTTPFileRequest.Prompt] = []
        }

        mutating func readDirective(_ line: HTTPFileLine, into directives: inout Directives) {
            var rest = Substring(line.text.blankTrimmed)
            rest = rest.drop { $0 == "#" || $0 == "/" }
            rest = rest.drop { $0 == " " || $0 == "\t" }
            guard rest.hasPrefix("@") else { return }
            let word = rest.dropFirst().prefix { !$0.isWhitespace && $0 != "=" }
            let argument = String(rest.dropFirst(1 + word.count)).blankTrimmed
            switch word {
            case "name":
                let name = argument.hasPrefix("=") ? String(argument.dropFirst()).blankTrimmed : argument
                guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), name.unicodeScalars.allSatisfy(\.isASCII) else {
                    refuse(line, "a request name may hold only letters, digits and _ (the REST Client ignores any other), got '\(name)'")
                    return
                }
                directives.name = name
            case "no-redirect": directives.noRedirect = true
            case "no-cookie-jar": directives.noCookieJar = true
            case "prompt":
                let parts = argument.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
                guard let name = parts.first, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                    refuse(line, "write # @prompt NAME [description]; NAME may hold letters, digits and _")
                    return
                }
                directives.prompts.append(.init(name: String(name), description: parts.count > 1 ? String(parts[1]).blankTrimmed : nil, line: line.number))
            default:
                if HTTPFileParser.refusedDirectives.contains(String(word)) {
                    refuse(line, "# @\(word) is a JetBrains/httpyac directive Kitchen does not follow; remove it (Kitchen knows @name, @no-redirect, @no-cookie-jar, @prompt and @note)")
                }
            }
        }

        mutating func define(_ definition: (name: String, value: String), at line: HTTPFileLine) {
            let value = HTTPFileParser.unescape(definition.value)
            if let earlier = variables.last(where: { $0.name == definition.name }), earlier.value != value {
                refuse(line, "@\(definition.name) is defined again (first at line \(earlier.line)) with another value: the REST Client gives a variable one value for the whole file (its last definition), not one per request; give this one its own name")
                return
            }
            variables.append(HTTPFileVariable(name: definition.name, value: value, line: line.number))
        }

        mutating func readHeader(_ line: HTTPFileLine, into request: inout HTTPFileRequest) {
            let trimmed = line.text.blankTrimmed
            if HTTPFileParser.variableDefinition(line.text) != nil {
                refuse(line, "a variable definition among the headers: the REST Client would send it as a header; define variables before the request line or after ###")
                return
            }
            guard let colon = trimmed.firstIndex(of: ":"), colon != trimmed.startIndex,
                  HTTPFileParser.isHeaderName(trimmed[..<colon]) else {
                if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") || trimmed.hasPrefix("<") || trimmed.hasPrefix("\"") {
                    refuse(line, "this looks like a body, but no blank line comes before it, so the REST Client would read it as a header: leave a blank line between the headers and the body")
                } else if HTTPFileParser.startsWithMethod(trimmed) {
                    refuse(line, "this looks like another request right after the request at line \(request.line): separate requests with a ### line")
                } else {
                    refuse(line, "expected a header (Name: value); a body must come after a blank line")
                }
                return
            }
            request.headers.append(.init(name: String(trimmed[..<colon]), value: String(trimmed[trimmed.index(after: colon)...]).blankTrimmed, line: line.number))
        }

        mutating func readExpectation(_ line: HTTPFileLine, into request: inout HTTPFileRequest) {
            let trimmed = line.text.blankTrimmed
            if trimmed.isEmpty || trimmed == "[Asserts]" { return }
            if let definition = HTTPFileParser.variableDefinition(line.text) {
                define(definition, at: line)
                return
            }
            if trimmed.hasPrefix("["), trimmed.hasSuffix("]") {
                refuse(line, "Hurl's \(trimmed) section is not supported: Kitchen reads HTTP CODE and [Asserts]; to reuse a value, name the request (# @name) and write {{name.response.body.$.field}}")
                return
            }
            if HTTPFileParser.startsWithMethod(trimmed) {
                refuse(line, "a new request must start after a ### line")
                return
            }
            if HTTPFileExpectation.status(inLine: trimmed) != nil {
                refuse(line, "a second status line for the request at line \(request.line)")
                return
            }
            do {
                request.expectations.append(try HTTPFileExpectation.parseAssert(trimmed))
            } catch {
                if let colon = trimmed.firstIndex(of: ":"), !trimmed[..<colon].contains(" ") {
                    refuse(line, "this looks like a saved response's header; to check it write an assert such as header \"\(trimmed[..<colon])\" == \"\(trimmed[trimmed.index(after: colon)...].blankTrimmed)\"")
                } else {
                    refuse(line, error.message)
                }
            }
        }
    }

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
        if urlWords.count > 1, urlWords.last!.uppercased().hasPrefix("HTTP/") { urlWords = urlWords.dropLast() }
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
