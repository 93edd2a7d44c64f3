import KitchenLessons
import KitchenSQL
import Testing
@testable import KitchenServer

/// Issue 15, item 1: SQLite work runs on threads of its own, so a runaway query (stopped only by
/// the time limit) holds its own thread and nothing else.
@Suite("MiniServer: runaway queries do not stall other requests")
struct MiniServerRunawayTests {
    static let runaway = "route GET /forever = WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT count(*) AS n FROM r"

    @Test("with six endless recursive CTEs in flight, /echo and a database GET still answer at once", .timeLimit(.minutes(1)))
    func sixRunaways() async throws {
        try await withLiveServer { live async throws in
            for definition in try RouteParser.parse(Self.runaway) {
                live.server.routes.add(LearnerRoutes.route(for: definition, origin: "learner", sessions: live.server.sessions))
            }
            let started = ContinuousClock.now
            let runaways = (0..<6).map { _ in Task { try await live.send("GET", "/forever") } }
            // Let the six reach SQLite: each then runs until the 2 s time limit stops it.
            try await Task.sleep(for: .milliseconds(300))
            var echoes: [Double] = []
            var reads: [Double] = []
            for _ in 0..<5 {
                let echo = try await live.send("GET", "/echo")
                #expect(echo.status == 200)
                echoes.append(echo.milliseconds)
                let read = try await live.send("GET", "/menu/3")
                #expect(read.status == 200)
                #expect(read.json?["name"] == .string("Margherita"))
                reads.append(read.milliseconds)
            }
            let whileRunning = ContinuousClock.now - started
            var statuses: [Int] = []
            for runaway in runaways { statuses.append(try await runaway.value.status) }
            // The probes all ran while the runaways were still running (they take 2 s).
            #expect(whileRunning < .milliseconds(1900), "the probes took until \(whileRunning): the runaways were over")
            #expect(statuses == Array(repeating: 500, count: 6), "\(statuses)")
            // Before the fix, /echo waited 9.5 s behind six runaways. Targets: 50 ms and 100 ms on a
            // quiet machine; the margins here allow for a debug build sharing its cores with other builds.
            #expect(echoes.max()! < 250, "GET /echo took \(echoes) ms")
            #expect(reads.max()! < 300, "GET /menu/3 took \(reads) ms")
        }
    }

    @Test("a write waits for no runaway read, and the next read sees it", .timeLimit(.minutes(1)))
    func writesPassRunaways() async throws {
        try await withLiveServer { live async throws in
            for definition in try RouteParser.parse(Self.runaway) {
                live.server.routes.add(LearnerRoutes.route(for: definition, origin: "learner", sessions: live.server.sessions))
            }
            let runaways = (0..<3).map { _ in Task { try await live.send("GET", "/forever") } }
            try await Task.sleep(for: .milliseconds(300))
            let created = try await live.send("POST", "/menu", json: #"{"name": "Soup of the day", "category_id": 1, "price": 5}"#)
            #expect(created.status == 201)
            #expect(created.milliseconds < 300, "POST took \(created.milliseconds) ms")
            let location = try #require(created.header("Location"))
            let read = try await live.send("GET", location)
            #expect(read.json?["name"] == .string("Soup of the day"))
            for runaway in runaways { _ = try await runaway.value }
        }
    }
}
