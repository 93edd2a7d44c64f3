import Testing
@testable import KitchenServer

@Suite("RouteParser: header, cache, limit and cors lines, and their mistakes")
struct RouteParserHTTPLinesTests {
    @Test("every HTTP line read into the definition")
    func parsed() throws {
        let route = try #require(try RouteParser.parse("""
            route GET /menu
              header X-Content-Type-Options: nosniff
              header Content-Security-Policy: default-src 'self'; img-src *
              cache 60
              limit 5 per minute
              cors http://localhost:8080 HTTPS://Shop.Example other-site
              sql SELECT id, name FROM menu_items
            end
            """).first)
        #expect(route.http.headers == [ResponseHeader(name: "X-Content-Type-Options", value: "nosniff"),
                                       ResponseHeader(name: "Content-Security-Policy", value: "default-src 'self'; img-src *")])
        #expect(route.http.cacheSeconds == 60)
        #expect(route.http.limitPerMinute == 5)
        #expect(route.http.corsOrigins == ["http://localhost:8080", "https://shop.example", "other-site"])
        #expect(try RouteParser.parse("route GET /x = SELECT 1").first?.http.isEmpty == true)
    }

    /// The mistake a block with `line` makes (as the block's second line, for a GET /menu route).
    func mistake(_ line: String, method: String = "GET") throws -> RouteSyntaxError {
        do {
            _ = try RouteParser.parse("route \(method) /menu\n  \(line)\n  sql SELECT 1\nend")
        } catch let error as RouteSyntaxError {
            return error
        }
        Issue.record("accepted: \(line)")
        return RouteSyntaxError(line: 0, column: 0, message: "", text: "")
    }

    @Test("header: framing, hop-by-hop and Kitchen's own headers are refused, naming why", arguments: [
        ("header Content-Length: 5", "cannot set Content-Length"),
        ("header transfer-encoding: chunked", "frames the body"),
        ("header Connection: close", "hop-by-hop"),
        ("header Keep-Alive: timeout=5", "hop-by-hop"),
        ("header Upgrade: h2c", "hop-by-hop"),
        ("header Content-Type: text/html", "Content-Type"),
        ("header ETag: \"abc\"", "cache SECONDS"),
        ("header Retry-After: 10", "limit N per minute"),
        ("header Access-Control-Allow-Origin: *", "use the line cors"),
    ])
    func reservedHeaders(line: String, reason: String) throws {
        let error = try mistake(line)
        #expect(error.line == 2)
        #expect(error.column == 10, "the column points at the name: \(error)")
        #expect(error.message.contains(reason), "\(error.message)")
    }

    @Test("header: a malformed name, a missing value, control characters and non-ASCII are refused")
    func malformedHeaders() throws {
        #expect(try mistake("header X-Frame-Options DENY").message.contains("header NAME: VALUE"))
        #expect(try mistake("header X Frame: DENY").message.contains("a header name is letters, digits and -"))
        #expect(try mistake("header : DENY").message.contains("a header name"))
        #expect(try mistake("header X-Frame-Options:").message.contains("the value of X-Frame-Options is missing"))
        let carriageReturn = try mistake("header X-A: one\rSet-Cookie: evil=1")
        #expect(carriageReturn.message.contains("control character (U+D)"), "\(carriageReturn.message)")
        #expect(carriageReturn.message.contains("another header"))
        #expect(try mistake("header X-A: caf\u{E9}").message.contains("plain ASCII"))
        #expect(try mistake("header X-A: one\u{0}").message.contains("control character"))
        let second = try mistake("header X-A: 1\n  header x-a: 2")
        #expect(second.line == 3 && second.message.contains("a second header x-a"), "\(second)")
        // Several cookies are normal, so Set-Cookie may repeat.
        let cookies = try RouteParser.parse("route GET /m\n  header Set-Cookie: a=1\n  header Set-Cookie: b=2\n  sql SELECT 1\nend")
        #expect(cookies.first?.http.headers.count == 2)
    }

    @Test("cache: seconds in range, GET only, not beside a Cache-Control header")
    func cacheMistakes() throws {
        #expect(try mistake("cache").message.contains("cache takes a number of seconds"))
        #expect(try mistake("cache soon").message.contains("cache takes a number of seconds"))
        #expect(try mistake("cache -1").message.contains("from 0 to 86400"))
        #expect(try mistake("cache 60\n  cache 30").message.contains("one cache line"))
        #expect(try mistake("cache 60", method: "POST").message.contains("cache applies to GET routes"))
        #expect(try mistake("cache 60\n  header Cache-Control: no-store").message.contains("both cache and a Cache-Control header"))
        #expect(try RouteParser.parse("route GET /m\n  cache 0\n  sql SELECT 1\nend").first?.http.cacheSeconds == 0)
    }

    @Test("limit: N per minute, N from 1 to 10000")
    func limitMistakes() throws {
        #expect(try mistake("limit 5").message.contains("limit N per minute"))
        #expect(try mistake("limit 5 per hour").message.contains("limit N per minute"))
        #expect(try mistake("limit five per minute").message.contains("limit N per minute"))
        let zero = try mistake("limit 0 per minute")
        #expect(zero.column == 9 && zero.message.contains("from 1 to 10000"), "\(zero)")
        #expect(try mistake("limit 5 per minute\n  limit 6 per minute").message.contains("one limit line"))
        #expect(try RouteParser.parse("route POST /m\n  LIMIT 3 PER MINUTE\n  sql SELECT 1\nend").first?.http.limitPerMinute == 3)
    }

    @Test("cors: origins are scheme://host[:port]; * stands alone")
    func corsMistakes() throws {
        #expect(try mistake("cors").message.contains("name the origins"))
        #expect(try mistake("cors localhost:8080").message.contains("is not an origin"))
        let path = try mistake("cors http://localhost:8080/")
        #expect(path.column == 8 && path.message.contains("no path"), "\(path)")
        #expect(try mistake("cors ftp://files.example").message.contains("http:// or https://"))
        #expect(try mistake("cors http://localhost:99999").message.contains("1 to 65535"))
        #expect(try mistake("cors http://a.example *").message.contains("write it alone"))
        #expect(try mistake("cors http://a.example\n  cors http://b.example").message.contains("one cors line"))
        #expect(try RouteParser.parse("route GET /m\n  cors *\n  sql SELECT 1\nend").first?.http.corsOrigins == ["*"])
    }

    @Test("the unknown-line message lists the new lines")
    func unknownLine() throws {
        #expect(try mistake("headers X-A: 1").message.contains("header, cache, limit, cors"))
    }
}
