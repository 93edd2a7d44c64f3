/// Resolves `{{…}}` the way the REST Client does, in its order: system variables (`$…`),
/// prompt and `--var` values, request variables (`{{login.response.body.$.id}}`), file
/// variables (`@name = value`, one value for the whole file, usable before their line),
/// the selected environment, and last Kitchen's own `host` and `baseUrl` (its server).
/// `{{%name}}` percent-encodes the value, as `encodeURIComponent` does.
///
/// Kitchen never sends an unresolved `{{…}}` or an empty value: each is a `Failure` naming the
/// variable. A failure is static when the file alone shows it (checked before anything is sent,
/// exit 2) and dynamic when it depends on an earlier response (that request fails, exit 1).
struct HTTPFileVariables {
    var fileVariables: [String: HTTPFileVariable]
    var environment: [String: String]
    /// `--var NAME=VALUE` and answers to `# @prompt`.
    var values: [String: String]
    var system: HTTPFileSystemVariables
    var builtins: [String: String]
    /// Named requests of the file: name → request lines, in file order.
    var namedRequests: [String: [Int]]
    /// What each named request sent and received, once it has been sent.
    var exchanges: [String: HTTPFileExchange] = [:]

    enum Mode {
        /// Before sending: request variables stand for a placeholder, checked only for shape
        /// and for a named request earlier in the file than `requestLine`.
        case check(requestLine: Int)
        case send
    }

    struct Failure: Error {
        var message: String
        /// True when the file alone shows the problem (no response involved).
        var isStatic: Bool
    }

    /// A resolved text, and whether a request variable went into it (so its final shape is
    /// only known at send time).
    struct Resolved {
        var text: String
        var dependsOnResponse: Bool
    }

    func resolve(_ text: String, mode: Mode) throws(Failure) -> Resolved {
        var stack: [String] = []
        return try resolve(text, mode: mode, stack: &stack)
    }

    private func resolve(_ text: String, mode: Mode, stack: inout [String]) throws(Failure) -> Resolved {
        var result = ""
        var dynamic = false
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw Failure(message: "an opening {{ with no closing }} in: \(text)", isStatic: true)
            }
            var name = String(rest[open.upperBound..<close.lowerBound]).blankTrimmed
            rest = rest[close.upperBound...]
            let encode = name.hasPrefix("%")
            if encode { name = String(name.dropFirst()).blankTrimmed }
            guard !name.isEmpty else { throw Failure(message: "an empty {{}}", isStatic: true) }
            let value = try lookUp(name, mode: mode, stack: &stack)
            if value.text.isEmpty {
                throw Failure(message: "{{\(name)}} is empty\(origin(of: name)); Kitchen sends no request with an empty substitution", isStatic: !value.dependsOnResponse)
            }
            dynamic = dynamic || value.dependsOnResponse
            result += encode ? Self.percentEncode(value.text) : value.text
        }
        return Resolved(text: result + rest, dependsOnResponse: dynamic)
    }

    private func origin(of name: String) -> String {
        if let variable = fileVariables[name] { return " (@\(name) at line \(variable.line))" }
        if environment[name] != nil { return " (in the environment)" }
        return ""
    }

    private func lookUp(_ name: String, mode: Mode, stack: inout [String]) throws(Failure) -> Resolved {
        if name.hasPrefix("$") {
            do { return Resolved(text: try system.value(of: name), dependsOnResponse: false) } catch {
                throw Failure(message: error.message, isStatic: true)
            }
        }
        if let value = values[name] { return Resolved(text: value, dependsOnResponse: false) }
        if let reference = RequestReference(name), namedRequests[reference.request] != nil {
            return try requestVariable(reference, written: name, mode: mode)
        }
        if stack.contains(name) {
            throw Failure(message: "{{\(name)}} refers to itself through \(stack.joined(separator: " → ")) → \(name)", isStatic: true)
        }
        if let variable = fileVariables[name] {
            stack.append(name)
            defer { stack.removeLast() }
            return try resolve(variable.value, mode: mode, stack: &stack)
        }
        if let value = environment[name] {
            stack.append(name)
            defer { stack.removeLast() }
            return try resolve(value, mode: mode, stack: &stack)
        }
        if let value = builtins[name] { return Resolved(text: value, dependsOnResponse: false) }
        if let reference = RequestReference(name) {
            throw Failure(message: "{{\(name)}}: no request is named \(reference.request); name one with # @name \(reference.request) above its request line", isStatic: true)
        }
        throw Failure(message: "{{\(name)}} is not defined: define it with @\(name) = value, in an environment (--env NAME), or give it with --var \(name)=VALUE", isStatic: true)
    }

    /// `login.response.body.$.id`, `login.response.body.*`, `login.response.headers.Location`,
    /// `login.request.body.$.user`, `login.request.headers.Content-Type`.
    struct RequestReference {
        var request: String
        var isResponse: Bool
        var isBody: Bool
        /// The JSONPath, `*`, or the header name; nil when missing.
        var selector: String?

        init?(_ name: String) {
            let parts = name.split(separator: ".", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 2, parts[1] == "response" || parts[1] == "request",
                  parts[0].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
            request = parts[0]
            isResponse = parts[1] == "response"
            isBody = parts.count > 2 && parts[2] == "body"
            selector = parts.count > 3 && !parts[3].isEmpty ? parts[3] : nil
            if parts.count > 2 && parts[2] != "body" && parts[2] != "headers" { selector = nil; isBody = false; shapeProblem = true }
            if parts.count <= 2 { shapeProblem = true }
        }

        var shapeProblem = false
    }

    private func requestVariable(_ reference: RequestReference, written: String, mode: Mode) throws(Failure) -> Resolved {
        let part = reference.isResponse ? "response" : "request"
        guard !reference.shapeProblem, let selector = reference.selector else {
            throw Failure(message: "{{\(written)}}: write {{\(reference.request).\(part).body.$.field}}, {{\(reference.request).\(part).body.*}} or {{\(reference.request).\(part).headers.Name}}", isStatic: true)
        }
        let lines = namedRequests[reference.request] ?? []
        switch mode {
        case .check(let requestLine):
            if reference.isBody && selector != "*" {
                do { _ = try JSONPath.all(selector, in: .null) } catch {
                    throw Failure(message: "{{\(written)}}: \(error.message)", isStatic: true)
                }
            }
            guard lines.contains(where: { $0 < requestLine }) else {
                throw Failure(message: "{{\(written)}} reads the request named \(reference.request) (line \(lines.map(String.init).joined(separator: ", "))), which is not sent before this one: Kitchen sends requests from top to bottom", isStatic: true)
            }
            return Resolved(text: "\u{1}", dependsOnResponse: true)
        case .send:
            guard let exchange = exchanges[reference.request] else {
                throw Failure(message: "{{\(written)}}: the request named \(reference.request) got no response, so there is nothing to read", isStatic: false)
            }
            let where_ = "the \(part) of \(reference.request) (line \(exchange.line))"
            let headers = reference.isResponse ? exchange.response.headers : exchange.request.headers
            let body = reference.isResponse ? exchange.response.body : (exchange.request.body ?? [])
            if !reference.isBody {
                let found = headers.filter { $0.name.lowercased() == selector.lowercased() }.map(\.value)
                guard !found.isEmpty else {
                    throw Failure(message: "{{\(written)}}: \(where_) has no header \(selector)", isStatic: false)
                }
                return Resolved(text: found.joined(separator: ", "), dependsOnResponse: true)
            }
            if selector == "*" {
                return Resolved(text: String(decoding: body, as: UTF8.self), dependsOnResponse: true)
            }
            guard let json = try? JSONValue.parse(body) else {
                throw Failure(message: "{{\(written)}}: the body of \(where_) is not JSON, so \(selector) cannot be read (\(reference.request).\(part).body.* gives the whole body)", isStatic: false)
            }
            let match: JSONValue?
            do { match = try JSONPath.first(selector, in: json) } catch {
                throw Failure(message: "{{\(written)}}: \(error.message)", isStatic: true)
            }
            guard let match else {
                let preview = String(decoding: body.prefix(200), as: UTF8.self)
                throw Failure(message: "{{\(written)}}: the JSONPath \(selector) matches nothing in the body of \(where_): \(preview)", isStatic: false)
            }
            return Resolved(text: JSONPath.text(match), dependsOnResponse: true)
        }
    }

    /// `encodeURIComponent`: everything but letters, digits and `-_.!~*'()` as UTF-8 `%XX`.
    static func percentEncode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if byte < 0x80, scalar.properties.isASCIIHexDigit || Character(scalar).isLetter || Character(scalar).isNumber || "-_.!~*'()".unicodeScalars.contains(scalar) {
                result.unicodeScalars.append(scalar)
            } else {
                result += "%" + hex(byte)
            }
        }
        return result
    }

    /// The `encodeurl` package, which the REST Client applies to URLs and form bodies: it
    /// encodes what may not appear in a URL (spaces, quotes, `<>`, `{|}`, `^`, backslash,
    /// backquote, control and non-ASCII characters, a `%` not followed by two hex digits) and
    /// leaves everything else, existing `%XX` escapes included.
    static func encodeURL(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var result = ""
        var index = 0
        func isHex(_ position: Int) -> Bool {
            position < bytes.count && Unicode.Scalar(bytes[position]).properties.isASCIIHexDigit
        }
        while index < bytes.count {
            let byte = bytes[index]
            let keep: Bool
            switch byte {
            case 0x25: keep = isHex(index + 1) && isHex(index + 2)
            case 0x21, 0x23, 0x24, 0x26...0x3B, 0x3D, 0x3F...0x5B, 0x5D, 0x5F, 0x61...0x7A, 0x7E: keep = true
            default: keep = false
            }
            if keep { result.unicodeScalars.append(Unicode.Scalar(byte)) } else { result += "%" + hex(byte) }
            index += 1
        }
        return result
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }
}

/// What a named request sent and what came back, for `{{name.request…}}` and `{{name.response…}}`.
struct HTTPFileExchange: Sendable {
    var line: Int
    var request: HTTPFileSentRequest
    var response: ReceivedResponse
}
