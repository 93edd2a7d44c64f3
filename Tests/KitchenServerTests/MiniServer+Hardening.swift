import Foundation
import KitchenSQL
import Testing
@testable import KitchenServer

/// Issue 15's findings, each tried the way it was found: a raw socket or a real client against a
/// live server on loopback. Item 10 (HTTP semantics) is in MiniServer+HTTPSemantics.swift.
@Suite("MiniServer: cross-site requests, strict input, bounded memory")
struct MiniServerHardeningTests {
    // MARK: Item 4: cross-origin writes

    @Test("a JSON POST without Content-Type is refused with 415 and writes nothing (a no-cors fetch from another site)")
    func postWithoutContentType() async throws {
        try await withLiveServer { live async throws in
            let before = try databaseColumn("SELECT count(*) FROM categories", path: live.databasePath)
            let reply = try await live.send("POST", "/categories", body: Array(#"{"name": "Soups"}"#.utf8))
            #expect(reply.status == 415, "\(reply.text)")
            #expect(reply.json?["error"]?.stringValue?.contains("Content-Type: application/json") == true, "\(reply.text)")
            let plain = try await live.send("POST", "/categories", headers: [("Content-Type", "text/plain")], body: Array(#"{"name": "Soups"}"#.utf8))
            #expect(plain.status == 415)
            let lookalike = try await live.send("POST", "/categories", headers: [("Content-Type", "application/jsonx")], body: Array(#"{"name": "Soups"}"#.utf8))
            #expect(lookalike.status == 415)
            #expect(try databaseColumn("SELECT count(*) FROM categories", path: live.databasePath) == before)
            let withCharset = try await live.send("POST", "/categories", headers: [("Content-Type", "application/json; charset=utf-8")], body: Array(#"{"name": "Soups"}"#.utf8))
            #expect(withCharset.status == 201, "\(withCharset.text)")
        }
    }

    @Test("a learner route's POST without Content-Type is refused with 415 too")
    func learnerRouteWithoutContentType() async throws {
        try await withLiveServer { live async throws in
            for definition in try RouteParser.parse("route POST /notes = INSERT INTO categories (name) VALUES (:name) RETURNING id") {
                live.server.routes.add(PracticeRoutes.route(for: definition, origin: .learner, sessions: live.server.sessions))
            }
            let refused = try await live.send("POST", "/notes", body: Array(#"{"name": "Soups"}"#.utf8))
            #expect(refused.status == 415, "\(refused.text)")
            let accepted = try await live.send("POST", "/notes", json: #"{"name": "Soups"}"#)
            #expect(accepted.status == 201, "\(accepted.text)")
        }
    }

    @Test("Host must name this server: another name, another port, none or two get 400", arguments: [
        "Host: evil.example", "Host: evil.example:PORT", "Host: 127.0.0.1:1", "Host: 127.0.0.1", "Host: localhost:PORTx",
        "", "Host: 127.0.0.1:PORT\r\nHost: 127.0.0.1:PORT",
    ])
    func foreignHost(header: String) async throws {
        try await withLiveServer { live async throws in
            let line = header.replacingOccurrences(of: "PORT", with: String(live.port))
            let response = try await live.raw("GET /menu/1 HTTP/1.1\r\n\(line.isEmpty ? "" : line + "\r\n")Connection: close\r\n\r\n")
            #expect(response.status == 400, "\(line): \(String(decoding: response.body, as: UTF8.self))")
            #expect(String(decoding: response.body, as: UTF8.self).contains("Host"))
            #expect(live.log.latest?.status == 400, "the refusal is logged like any request")
        }
    }

    @Test("Host 127.0.0.1:PORT and localhost:PORT are this server", arguments: ["127.0.0.1:PORT", "localhost:PORT", "LOCALHOST:PORT"])
    func ownHost(host: String) async throws {
        try await withLiveServer { live async throws in
            let line = host.replacingOccurrences(of: "PORT", with: String(live.port))
            let response = try await live.raw("GET /menu/1 HTTP/1.1\r\nHost: \(line)\r\nConnection: close\r\n\r\n")
            #expect(response.status == 200)
        }
    }

    // MARK: Item 6: static files

    @Test("a NUL or another control character in a file name is a 400, and the type is the served file's")
    func staticFileNames() async throws {
        let site = try TemporaryFolder()
        defer { site.remove() }
        try "console.log(1)\n".write(toFile: site.file("app.js"), atomically: true, encoding: .utf8)
        try "<p>hi</p>\n".write(toFile: site.file("index.html"), atomically: true, encoding: .utf8)
        try await withLiveServer { live async throws in
            live.server.routes.add(Route(method: "GET", pattern: PathPattern("/:file"), origin: .staticFiles, handler: StaticFiles(directory: site.path)))
            let nul = try await live.send("GET", "/app.js%00.html")
            #expect(nul.status == 400, "\(nul.status) \(nul.header("Content-Type") ?? "") \(nul.text)")
            #expect(!nul.text.contains("console.log"))
            #expect(try await live.send("GET", "/app.js%0a").status == 400)
            let script = try await live.send("GET", "/app.js")
            #expect(script.status == 200)
            #expect(script.header("Content-Type") == "text/javascript; charset=utf-8")
        }
    }

    // MARK: Item 7: strict JSON and query strings

    @Test("bodies a strict JSON reader refuses get 400 naming the problem, and nothing is stored", arguments: [
        (#"{"name": "Soup", "category_id": 1, "price": 1e999999}"#, "infinite"),
        (#"{"name": "Soup", "category_id": 1, "price": 0001}"#, "start with 0"),
        (#"{"name": "Soup", "category_id": 1, "price": 1.}"#, "digit must follow the point"),
        (#"{"name": "Soup", "name": "Stew", "category_id": 1, "price": 2}"#, "appears twice"),
    ])
    func strictBodies(body: String, message: String) async throws {
        try await withLiveServer { live async throws in
            let before = try databaseColumn("SELECT count(*) FROM menu_items", path: live.databasePath)
            for method in ["POST /menu", "PUT /menu/1", "PATCH /menu/1"] {
                let parts = method.split(separator: " ").map(String.init)
                let reply = try await live.send(parts[0], parts[1], json: body)
                #expect(reply.status == 400, "\(method) \(body): \(reply.status) \(reply.text)")
                #expect(reply.text.contains(message), "\(reply.text)")
            }
            #expect(try databaseColumn("SELECT count(*) FROM menu_items", path: live.databasePath) == before)
            #expect(try databaseColumn("SELECT price FROM menu_items WHERE id = 1", path: live.databasePath) == [.real(6.5)])
        }
    }

    @Test("invalid UTF-8 in a body is a 400 naming the byte, not a silent U+FFFD")
    func invalidUTF8Body() async throws {
        try await withLiveServer { live async throws in
            let body = Array(#"{"name": "S"#.utf8) + [0xFF] + Array(#"up"}"#.utf8)
            let reply = try await live.send("POST", "/categories", headers: [("Content-Type", "application/json")], body: body)
            #expect(reply.status == 400)
            #expect(reply.text.contains("not valid UTF-8 (byte 12 of 16"), "\(reply.text)")
        }
    }

    @Test("%zz and invalid UTF-8 in a query are a 400", arguments: ["/menu?name=%zz", "/menu?name=%", "/menu?name=%ff", "/echo?a=%e2%82"])
    func badQueries(target: String) async throws {
        try await withLiveServer { live async throws in
            // Over a raw socket: HTTP clients would "fix" the target first (%zz becomes %25zz).
            let reply = try await live.raw("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(live.port)\r\nConnection: close\r\n\r\n")
            let text = String(decoding: reply.body, as: UTF8.self)
            #expect(reply.status == 400, "\(target): \(text)")
            #expect(text.contains("the query"), "\(text)")
        }
    }

    // MARK: Item 8: BLOBs

    @Test("a BLOB is two uppercase hex digits per byte, leading zeros kept, as SQL's hex() writes it")
    func blobAsHex() async throws {
        try await withLiveServer { live async throws in
            try DatabaseAccess(path: live.databasePath).withConnection { connection in
                try connection.trusted { try connection.execute("CREATE TABLE files (id INTEGER PRIMARY KEY, data BLOB); INSERT INTO files VALUES (1, x'000a0b10ff')") }
            }
            for route in TableResource(path: "/files", table: "files").routes(origin: .practice) { live.server.routes.add(route) }
            let reply = try await live.send("GET", "/files/1")
            #expect(reply.json?["data"] == .string("000A0B10FF"), "\(reply.text)")
        }
    }

    // MARK: Item 2: bounded responses and log

    @Test("a route whose result is over the limit gets a 500 naming the limit (bench/hardening measures the RSS)", .timeLimit(.scaledMinutes(2)))
    func hugeResults() async throws {
        try await withLiveServer { live async throws in
            try DatabaseAccess(path: live.databasePath).withConnection { connection in
                try connection.trusted {
                    try connection.execute("CREATE TABLE files (id INTEGER PRIMARY KEY, data BLOB); INSERT INTO files VALUES (1, zeroblob(20 * 1024 * 1024))")
                }
            }
            for route in TableResource(path: "/files", table: "files").routes(origin: .practice) { live.server.routes.add(route) }
            // Wide rows, so the 16 MB limit is reached in well under the 2 s statement limit even
            // while other suites load the machine (short rows raced the time limit).
            for definition in try RouteParser.parse("""
                route GET /numbers = WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000) SELECT i, hex(zeroblob(200)) AS label FROM n
                route GET /blob = SELECT data FROM files
                """) {
                live.server.routes.add(PracticeRoutes.route(for: definition, origin: .learner, sessions: live.server.sessions))
            }
            for target in ["/numbers", "/blob", "/files/1", "/files"] {
                let reply = try await live.send("GET", target)
                #expect(reply.status == 500, "\(target): \(reply.status)")
                #expect(reply.text.contains("larger than 16 MB"), "\(target): \(reply.text)")
            }
        }
    }

    @Test("the request log keeps the first 16 KB of each body with its full size, and stays within its byte budget", .timeLimit(.scaledMinutes(2)))
    func logBounded() async throws {
        try await withLiveServer { live async throws in
            let body = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
            for _ in 0..<20 {
                _ = try await live.send("POST", "/echo", headers: [("Content-Type", "text/plain")], body: body)
            }
            let latest = try #require(live.log.latest)
            #expect(latest.bodyByteCount == 1 << 20)
            #expect(latest.body.count == RequestLog.keptBodyBytes)
            #expect(latest.bodyPreview(characters: 10).contains("1048576 bytes; the log keeps the first 16384"))
            #expect(latest.responseBody.count <= RequestLog.keptResponseBytes)
            #expect(live.log.byteCount <= live.log.byteBudget)
        }
        let log = RequestLog(capacity: 1000, byteBudget: 1 << 20)
        for index in 0..<400 {
            log.record(LoggedRequest(id: 0, time: 0, method: "POST", path: "/echo", query: "", headers: [], body: [UInt8](repeating: 1, count: 1 << 20),
                                     status: 200, responseHeaders: [], responseBody: [UInt8](repeating: 2, count: 1 << 20), durationMilliseconds: Double(index)))
        }
        #expect(log.byteCount <= 1 << 20)
        #expect(log.entries().last?.durationMilliseconds == 399)
        #expect(log.entries().count == (1 << 20) / (RequestLog.keptBodyBytes + RequestLog.keptResponseBytes + 256))
    }
}
