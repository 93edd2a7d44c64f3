import KitchenSupport

/// Reading the `header`, `cache`, `limit` and `cors` lines of a route block, each refused at
/// definition with the column of its mistake.
extension RouteParser {
    static let httpLineWords: Set<String> = ["header", "cache", "limit", "cors"]

    /// Headers Kitchen sets itself, or that describe the connection or the framing of the body:
    /// a route that set them would break the HTTP exchange, not just its own answer.
    static let reservedHeaders: [String: String] = [
        "content-length": "Kitchen sets Content-Length from the body",
        "transfer-encoding": "Kitchen frames the body itself",
        "connection": "it is about the connection (hop-by-hop), not the answer",
        "keep-alive": "it is about the connection (hop-by-hop), not the answer",
        "upgrade": "it is about the connection (hop-by-hop), not the answer",
        "te": "it is about the connection (hop-by-hop), not the answer",
        "trailer": "it is about the connection (hop-by-hop), not the answer",
        "proxy-connection": "it is about the connection (hop-by-hop), not the answer",
        "host": "Host is a request header",
        "date": "Kitchen sets Date on every response",
        "content-type": "the route answers JSON and Kitchen sets Content-Type",
        "etag": "use the line cache SECONDS: Kitchen makes the ETag from the body",
        "www-authenticate": "Kitchen sets it on a 401",
        "retry-after": "use the line limit N per minute: Kitchen sets Retry-After on its 429",
        "location": "Kitchen sets Location on a POST's 201",
    ]

    /// The most a `limit` may allow: exact counting keeps one timestamp per allowed request.
    static let maximumLimitPerMinute = 10_000
    /// The longest `cache` (one day): longer belongs to files that never change, not to data.
    static let maximumCacheSeconds = 86_400

    /// Reads one of the HTTP lines into `definition`.
    static func httpLine(_ line: String, number: Int, words: [(text: String, column: Int)], into definition: inout RouteDefinition) throws {
        let first = words[0]
        switch first.text.lowercased() {
        case "header":
            let header = try headerLine(line, number: number, word: first)
            let lower = header.name.lowercased()
            if definition.http.headers.contains(where: { $0.name.lowercased() == lower }) && lower != "set-cookie" {
                throw error(number, line, column: first.column + 7, "a second header \(header.name): give each header one line")
            }
            definition.http.headers.append(header)
        case "cache":
            guard definition.http.cacheSeconds == nil else { throw error(number, line, column: first.column, "a route has one cache line; this is a second one") }
            guard words.count == 2, let seconds = Int(words[1].text), (0...maximumCacheSeconds).contains(seconds) else {
                throw error(number, line, column: words.count > 1 ? words[1].column : first.column + 6,
                            "cache takes a number of seconds from 0 to \(maximumCacheSeconds), such as cache 60")
            }
            definition.http.cacheSeconds = seconds
        case "limit":
            guard definition.http.limitPerMinute == nil else { throw error(number, line, column: first.column, "a route has one limit line; this is a second one") }
            guard words.count == 4, let count = Int(words[1].text), words[2].text.lowercased() == "per", words[3].text.lowercased() == "minute" else {
                throw error(number, line, column: words.count > 1 ? words[1].column : first.column + 6, "write limit N per minute, such as limit 5 per minute")
            }
            guard (1...maximumLimitPerMinute).contains(count) else {
                throw error(number, line, column: words[1].column, "a limit is from 1 to \(maximumLimitPerMinute) requests per minute")
            }
            definition.http.limitPerMinute = count
        default:
            try corsLine(line, number: number, words: words, into: &definition)
        }
    }

    /// `header NAME: VALUE`: a token for the name, printable text for the value, no line breaks.
    static func headerLine(_ line: String, number: Int, word: (text: String, column: Int)) throws -> ResponseHeader {
        let start = line.index(line.startIndex, offsetBy: word.column - 1 + word.text.count)
        let rest = line[start...]
        let restColumn = word.column + word.text.count
        guard let colon = rest.firstIndex(of: ":") else {
            throw error(number, line, column: restColumn + 1, "write header NAME: VALUE, such as header X-Content-Type-Options: nosniff")
        }
        let name = String(rest[..<colon]).trimmed
        let nameColumn = restColumn + rest.prefix(while: { $0 == " " || $0 == "\t" }).count
        let tokenCharacters = Set("!#$%&'*+-.^_`|~")
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || tokenCharacters.contains(Character($0))) }) else {
            throw error(number, line, column: max(1, nameColumn), "a header name is letters, digits and - (such as Cache-Control), then a colon")
        }
        if let reason = reservedHeaders[name.lowercased()] {
            throw error(number, line, column: nameColumn, "a route cannot set \(name): \(reason)")
        }
        if name.lowercased().hasPrefix("access-control-") {
            throw error(number, line, column: nameColumn, "a route cannot set \(name) by hand: use the line cors ORIGIN…, which answers preflights too")
        }
        let value = String(rest[rest.index(after: colon)...]).trimmed
        let valueColumn = restColumn + rest.distance(from: rest.startIndex, to: colon) + 2
        guard !value.isEmpty else { throw error(number, line, column: valueColumn, "the value of \(name) is missing: header \(name): VALUE") }
        if let bad = value.unicodeScalars.first(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) {
            throw error(number, line, column: valueColumn, "a header value cannot hold a control character (U+\(String(bad.value, radix: 16, uppercase: true))): a line break would start another header")
        }
        guard value.unicodeScalars.allSatisfy(\.isASCII) else {
            throw error(number, line, column: valueColumn, "a header value is plain ASCII text; encode other characters (percent-encoding, for example)")
        }
        guard value.utf8.count <= 4096 else { throw error(number, line, column: valueColumn, "a header value is at most 4096 bytes") }
        return ResponseHeader(name: name, value: value)
    }

    /// `cors ORIGIN…`: origins such as http://localhost:8080 (scheme, host, optional port, no
    /// path), `other-site` for the lesson's second site, or `*` alone.
    static func corsLine(_ line: String, number: Int, words: [(text: String, column: Int)], into definition: inout RouteDefinition) throws {
        guard definition.http.corsOrigins.isEmpty else { throw error(number, line, column: words[0].column, "a route has one cors line; list every origin on it") }
        guard words.count >= 2 else {
            throw error(number, line, column: words[0].column + 5, "name the origins whose pages may call this route: cors http://localhost:8080 (or cors other-site)")
        }
        var origins: [String] = []
        for word in words.dropFirst() {
            let text = word.text
            if text == "*" {
                guard words.count == 2 else { throw error(number, line, column: word.column, "* means every origin: write it alone") }
            } else if text.lowercased() == CORSPolicy.otherSite {
                origins.append(CORSPolicy.otherSite)
                continue
            } else if let problem = CORSPolicy.originProblem(text) {
                throw error(number, line, column: word.column, problem)
            }
            origins.append(text.lowercased())
        }
        definition.http.corsOrigins = origins
    }

    /// Checks that need the whole block: `cache` on GET only, no Cache-Control header beside it.
    static func validateHTTPLines(_ definition: RouteDefinition, line: Int) throws {
        if definition.http.cacheSeconds != nil {
            guard definition.method == "GET" else {
                throw error(line, "end", column: 1, "cache applies to GET routes: a \(definition.method) changes data, and its answer must not be reused")
            }
            if definition.http.headers.contains(where: { $0.name.lowercased() == "cache-control" }) {
                throw error(line, "end", column: 1, "the route has both cache and a Cache-Control header: keep one (cache sets Cache-Control: max-age)")
            }
        }
    }
}
