import Testing
@testable import KitchenServer

@Suite("MiniServer: the inspection routes /echo, /status/:code, /delay/:ms")
struct MiniServerInspectionRouteTests {
    @Test("/echo returns the method, path, query, headers and body it received")
    func echo() async throws {
        try await withLiveServer { live async throws in
            let response = try await live.send("PATCH", "/echo?a=1&b=two%20words", headers: [("X-Kitchen", "yes")], json: #"{"dish": "soup"}"#)
            #expect(response.status == 200)
            let echo = try #require(response.json)
            #expect(echo["method"] == .string("PATCH"))
            #expect(echo["path"] == .string("/echo"))
            #expect(echo["query"] == .object([("a", .string("1")), ("b", .string("two words"))]))
            #expect(echo["headers"]?["X-Kitchen"] == .string("yes"))
            #expect(echo["body"] == .string(#"{"dish": "soup"}"#))
            #expect(echo["json"] == .object([("dish", .string("soup"))]))
        }
    }

    @Test("/status/:code answers with that status", arguments: [200, 201, 204, 301, 404, 418, 500, 503])
    func status(code: Int) async throws {
        try await withLiveServer { live async throws in
            let response = try await live.send("GET", "/status/\(code)")
            #expect(response.status == code)
            if code != 204 { #expect(response.json?["status"] == .integer(Int64(code))) }
            #expect(try await live.send("DELETE", "/status/\(code)").status == code, "any method")
        }
    }

    @Test("/status/:code refuses what is not a status", arguments: ["99", "600", "abc", "-1"])
    func badStatus(code: String) async throws {
        try await withLiveServer { live async throws in
            #expect(try await live.send("GET", "/status/\(code)").status == 400)
        }
    }

    @Test("/delay/:ms answers after that long")
    func delay() async throws {
        try await withLiveServer { live async throws in
            let response = try await live.send("GET", "/delay/300")
            #expect(response.status == 200)
            #expect(response.json?["delayed_ms"] == .integer(300))
            #expect(response.milliseconds >= 300)
            #expect(response.milliseconds < 3000)
            #expect(try await live.send("GET", "/delay/soon").status == 400)
        }
    }

    @Test("/delay/:ms is capped at 5000 ms, and other clients are answered meanwhile")
    func delayCap() async throws {
        try await withLiveServer { live async throws in
            #expect(InspectionRoutes.maximumDelayMilliseconds == 5000)
            async let slow = live.send("GET", "/delay/600000")
            let started = ContinuousClock.now
            let quick = try await live.send("GET", "/menu/1")
            #expect(quick.status == 200)
            #expect(ContinuousClock.now - started < .seconds(2), "a delayed request does not hold up others")
            let response = try await slow
            #expect(response.json?["delayed_ms"] == .integer(5000))
            #expect(response.milliseconds >= 5000)
            #expect(response.milliseconds < 8000, "took \(response.milliseconds) ms")
        }
    }
}
