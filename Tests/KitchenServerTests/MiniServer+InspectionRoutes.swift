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
            let baseline = try await Self.roundTripMilliseconds(live)
            let response = try await live.send("GET", "/delay/300")
            #expect(response.status == 200)
            #expect(response.json?["delayed_ms"] == .integer(300))
            #expect(response.milliseconds >= 300)
            // The upper bound catches a delay far longer than asked (the 5000 ms cap, a wrong unit);
            // on a loaded machine the same request costs what an /echo round trip just cost, so
            // that round trip, several times over, is added to the fixed allowance.
            #expect(response.milliseconds < 3000 + 4 * baseline, "took \(response.milliseconds) ms; an /echo round trip \(baseline) ms")
            #expect(try await live.send("GET", "/delay/soon").status == 400)
        }
    }

    @Test("/delay/:ms is capped at 5000 ms, and other clients are answered meanwhile")
    func delayCap() async throws {
        try await withLiveServer { live async throws in
            #expect(InspectionRoutes.maximumDelayMilliseconds == 5000)
            let baseline = try await Self.roundTripMilliseconds(live)
            let slow = Task { () throws -> (HTTPReply, ContinuousClock.Instant) in
                let reply = try await live.send("GET", "/delay/600000")
                return (reply, ContinuousClock.now)
            }
            // A head start, so the delayed request is in the server before the quick one is sent;
            // the delay is 5 s, so the quick one is sent well inside it even on a loaded machine.
            try await Task.sleep(for: .seconds(1))
            let quick = try await live.send("GET", "/menu/1")
            let quickAnswered = ContinuousClock.now
            #expect(quick.status == 200)
            let (response, slowAnswered) = try await slow.value
            // Causality, not a wall-clock bound: a server that held others behind the delay would
            // answer the quick request only after the delayed one.
            #expect(quickAnswered < slowAnswered, "the quick request was answered only after the delayed one")
            #expect(response.json?["delayed_ms"] == .integer(5000))
            #expect(response.milliseconds >= 5000)
            // Well short of the 600000 ms asked for; the allowance grows with the machine's load
            // as measured by the /echo round trip.
            #expect(response.milliseconds < 8000 + 4 * baseline, "took \(response.milliseconds) ms; an /echo round trip \(baseline) ms")
        }
    }

    /// The slowest of three /echo round trips now, the yardstick for what a request costs on this
    /// machine at its current load.
    static func roundTripMilliseconds(_ live: LiveServer) async throws -> Double {
        var slowest = 0.0
        for _ in 0..<3 {
            let echo = try await live.send("GET", "/echo")
            #expect(echo.status == 200)
            slowest = max(slowest, echo.milliseconds)
        }
        return slowest
    }
}
