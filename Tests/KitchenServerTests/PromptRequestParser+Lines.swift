import Testing
@testable import KitchenServer

extension PromptRequestParser.Outcome {
    var request: PromptRequest? {
        if case .complete(let request) = self { return request }
        return nil
    }

    var invalidMessage: String? {
        if case .invalid(let message) = self { return message }
        return nil
    }
}

/// Feeds lines one at a time, as the prompt does, and returns the outcome after each.
func outcomes(_ lines: [String]) -> [PromptRequestParser.Outcome] {
    (1...lines.count).map { PromptRequestParser.parse(Array(lines.prefix($0))) }
}

@Suite("PromptRequestParser: HTTP requests typed at the prompt")
struct PromptRequestParserTests {
    @Test("a one-line GET is complete at once")
    func oneLineGet() throws {
        let request = try #require(PromptRequestParser.parse(["GET /menu?limit=2"]).request)
        #expect(request.method == "GET")
        #expect(request.target == "/menu?limit=2")
        #expect(request.path == "/menu")
        #expect(request.query == "limit=2")
        #expect(request.headers.isEmpty)
        #expect(request.body == nil)
    }

    @Test("the method may be typed in lower case", arguments: ["get /menu", "Get /menu", "GET   /menu"])
    func methodCase(line: String) throws {
        let request = try #require(PromptRequestParser.parse([line]).request)
        #expect(request.method == "GET")
        #expect(request.target == "/menu")
    }

    @Test("every method Kitchen knows starts a request", arguments: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
    func methods(method: String) {
        #expect(PromptRequestParser.startsRequest("\(method) /menu/1"))
    }

    @Test("an inline JSON body completes the request and gets Content-Type: application/json")
    func inlineJSON() throws {
        let request = try #require(PromptRequestParser.parse([#"POST /orders {"item_id": 3, "qty": 2}"#]).request)
        #expect(request.method == "POST")
        #expect(request.target == "/orders")
        #expect(request.body == #"{"item_id": 3, "qty": 2}"#)
        #expect(request.header("content-type") == "application/json")
    }

    @Test("an explicit Content-Type is kept, not doubled")
    func explicitContentType() throws {
        let request = try #require(PromptRequestParser.parse(["POST /orders", "Content-Type: text/plain", "{\"a\": 1}"]).request)
        #expect(request.headers.filter { $0.name.lowercased() == "content-type" }.map(\.value) == ["text/plain"])
    }

    @Test("a JSON body opened on the request line goes on over several lines and ends when it closes")
    func inlineJSONOverLines() throws {
        let lines = [#"POST /orders {"item_id": 3,"#, #"  "note": "no {braces} here","#, #"  "qty": 2"#, "}"]
        let steps = outcomes(lines)
        #expect(steps.dropLast().allSatisfy { $0 == .needsMore }, "\(steps)")
        let request = try #require(steps.last?.request)
        #expect(request.body == lines.joined(separator: "\n").dropFirst("POST /orders ".count).description)
        #expect(try JSONValue.parse(request.body ?? "")["qty"] == .integer(2))
    }

    @Test("a POST without a body waits for headers and a body on the next lines, ended when the JSON closes")
    func headersThenJSONBody() throws {
        let lines = ["POST /orders", "X-Table: 4", "Accept: application/json", "{", #"  "item_id": 3"#, "}"]
        let steps = outcomes(lines)
        #expect(steps.dropLast().allSatisfy { $0 == .needsMore }, "\(steps)")
        let request = try #require(steps.last?.request)
        #expect(request.header("X-Table") == "4")
        #expect(request.header("Accept") == "application/json")
        #expect(request.body == "{\n  \"item_id\": 3\n}")
        #expect(request.header("Content-Type") == "application/json")
    }

    @Test("header lines are ended by a blank line when there is no body")
    func headersEndedByBlankLine() throws {
        let lines = ["DELETE /orders/3 \\", "Authorization: Bearer abc:def", "X-Reason: duplicate", ""]
        let steps = outcomes(lines)
        #expect(steps.dropLast().allSatisfy { $0 == .needsMore }, "\(steps)")
        let request = try #require(steps.last?.request)
        #expect(request.method == "DELETE")
        #expect(request.target == "/orders/3")
        #expect(request.headers == [.init(name: "Authorization", value: "Bearer abc:def"), .init(name: "X-Reason", value: "duplicate")])
        #expect(request.body == nil)
    }

    @Test("a PUT with headers only is sent at the blank line, without a body")
    func putHeadersBlankLine() throws {
        let steps = outcomes(["PUT /menu/1", "If-Match: \"abc\"", ""])
        #expect(steps[0] == .needsMore)
        #expect(steps[1] == .needsMore)
        let request = try #require(steps[2].request)
        #expect(request.header("If-Match") == "\"abc\"")
        #expect(request.body == nil)
    }

    @Test("a line that is neither a header nor a body is explained")
    func badHeaderLine() {
        let message = PromptRequestParser.parse(["POST /orders", "this is not a header"]).invalidMessage
        #expect(message?.contains("expected a header") == true)
    }

    @Test("HTTPie shorthand: text fields, JSON fields, headers and query parameters")
    func httpieShorthand() throws {
        let request = try #require(PromptRequestParser.parse(["POST /people name=x age:=29 X-Key:abc q==x"]).request)
        #expect(request.target == "/people?q=x")
        #expect(request.header("X-Key") == "abc")
        #expect(request.header("Content-Type") == "application/json")
        let body = try JSONValue.parse(request.body ?? "")
        #expect(keys(body) == ["name", "age"])
        #expect(body["name"] == .string("x"))
        #expect(body["age"] == .integer(29))
    }

    @Test("HTTPie shorthand: quotes group words; := takes any JSON; == encodes the query")
    func httpieQuotesAndJSON() throws {
        let request = try #require(PromptRequestParser.parse([#"PATCH /orders/2 note="no onions" tags:='["a","b"]' vip:=true search=="two words""#]).request)
        let body = try JSONValue.parse(request.body ?? "")
        #expect(body["note"] == .string("no onions"))
        #expect(body["tags"] == .array([.string("a"), .string("b")]))
        #expect(body["vip"] == .bool(true))
        #expect(request.target == "/orders/2?search=two%20words")
    }

    @Test("HTTPie shorthand on a GET adds query parameters to an existing query and sends no body")
    func httpieGet() throws {
        let request = try #require(PromptRequestParser.parse(["GET /menu?limit=2 sort==-price"]).request)
        #expect(request.target == "/menu?limit=2&sort=-price")
        #expect(request.body == nil)
        #expect(request.header("Content-Type") == nil)
    }

    @Test("a version copied onto the request line is refused with what to type", arguments: ["GET /menu/1 HTTP/1.1", "GET /menu/1 HTTP/2"])
    func versionOnTheLine(_ line: String) {
        let message = PromptRequestParser.parse([line]).invalidMessage
        #expect(message?.hasSuffix(": leave the version out; the prompt sends every request as HTTP/1.1 (GET /menu/1)") == true, "\(message ?? "complete")")
    }

    @Test("a := value that is not JSON is refused with the reason")
    func httpieBadJSON() {
        let message = PromptRequestParser.parse(["POST /orders qty:=two"]).invalidMessage
        #expect(message?.contains("must be JSON") == true)
    }

    @Test("loopback URLs are accepted and reduced to their path", arguments: [
        ("GET http://127.0.0.1:8080/menu?limit=1", "/menu?limit=1"),
        ("GET http://localhost:5000/menu/3", "/menu/3"),
        ("GET https://localhost/menu", "/menu"),
        ("GET 127.0.0.1:8080/orders", "/orders"),
        ("GET localhost:9/echo?a=b", "/echo?a=b"),
        ("GET http://127.0.0.1:8080", "/"),
    ])
    func loopbackURLs(line: String, target: String) throws {
        let request = try #require(PromptRequestParser.parse([line]).request, "\(line)")
        #expect(request.target == target)
    }

    @Test("an IPv6 loopback URL is accepted")
    func ipv6Loopback() {
        let outcome = PromptRequestParser.parse(["GET http://[::1]:8080/menu"])
        #expect(outcome.request?.target == "/menu", "observed \(outcome)")
    }

    @Test("other hosts are refused: Kitchen only talks to its own server", arguments: [
        "GET http://example.com/menu",
        "GET https://127.0.0.1.example.com/menu",
        "GET http://localhost.example.com/menu",
        "GET localhost.evil.test:80/menu",
        "GET http://user@example.com/",
        "POST http://10.0.0.1:8080/orders {\"a\": 1}",
    ])
    func otherHostsRefused(line: String) throws {
        let message = try #require(PromptRequestParser.parse([line]).invalidMessage, "\(line) should be refused")
        #expect(message.contains("127.0.0.1"))
    }

    @Test("SQL is not taken for HTTP", arguments: [
        "DELETE FROM t",
        "delete from orders where id = 3",
        "SELECT * FROM menu_items",
        "UPDATE menu_items SET price = 1",
        "GET",
        "get menu",
        "HEAD",
        ".server status",
        "OPTIONS(1)",
    ])
    func sqlIsNotHTTP(line: String) {
        #expect(PromptRequestParser.parse([line]) == .notARequest)
        #expect(!PromptRequestParser.startsRequest(line))
    }

    @Test("SQL with a comment after DELETE is not taken for HTTP")
    func sqlWithComment() {
        let line = "DELETE /* stale orders */ FROM orders WHERE id = 3"
        #expect(PromptRequestParser.parse([line]) == .notARequest, "observed \(PromptRequestParser.parse([line]))")
    }

    @Test("an empty input is not a request")
    func empty() {
        #expect(PromptRequestParser.parse([]) == .notARequest)
    }

    @Test("the request prints back in the prompt's own syntax")
    func text() throws {
        let request = try #require(PromptRequestParser.parse(["POST /orders item_id:=3"]).request)
        #expect(request.text == "POST /orders\nContent-Type: application/json\n{\"item_id\": 3}")
        #expect(PromptRequestParser.parse(request.text.split(separator: "\n").map(String.init)).request == request)
    }
}

@Suite("PromptRequestParser: quoted values, sent exactly")
struct PromptRequestQuotingTests {
    @Test("a quoted value in the target's query is sent percent-encoded, without its quotes")
    func quotedQueryInTarget() throws {
        let request = try #require(PromptRequestParser.parse([#"GET /dishes?name="Garlic Bread""#]).request)
        #expect(request.target == "/dishes?name=Garlic%20Bread")
        let two = try #require(PromptRequestParser.parse([#"GET /dishes?name='Garlic Bread'&limit=2"#]).request)
        #expect(two.target == "/dishes?name=Garlic%20Bread&limit=2")
        #expect(QueryString.parse(two.query).map(\.value) == ["Garlic Bread", "2"])
    }

    @Test("name=='Garlic Bread' and name==\"…\" are one query value")
    func quotedShorthandQuery() throws {
        let single = try #require(PromptRequestParser.parse(["GET /dishes name=='Garlic Bread'"]).request)
        #expect(QueryString.parse(single.query).first?.value == "Garlic Bread")
        let double = try #require(PromptRequestParser.parse([#"GET /dishes name=="' OR '1'='1""#]).request)
        #expect(QueryString.parse(double.query).first?.value == "' OR '1'='1")
    }

    @Test("a value starting with a quote that never closes is sent exactly as typed")
    func unclosedQuoteIsLiteral() throws {
        let body = try #require(PromptRequestParser.parse(["POST /login name=' OR '1'='1"]).request)
        #expect(try JSONValue.parse(body.body ?? "")["name"] == .string("' OR '1'='1"))
        let query = try #require(PromptRequestParser.parse(["GET /dishes name==' OR '1'='1"]).request)
        #expect(QueryString.parse(query.query).first?.value == "' OR '1'='1")
        let target = try #require(PromptRequestParser.parse(["GET /dishes?name=' OR '1'='1"]).request)
        #expect(QueryString.parse(target.query).first?.value == "' OR '1'='1")
    }

    @Test("an apostrophe inside a word is just a character")
    func apostropheInsideWord() throws {
        let request = try #require(PromptRequestParser.parse(["POST /notes note=it's qty:=2"]).request)
        let body = try JSONValue.parse(request.body ?? "")
        #expect(body["note"] == .string("it's"))
        #expect(body["qty"] == .integer(2))
    }

    @Test("a 422 'must be a whole number' for qty=2 suggests qty:=2")
    func wholeNumberAdvice() throws {
        let request = try #require(PromptRequestParser.parse(["POST /orders qty=2 note=extra"]).request)
        let body = try JSONValue.parse(#"{"error": "the data is not valid", "fields": {"qty": "must be a whole number", "note": "must be at most 3 characters"}}"#)
        let advice = request.advice(status: 422, body: body)
        #expect(advice == [#"qty=2 sends the text "2"; to send a number or true/false, write qty:=2"#])
        #expect(request.advice(status: 201, body: body).isEmpty)
        let typed = try #require(PromptRequestParser.parse(["POST /orders qty:=2"]).request)
        #expect(typed.advice(status: 422, body: body).isEmpty, "qty:=2 already sent a number")
    }
}
