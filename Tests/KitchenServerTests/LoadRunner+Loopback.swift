import KitchenShell
import KitchenTutor
import Testing
@testable import KitchenServer

@Suite("LoadPlan: bounds, loopback only, and the .load arguments")
struct LoadPlanTests {
    @Test("a URL on this machine gives host, port and target; other hosts, https and a missing port are refused")
    func locations() throws {
        let plain = try LoadPlan.location(of: "http://127.0.0.1:8080/menu?limit=2")
        #expect(plain.host == "127.0.0.1" && plain.port == 8080 && plain.target == "/menu?limit=2")
        let local = try LoadPlan.location(of: "http://localhost:9000")
        #expect(local.host == "127.0.0.1" && local.port == 9000 && local.target == "/")
        #expect(try LoadPlan.location(of: "http://[::1]:81/x").host == "[::1]")
        for refused in ["http://example.com:80/", "http://10.0.0.5:8080/menu", "http://127.0.0.1.evil.example:80/",
                        "https://127.0.0.1:8443/", "http://127.0.0.1/menu", "ftp://127.0.0.1:21/", "http://127.0.0.1:99999/"] {
            #expect(throws: LoadPlan.Refusal.self, "\(refused)") { try LoadPlan.location(of: refused) }
        }
        do {
            _ = try LoadPlan.location(of: "http://example.com:80/")
        } catch {
            #expect("\(error)".contains("this machine only"), "\(error)")
        }
    }

    @Test("silly counts, connections and time limits are refused with the allowed range")
    func bounds() throws {
        try LoadPlan(port: 80, target: "/menu").validate()
        let cases: [(LoadPlan, String)] = [
            (LoadPlan(port: 80, target: "/", requests: 0), "between 1 and 100000"),
            (LoadPlan(port: 80, target: "/", requests: 10_000_000), "between 1 and 100000"),
            (LoadPlan(port: 80, target: "/", connections: 0), "(-c)"),
            (LoadPlan(port: 80, target: "/", connections: 5000), "(-c)"),
            (LoadPlan(port: 80, target: "/", timeLimitSeconds: 3600), "(-t)"),
            (LoadPlan(host: "192.168.1.1", port: 80, target: "/"), "this machine only"),
            (LoadPlan(port: 80, method: "BREW", target: "/"), "not an HTTP method"),
            (LoadPlan(port: 80, target: "menu"), "start with /"),
        ]
        for (plan, message) in cases {
            do {
                try plan.validate()
                Issue.record("\(plan) was accepted")
            } catch {
                #expect("\(error)".contains(message), "\(error)")
            }
        }
    }

    @Test(".load's words: options, a method or a bare path, and the rest of the line as the body")
    func arguments() throws {
        let bare = try LoadArguments.parse("/menu")
        #expect(bare.method == "GET" && bare.target == "/menu" && bare.body == nil && bare.requests == LoadPlan.defaultRequests)
        let full = try LoadArguments.parse("-n 50 -c 5 -t 3 post /orders {\"table_no\": 4, \"note\": \"a b\"}")
        #expect(full.method == "POST" && full.target == "/orders" && full.requests == 50 && full.connections == 5 && full.timeLimitSeconds == 3)
        #expect(full.body == "{\"table_no\": 4, \"note\": \"a b\"}")
        #expect(full.plan(port: 1234).headers.contains { $0.name == "Content-Type" && $0.value == "application/json" })
        let url = try LoadArguments.parse("-n 3 http://localhost:8123/menu?limit=1")
        #expect(url.target == "/menu?limit=1" && url.plan(port: 1).port == 8123 && url.method == "GET")
        #expect(throws: LoadPlan.Refusal.self) { try LoadArguments.parse("http://example.com:80/") }
        #expect(throws: LoadPlan.Refusal.self) { try LoadArguments.parse("-n many /menu") }
        #expect(throws: LoadPlan.Refusal.self) { try LoadArguments.parse("-q /menu") }
        #expect(throws: LoadPlan.Refusal.self) { try LoadArguments.parse("-n 10") }
    }
}

@Suite("LoadRunner: real requests over loopback, measured with HdrHistogram")
struct LoadRunnerTests {
    @Test("every request is sent and counted by status; percentiles are ordered and the bars hold every answer")
    func countsAndPercentiles() async throws {
        try await withLiveServer { live async throws in
            live.log.clear()
            let result = try await LoadRunner.run(LoadPlan(port: live.port, target: "/menu?limit=2", requests: 120, connections: 6, timeLimitSeconds: 60))
            #expect(result.answered == 120)
            #expect(result.statuses == [200: 120])
            #expect(result.failures.isEmpty && !result.stoppedByTimeLimit)
            #expect(live.log.entries().filter { $0.target == "/menu?limit=2" }.count == 120, "the server received them all")
            let p50 = try #require(result.p50), p95 = try #require(result.p95), p99 = try #require(result.p99)
            #expect(p50 <= p95 && p95 <= p99 && p99 <= (result.slowest ?? 0) + p99 / 500 + 1)
            #expect((result.fastest ?? 0) <= p50)
            #expect(result.bars.reduce(0) { $0 + $1.count } == 120)
            #expect(result.bars.count <= 8 && result.bars.map(\.upToMicroseconds) == result.bars.map(\.upToMicroseconds).sorted())
            #expect(result.requestsPerSecond > 0)

            let lines = LoadReport.lines(result, style: Style(enabled: false))
            #expect(lines.contains { $0.hasPrefix("Requests per second: ") })
            #expect(lines.contains("Errors: none"))
            #expect(lines.contains { $0.hasPrefix("Latency: p50 ") && $0.contains("p95") && $0.contains("p99") })
            #expect(lines.filter { $0.contains("█") }.count >= 1)
        }
    }

    @Test("{n} in the path numbers the requests, so each asks for something else")
    func numberedTargets() async throws {
        try await withLiveServer { live async throws in
            live.log.clear()
            let result = try await LoadRunner.run(LoadArguments.parse("-n 6 -c 2 -t 60 GET /menu/{n}?from=load").plan(port: live.port))
            #expect(result.statuses == [200: 6])
            #expect(Set(live.log.entries().map(\.target)) == Set((1...6).map { "/menu/\($0)?from=load" }))
        }
    }

    @Test("error statuses are counted by status, a POST body is sent, and a closed port is reported as no answer")
    func errorsAndBodies() async throws {
        try await withLiveServer { live async throws in
            let failing = try await LoadRunner.run(LoadPlan(port: live.port, target: "/status/503", requests: 20, connections: 4, timeLimitSeconds: 60))
            #expect(failing.errorStatuses.map(\.status) == [503] && failing.errorStatuses.first?.count == 20)
            #expect(LoadReport.lines(failing, style: Style(enabled: false)).contains("Errors: 20 × 503"))

            let posted = try await LoadRunner.run(LoadArguments.parse("-n 5 -c 2 -t 60 POST /menu {\"name\": \"Soup\", \"category_id\": 1, \"price\": 3}").plan(port: live.port))
            #expect(posted.statuses == [201: 5])
            #expect(try databaseColumn("SELECT count(*) FROM menu_items WHERE name = 'Soup'", path: live.databasePath) == [.integer(5)])
        }
        let closed = try HeldPort()
        let port = closed.port
        closed.close()
        let refused = try await LoadRunner.run(LoadPlan(port: port, target: "/", requests: 3, connections: 1))
        #expect(refused.answered == 0 && refused.failures.values.reduce(0, +) == 3, "\(refused.failures)")
        #expect(refused.p50 == nil && refused.bars.isEmpty)
    }

    @Test("the time limit stops a run whose requests are slower than it allows")
    func timeLimit() async throws {
        try await withLiveServer { live async throws in
            let result = try await LoadRunner.run(LoadPlan(port: live.port, target: "/delay/700", requests: 50, connections: 2, timeLimitSeconds: 1))
            #expect(result.stoppedByTimeLimit)
            #expect(result.sent < 50)
            #expect(result.elapsedSeconds < 10, "stopped near the limit (all 50 would take 17.5 s): \(result.elapsedSeconds) s")
        }
    }
}
