/// A request as Kitchen's routes see it: plain values, independent of the HTTP library, so
/// route handlers can be tested without a socket.
public struct ServerRequest: Sendable {
    public var method: String
    /// The path without the query string, e.g. `/menu/3`.
    public var path: String
    /// Query parameters in order, percent-decoded.
    public var query: [(name: String, value: String)]
    public var rawQuery: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Values of the route pattern's `:name` segments.
    public var pathParameters: [String: String] = [:]
    /// The client's IP address, for `limit` lines.
    public var clientAddress: String?
    /// The origins of the lesson's second site, for `cors other-site`.
    public var otherSiteOrigins: [String] = []

    public init(method: String, path: String, rawQuery: String = "", headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method.uppercased()
        self.path = path
        self.rawQuery = rawQuery
        self.query = QueryString.parse(rawQuery)
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// A response from a route, before it is written to the socket.
public struct ServerResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Why the route failed, for the learner at the prompt and in `kitchen serve`; never sent.
    public var explanation: [String]?

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func json(_ status: Int, _ value: JSONValue, headers: [(name: String, value: String)] = []) -> ServerResponse {
        var body: [UInt8] = []
        body.reserveCapacity(1024)
        value.writeCompact(into: &body)
        body.append(UInt8(ascii: "\n"))
        return ServerResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: body)
    }

    public static func text(_ status: Int, _ text: String) -> ServerResponse {
        ServerResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(text.utf8))
    }

    /// A JSON error body `{"error": …}` in one shape for every failure, so learners can rely on it.
    public static func error(_ status: Int, _ message: String, extra: [(String, JSONValue)] = []) -> ServerResponse {
        .json(status, .object([("error", .string(message))] + extra))
    }

    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Query strings: `a=1&b=two%20words`.
public enum QueryString {
    public static func parse(_ raw: String) -> [(name: String, value: String)] {
        raw.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(String(parts[0])), parts.count > 1 ? decode(String(parts[1])) : "")
        }
    }

    /// Why `raw` is not a valid query string, or nil: a `%` must be followed by two hex digits,
    /// and what the escapes spell must be UTF-8. (Decoding would otherwise keep `%zz` as it is and
    /// turn bad bytes into U+FFFD without a word.)
    public static func problem(_ raw: String) -> String? {
        let bytes = Array(raw.utf8)
        var decoded: [UInt8] = []
        var index = 0
        func isHex(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
        }
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, isHex(bytes[index + 1]), isHex(bytes[index + 2]) else {
                    let shown = String(decoding: bytes[index..<min(index + 3, bytes.count)], as: UTF8.self)
                    return "the query has \(JSONValue.quote(shown)) at character \(index + 1): a % must be followed by two hex digits (%20 is a space, %25 is %)"
                }
                decoded.append(UInt8(String(decoding: bytes[index + 1...index + 2], as: UTF8.self), radix: 16)!)
                index += 3
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        if let bad = UTF8Check.firstInvalidByte(decoded) {
            return "the query is not valid UTF-8 once decoded (byte \(bad + 1), 0x\(String(decoded[bad], radix: 16)))"
        }
        return nil
    }

    public static func decode(_ text: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                      let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func encode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            let character = Character(Unicode.Scalar(byte))
            if (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || "-._~".contains(character) {
                result.append(character)
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }
}
