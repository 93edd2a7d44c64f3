import KitchenSupport

/// A request exactly as Kitchen sends it (before the client adds `Host` and `Content-Length`).
public struct HTTPFileSentRequest: Sendable {
    public var method: String
    /// Path and query on Kitchen's server.
    public var target: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Turns one `HTTPFileRequest` into the bytes to send, as the REST Client's request parser and
/// HTTP client do: variables substituted, the URL encoded as `encodeurl` encodes it, duplicate
/// headers joined (`,`; `;` for Cookie), `Content-Length` left to the client, `Authorization:
/// Basic user:password` encoded, bodies joined with LF (CR LF for multipart), `< file` and
/// `<@ file` lines replaced by the file, form bodies joined at `&` lines, GraphQL bodies turned
/// into `{"query": …, "variables": …}`.
struct HTTPFileRequestBuilder {
    var file: HTTPFile
    var variables: HTTPFileVariables
    var mode: HTTPFileVariables.Mode

    struct Failure: Error {
        var line: Int
        var message: String
        var isStatic: Bool
    }

    private func resolve(_ text: String, line: Int) throws(Failure) -> HTTPFileVariables.Resolved {
        do { return try variables.resolve(text, mode: mode) } catch {
            throw Failure(line: line, message: error.message, isStatic: error.isStatic)
        }
    }

    private var checking: Bool {
        if case .check = mode { return true }
        return false
    }

    func build(_ request: HTTPFileRequest) throws(Failure) -> HTTPFileSentRequest {
        let url = try resolve(request.url, line: request.line)
        var headers: [(name: String, value: String)] = []
        var isGraphQL = false
        for header in request.headers {
            let name = try resolve(header.name, line: header.line).text
            let value = try resolve(header.value, line: header.line)
            if value.text.contains("\n") || value.text.contains("\r") {
                throw Failure(line: header.line, message: "the value of \(name) holds a line break after substitution; a header is one line", isStatic: !value.dependsOnResponse)
            }
            switch name.lowercased() {
            case "content-length":
                continue  // The REST Client leaves the length to its HTTP client, and so does Kitchen.
            case "x-request-type" where value.text == "GraphQL":
                isGraphQL = true
                continue
            case "host":
                if !value.dependsOnResponse, Self.loopbackHost(value.text) == nil {
                    throw Failure(line: header.line, message: "Host: \(value.text) is not Kitchen's server; Kitchen only sends to 127.0.0.1 (localhost)", isStatic: true)
                }
                continue  // The client writes Host for the loopback address it connects to.
            case "authorization":
                headers.append((name, try authorization(value.text, line: header.line, isStatic: !value.dependsOnResponse)))
                continue
            default:
                break
            }
            if let index = headers.firstIndex(where: { $0.name.lowercased() == name.lowercased() }) {
                headers[index].value += (name.lowercased() == "cookie" ? ";" : ",") + value.text
            } else {
                headers.append((name, value.text))
            }
        }
        var target = "/"
        if !url.dependsOnResponse || !checking {
            target = try Self.target(of: url.text, line: request.line, isStatic: !url.dependsOnResponse)
        }
        let contentType = headers.first { $0.name.lowercased() == "content-type" }?.value.lowercased() ?? ""
        var body = try self.body(request.body, contentType: contentType)
        if isGraphQL {
            body = try graphQL(request.body, line: request.line)
        }
        return HTTPFileSentRequest(method: request.method, target: target, headers: headers, body: body)
    }

    /// `/menu`, `http://localhost:3000/menu`, `127.0.0.1/menu`: the path and query on Kitchen's
    /// server (whatever the port: a file written for another server's port runs against Kitchen's).
    static func target(of url: String, line: Int, isStatic: Bool) throws(Failure) -> String {
        let encoded = HTTPFileVariables.encodeURL(url)
        if encoded.hasPrefix("/") { return encoded }
        var rest = Substring(encoded)
        for scheme in ["http://", "https://"] where rest.lowercased().hasPrefix(scheme) { rest = rest.dropFirst(scheme.count) }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard loopbackHost(String(authority)) != nil else {
            throw Failure(line: line, message: "\(url) is not on Kitchen's server: Kitchen only sends to 127.0.0.1 (localhost); write a path such as /menu or use {{host}}", isStatic: isStatic)
        }
        let path = rest.dropFirst(authority.count)
        return path.isEmpty ? "/" : path.hasPrefix("/") ? String(path) : "/" + path
    }

    /// The host of `localhost:3000`, `127.0.0.1`, `[::1]:8080`, or nil for any other host.
    static func loopbackHost(_ authority: String) -> String? {
        let withoutUser = authority.split(separator: "@").last.map(String.init) ?? authority
        let host = withoutUser.hasPrefix("[") ? String(withoutUser.prefix { $0 != "]" }) + "]" : String(withoutUser.prefix { $0 != ":" })
        return ["127.0.0.1", "localhost", "[::1]"].contains(host.lowercased()) ? host : nil
    }

    /// `Basic user:password` and `Basic user password` become `Basic base64(user:password)`
    /// (RFC 7617, UTF-8); an already encoded `Basic dXNlcjpwYXNz` is sent as it is.
    private func authorization(_ value: String, line: Int, isStatic: Bool) throws(Failure) -> String {
        let words = value.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let scheme = words.first else { return value }
        switch scheme.lowercased() {
        case "basic":
            if words.count >= 3 {
                return "Basic " + Base64.encode(Array((words[1] + ":" + words[2...].joined(separator: " ")).utf8))
            }
            if words.count == 2, words[1].contains(":") {
                return "Basic " + Base64.encode(Array(words[1].utf8))
            }
            return value
        case "digest" where words.count >= 3:
            throw Failure(line: line, message: "Digest authentication needs a challenge round trip that Kitchen does not do; use Basic or a Bearer token", isStatic: isStatic)
        case "aws", "cognito":
            throw Failure(line: line, message: "\(scheme) signatures are not computed by Kitchen; use Basic or a Bearer token", isStatic: isStatic)
        default:
            return value
        }
    }

    /// `<`, `<@` or `<@latin1`, blanks, then a path (the REST Client's `inputFileSyntax`).
    static func fileInclusion(_ line: String) -> (substitutes: Bool, encoding: String?, path: String)? {
        guard line.hasPrefix("<") else { return nil }
        var rest = line.dropFirst()
        var substitutes = false
        var encoding: String?
        if rest.hasPrefix("@") {
            substitutes = true
            rest = rest.dropFirst()
            let word = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            if !word.isEmpty { encoding = String(word) }
            rest = rest.dropFirst(word.count)
        }
        guard let first = rest.first, first == " " || first == "\t" else { return nil }
        let path = rest.blankTrimmed
        return path.isEmpty ? nil : (substitutes, encoding, path)
    }

    private func body(_ lines: [HTTPFileLine], contentType: String) throws(Failure) -> [UInt8]? {
        guard !lines.isEmpty else { return nil }
        let multipart = contentType.hasPrefix("multipart/form-data")
        let form = contentType.hasPrefix("application/x-www-form-urlencoded")
        let lineEnding: [UInt8] = multipart ? [13, 10] : [10]
        if !lines.contains(where: { Self.fileInclusion($0.text) != nil }) {
            if form {
                var text = ""
                for (index, line) in lines.enumerated() {
                    if index > 0 && !line.text.hasPrefix("&") {
                        throw Failure(line: line.number, message: "in a form body (application/x-www-form-urlencoded) each line after the first must start with & in the first column; the REST Client would send a line break here", isStatic: true)
                    }
                    text += try resolve(line.text, line: line.number).text
                }
                return Array(HTTPFileVariables.encodeURL(text).utf8)
            }
            var bytes: [UInt8] = []
            for (index, line) in lines.enumerated() {
                if index > 0 { bytes += lineEnding }
                bytes += Array(try resolve(line.text, line: line.number).text.utf8)
            }
            if contentType.hasPrefix("application/x-ndjson") { bytes += lineEnding }
            return bytes
        }
        var bytes: [UInt8] = []
        for (index, line) in lines.enumerated() {
            if index > 0 { bytes += lineEnding }
            if let inclusion = Self.fileInclusion(line.text) {
                bytes += try include(inclusion, line: line.number)
            } else {
                bytes += Array(try resolve(line.text, line: line.number).text.utf8)
            }
        }
        return bytes
    }

    private func include(_ inclusion: (substitutes: Bool, encoding: String?, path: String), line: Int) throws(Failure) -> [UInt8] {
        let path = try resolve(inclusion.path, line: line)
        if path.dependsOnResponse && checking { return [] }
        let full = path.text.hasPrefix("/") ? path.text : file.directory + "/" + path.text
        let contents: [UInt8]
        do { contents = try FileReading.readBytes(full) } catch {
            throw Failure(line: line, message: "the body file \(path.text) cannot be read (\((error as? FileReading.Failure)?.reason ?? "\(error)")); paths are relative to the .http file's folder", isStatic: !path.dependsOnResponse)
        }
        guard inclusion.substitutes else { return contents }
        let text: String
        switch inclusion.encoding?.lowercased() {
        case nil, "utf8", "utf-8":
            guard let decoded = String(validating: contents, as: UTF8.self) else {
                throw Failure(line: line, message: "\(path.text) is not UTF-8 text; write <@latin1 \(path.text) for a Latin-1 file", isStatic: true)
            }
            text = decoded
        case "latin1", "binary":
            text = String(String.UnicodeScalarView(contents.map { Unicode.Scalar($0) }))
        default:
            throw Failure(line: line, message: "Kitchen reads body files as utf8 or latin1, not \(inclusion.encoding!)", isStatic: true)
        }
        // Variables in the file are reported at the <@ line.
        return Array(try resolve(text, line: line).text.utf8)
    }

    /// The body up to the first blank line is the query, the rest the variables (JSON).
    private func graphQL(_ lines: [HTTPFileLine], line: Int) throws(Failure) -> [UInt8] {
        let split = lines.firstIndex { $0.text.blankTrimmed.isEmpty }
        let queryLines = split.map { Array(lines[..<$0]) } ?? lines
        let variableLines = split.map { Array(lines[lines.index(after: $0)...]) } ?? []
        var query: [String] = []
        for queryLine in queryLines { query.append(try resolve(queryLine.text, line: queryLine.number).text) }
        var variablesText: [String] = []
        var dynamic = false
        for variableLine in variableLines {
            let resolved = try resolve(variableLine.text, line: variableLine.number)
            dynamic = dynamic || resolved.dependsOnResponse
            variablesText.append(resolved.text)
        }
        var variablesJSON = "{}"
        let joined = variablesText.joined(separator: "\n")
        if !joined.blankTrimmed.isEmpty && !(dynamic && checking) {
            do { variablesJSON = try JSONValue.parse(joined).serialized() } catch {
                let reason = (error as? JSONValue.ParseError).map { "\($0.message) at line \($0.line) of the variables" } ?? "\(error)"
                throw Failure(line: variableLines.first?.number ?? line, message: "the GraphQL variables are not valid JSON: \(reason)", isStatic: !dynamic)
            }
        }
        return Array(("{\"query\":" + JSONValue.quote(query.joined(separator: "\n")) + ",\"variables\":" + variablesJSON + "}").utf8)
    }
}

/// Standard base64 with padding (no Foundation in this module).
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var result = ""
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value = (UInt32(chunk[0]) << 16) | (UInt32(chunk.count > 1 ? chunk[1] : 0) << 8) | UInt32(chunk.count > 2 ? chunk[2] : 0)
            result.append(alphabet[Int((value >> 18) & 63)])
            result.append(alphabet[Int((value >> 12) & 63)])
            result.append(chunk.count > 1 ? alphabet[Int((value >> 6) & 63)] : "=")
            result.append(chunk.count > 2 ? alphabet[Int(value & 63)] : "=")
            index += 3
        }
        return result
    }
}
