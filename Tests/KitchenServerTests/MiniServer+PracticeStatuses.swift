import Testing
@testable import KitchenServer

/// Every status code the practice API teaches, over a real socket on a port the kernel picked.
@Suite("MiniServer: the practice API's status codes over a real socket")
struct MiniServerPracticeStatusTests {
    @Test("the server starts on port 0 with a real port, and stops")
    func startsOnPortZero() async throws {
        try await withLiveServer { live async throws in
            #expect(live.port > 0 && live.port < 65536)
            #expect(live.server.port == live.port)
            #expect(live.server.url == "http://127.0.0.1:\(live.port)")
            let again = try await live.server.start(port: 0)
            #expect(again.port == live.port, "starting a running server keeps its port")
            #expect(again.note == nil)
        }
    }

    @Test("200 for a collection and an item, with JSON and X-Total-Count")
    func ok() async throws {
        try await withLiveServer { live async throws in
            let list = try await live.send("GET", "/menu")
            #expect(list.status == 200)
            #expect(list.header("Content-Type") == "application/json")
            #expect(list.header("X-Total-Count") == "6")
            #expect(list.json.map(ids) == [1, 2, 3, 4, 5, 6])
            let item = try await live.send("GET", "/menu/4")
            #expect(item.status == 200)
            #expect(item.json?["name"] == .string("Diavola"))
        }
    }

    @Test("201 with Location for a new row, which then answers at that Location")
    func created() async throws {
        try await withLiveServer { live async throws in
            let response = try await live.send("POST", "/menu", json: #"{"name": "Panna Cotta", "category_id": 3, "price": 6.5}"#)
            #expect(response.status == 201)
            let location = try #require(response.header("Location"))
            #expect(location == "/menu/7")
            let fetched = try await live.send("GET", location)
            #expect(fetched.status == 200)
            #expect(fetched.json?["name"] == .string("Panna Cotta"))
        }
    }

    @Test("204 for DELETE, with no body")
    func noContent() async throws {
        try await withLiveServer { live async throws in
            let response = try await live.send("DELETE", "/menu/6")
            #expect(response.status == 204)
            #expect(response.body.isEmpty)
            #expect(try await live.send("GET", "/menu/6").status == 404)
        }
    }

    @Test("304 when If-None-Match carries the ETag, for an item and for a collection")
    func notModified() async throws {
        try await withLiveServer { live async throws in
            for target in ["/menu/2", "/menu?limit=3"] {
                let first = try await live.send("GET", target)
                let tag = try #require(first.header("ETag"), "\(target) has no ETag")
                let second = try await live.send("GET", target, headers: [("If-None-Match", tag)])
                #expect(second.status == 304, "\(target)")
                #expect(second.body.isEmpty)
                #expect(second.header("ETag") == tag)
            }
        }
    }

    @Test("400 for malformed JSON, saying where")
    func badRequest() async throws {
        try await withLiveServer { live async throws in
            let response = try await live.send("POST", "/menu", json: "{\"name\": \"Soup\" \"price\": 3}")
            #expect(response.status == 400)
            #expect(response.header("Content-Type") == "application/json")
            let message = try #require(response.json?["error"]?.stringValue)
            #expect(message.contains("malformed JSON"))
            #expect(message.contains("line 1, column 17"), "\(message)")
        }
    }

    @Test("404 for a missing row and for an unknown path")
    func notFound() async throws {
        try await withLiveServer { live async throws in
            #expect(try await live.send("GET", "/menu/404").status == 404)
            #expect(try await live.send("PATCH", "/menu/404", json: #"{"price": 1}"#).status == 404)
            let unknown = try await live.send("GET", "/no/such/path")
            #expect(unknown.status == 404)
            #expect(unknown.json?["error"] != nil)
        }
    }

    @Test("405 with Allow for a method the path does not answer")
    func methodNotAllowed() async throws {
        try await withLiveServer { live async throws in
            let response = try await live.send("PUT", "/menu", json: "{}")
            #expect(response.status == 405)
            #expect(response.header("Allow") == "GET, POST, HEAD, OPTIONS")
            let item = try await live.send("POST", "/menu/1", json: "{}")
            #expect(item.status == 405)
            #expect(item.header("Allow") == "GET, PUT, PATCH, DELETE, HEAD, OPTIONS")
        }
    }

    @Test("OPTIONS answers 204 with Allow; HEAD answers like GET without a body")
    func optionsAndHead() async throws {
        try await withLiveServer { live async throws in
            let options = try await live.send("OPTIONS", "/menu")
            #expect(options.status == 204)
            #expect(options.header("Allow") == "GET, POST, HEAD, OPTIONS")
            let head = try await live.send("HEAD", "/menu/1")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            #expect(head.header("ETag") == (try await live.send("GET", "/menu/1")).header("ETag"))
        }
    }

    @Test("409 for a UNIQUE and a FOREIGN KEY conflict")
    func conflict() async throws {
        try await withLiveServer { live async throws in
            let unique = try await live.send("POST", "/categories", json: #"{"name": "Starters"}"#)
            #expect(unique.status == 409)
            #expect(unique.json?["error"]?.stringValue?.contains("UNIQUE") == true, "\(unique.text)")
            let foreignKey = try await live.send("DELETE", "/categories/2")
            #expect(foreignKey.status == 409, "Pizza still has dishes: \(foreignKey.text)")
        }
    }

    @Test("413 for a body over 1 MB; exactly 1 MB is read")
    func contentTooLarge() async throws {
        try await withLiveServer { live async throws in
            let limit = ServerLimits().maximumBodyBytes
            #expect(limit == 1 << 20)
            // Over a raw socket: the server may answer and close before the upload ends, which
            // makes HTTP clients report a reset instead of the answer.
            let (over, end) = try await streamBody(port: live.port, method: "POST", target: "/echo", size: limit + 1)
            let response = try #require(over, "no answer to a body of 1 MB + 1 byte (\(end))")
            #expect(response.status == 413, "observed \(response.status) \(String(decoding: response.body, as: UTF8.self))")
            
            #expect((400..<500).contains(response.status))
            let atLimit = try await live.send("POST", "/echo", headers: [("Content-Type", "text/plain")],
                                              body: [UInt8](repeating: UInt8(ascii: "a"), count: limit))
            #expect(atLimit.status == 200)
            #expect(try await live.send("GET", "/menu/1").status == 200, "the server still answers")
        }
    }

    @Test("415 for a body that is not JSON")
    func unsupportedMediaType() async throws {
        try await withLiveServer { live async throws in
            let response = try await live.send("POST", "/menu", headers: [("Content-Type", "text/plain")], body: Array("name=Soup".utf8))
            #expect(response.status == 415)
        }
    }

    @Test("422 with an error per field")
    func unprocessable() async throws {
        try await withLiveServer { live async throws in
            let response = try await live.send("POST", "/menu", json: #"{"name": 1, "price": "free", "category_id": "two"}"#)
            #expect(response.status == 422)
            let fields = try #require(response.json?["fields"])
            #expect(Set(keys(fields)) == ["name", "price", "category_id"])
        }
    }

    @Test("filters, limit and offset, sort and X-Total-Count work over the socket")
    func queries() async throws {
        try await withLiveServer { live async throws in
            let page = try await live.send("GET", "/menu?vegetarian=1&sort=-price&limit=2&offset=1")
            #expect(page.status == 200)
            #expect(page.json.map(ids) == [5, 1], "vegetarian by price descending: 3 (9.5), 5 (7.0), 1 (6.5), 2 (4.0)")
            #expect(page.header("X-Total-Count") == "4")
            let unknown = try await live.send("GET", "/menu?colour=red")
            #expect(unknown.status == 400)
        }
    }
}
