import KitchenLessons
import KitchenSQL
import Testing
@testable import KitchenServer

/// Issue 12: GET responses are kept per route and target, and every change to the data, from the
/// server, another connection (the prompt's) or another process, is visible to the next request.
@Suite("MiniServer: cached GET responses never outlive a change")
struct MiniServerResponseCacheTests {
    @Test("a repeated GET is the same bytes and ETag; If-None-Match (strong or weak) gets 304")
    func repeatedGet() async throws {
        try await withLiveServer { live async throws in
            let first = try await live.send("GET", "/menu?limit=2")
            let second = try await live.send("GET", "/menu?limit=2")
            #expect(first.status == 200)
            #expect(second.body == first.body)
            let tag = try #require(first.header("ETag"))
            #expect(second.header("ETag") == tag)
            #expect(second.header("X-Total-Count") == "6")
            #expect(live.server.database.responses.count >= 1)
            #expect(try await live.send("GET", "/menu?limit=2", headers: [("If-None-Match", tag)]).status == 304)
            #expect(try await live.send("GET", "/menu?limit=2", headers: [("If-None-Match", "W/" + tag)]).status == 304)
            #expect(try await live.send("GET", "/menu?limit=2", headers: [("If-None-Match", "\"other\"")]).status == 200)
        }
    }

    @Test("a write through the API changes the next GET's body, ETag and X-Total-Count")
    func writeThroughServer() async throws {
        try await withLiveServer { live async throws in
            let before = try await live.send("GET", "/menu")
            let created = try await live.send("POST", "/menu", json: #"{"name": "Focaccia", "category_id": 1, "price": 4.5}"#)
            #expect(created.status == 201)
            let after = try await live.send("GET", "/menu")
            #expect(after.header("X-Total-Count") == "7")
            #expect(after.header("ETag") != before.header("ETag"))
            #expect(after.text.contains("Focaccia"))
            #expect(try await live.send("GET", "/menu", headers: [("If-None-Match", before.header("ETag")!)]).status == 200)
            let deleted = try await live.send("DELETE", "/menu/1")
            #expect(deleted.status == 204)
            #expect(try await live.send("GET", "/menu/1").status == 404)
        }
    }

    @Test("a change from another connection (as the prompt makes it) is visible to the very next GET")
    func writeFromAnotherConnection() async throws {
        try await withLiveServer { live async throws in
            let prompt = try Connection(path: live.databasePath)
            for price in [8.0, 9.25, 10.5] {
                _ = try await live.send("GET", "/menu/1")
                _ = try await live.send("GET", "/menu?limit=1")
                try prompt.execute("UPDATE menu_items SET price = \(price) WHERE id = 1")
                #expect(try await live.send("GET", "/menu/1").json?["price"] == .number(price))
                #expect(firstItem(try await live.send("GET", "/menu?limit=1").json)?["price"] == .number(price))
            }
            // A change of schema too.
            try prompt.execute("ALTER TABLE menu_items ADD COLUMN spicy INTEGER DEFAULT 0")
            #expect(try await live.send("GET", "/menu/1").json?["spicy"] == .integer(0))
        }
    }

    @Test("learner routes: cached while the data stays, re-run after a change; random() is never cached")
    func learnerRoutes() async throws {
        try await withLiveServer { live async throws in
            let text = """
                route GET /cheap = SELECT name FROM menu_items WHERE price < :max ORDER BY price
                route GET /dice = SELECT abs(random()) % 1000000 AS roll
                route GET /visit = INSERT INTO categories (name) VALUES ('visit ' || abs(random())) RETURNING id
                """
            for definition in try RouteParser.parse(text) {
                live.server.routes.add(PracticeRoutes.route(for: definition, origin: .learner, sessions: live.server.sessions))
            }
            #expect(try await live.send("GET", "/cheap?max=5").text.contains("Garlic Bread"))
            let prompt = try Connection(path: live.databasePath)
            try prompt.execute("UPDATE menu_items SET price = 20 WHERE name = 'Garlic Bread'")
            #expect(!(try await live.send("GET", "/cheap?max=5").text.contains("Garlic Bread")))

            var rolls: Set<String> = []
            for _ in 0..<5 { rolls.insert(try await live.send("GET", "/dice").text) }
            #expect(rolls.count > 1, "random() answered the same every time: \(rolls)")

            // A GET whose SQL writes runs on the writing connection, every time.
            for _ in 0..<3 { #expect(try await live.send("GET", "/visit").status == 200) }
            let visits = try databaseColumn("SELECT count(*) FROM categories WHERE name LIKE 'visit %'", path: live.databasePath)
            #expect(visits == [.integer(3)])
        }
    }

    @Test("every request is logged, cache hits included")
    func cacheHitsAreLogged() async throws {
        try await withLiveServer { live async throws in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<100 { group.addTask { try await live.send("GET", "/menu?limit=3").status } }
                for try await status in group { #expect(status == 200) }
            }
            let entries = live.log.entries()
            #expect(entries.count == 100)
            #expect(Set(entries.map(\.id)).count == 100)
            #expect(entries.allSatisfy { $0.status == 200 && $0.target == "/menu?limit=3" && !$0.responseBody.isEmpty })
        }
    }

    @Test("API writes: each 201 is one row, visible at once to another connection (as the prompt has) and to the next GET")
    func writesVisibleEverywhere() async throws {
        try await withLiveServer { live async throws in
            let prompt = try Connection(path: live.databasePath)
            func rows() throws -> Int64 {
                guard case .integer(let count)? = try prompt.fetchAll("SELECT count(*) FROM menu_items").first?.first else { return -1 }
                return count
            }
            func pragma(_ name: String, on connection: Connection) throws -> [[DatabaseValue]] {
                try connection.trusted { try connection.fetchAll("PRAGMA \(name)") }
            }
            let before = try rows()
            _ = try await live.send("GET", "/menu")
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<40 {
                    group.addTask { try await live.send("POST", "/menu", json: #"{"name": "Special \#(index)", "category_id": 1, "price": 2.5}"#).status }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 201 })
            #expect(try rows() == before + 40)
            #expect(try await live.send("GET", "/menu").header("X-Total-Count") == String(before + 40))
            // The server's writer commits without an fsync per commit, in WAL mode only.
            #expect(try live.server.database.withConnection { try pragma("journal_mode", on: $0) } == [[.text("wal")]])
            #expect(try live.server.database.withConnection { try pragma("synchronous", on: $0) } == [[.integer(1)]])
            #expect(try pragma("synchronous", on: prompt) == [[.integer(2)]], "other connections keep SQLite's default")
        }
    }

    @Test("cache hits ask SQLite for the data version at most once per interval; this process's commits are seen at once all the same")
    func dataVersionAskedOncePerInterval() async throws {
        // An hour: only the commit count can make the change below visible.
        try await withLiveServer(dataVersionInterval: .seconds(3600)) { live async throws in
            #expect(try await live.send("GET", "/menu/1").status == 200)
            let counter = CommitCounter.forFile(live.databasePath)
            let commitsBefore = counter.current
            let asked = live.server.database.dataVersionQuestions
            for _ in 0..<20 { #expect(try await live.send("GET", "/menu/1").status == 200) }
            let questions = live.server.database.dataVersionQuestions - asked
            #expect(UInt64(questions) <= counter.current - commitsBefore + 1, "\(questions) questions for 20 cache hits")
            let prompt = try Connection(path: live.databasePath)
            for price in [12.5, 13.75] {
                try prompt.execute("UPDATE menu_items SET price = \(price) WHERE id = 1")
                #expect(try await live.send("GET", "/menu/1").json?["price"] == .number(price))
            }
            #expect(try await live.send("PATCH", "/menu/1", json: #"{"price": 14.0}"#).status == 200)
            #expect(try await live.send("GET", "/menu/1").json?["price"] == .number(14.0))
        }
    }

    @Test("a change from another process (sqlite3) is seen once the data version is asked again: by the next request at the default interval",
          .enabled(if: Tools.find("sqlite3") != nil, "needs the sqlite3 shell"))
    func writeFromAnotherProcess() async throws {
        let sqlite3 = try #require(Tools.find("sqlite3"))
        try await withLiveServer { live async throws in
            for price in [21.5, 22.25, 23.0] {
                #expect(try await live.send("GET", "/menu/1").status == 200)
                let ran = try await onOwnThread { try runProgram(sqlite3, [live.databasePath, "UPDATE menu_items SET price = \(price) WHERE id = 1"]) }
                #expect(ran.status == 0, "\(ran.stderr)")
                #expect(try await live.send("GET", "/menu/1").json?["price"] == .number(price))
            }
        }
        try await withLiveServer(dataVersionInterval: .milliseconds(300)) { live async throws in
            #expect(try await live.send("GET", "/menu/1").status == 200)
            let ran = try await onOwnThread { try runProgram(sqlite3, [live.databasePath, "UPDATE menu_items SET price = 31.5 WHERE id = 1"]) }
            #expect(ran.status == 0, "\(ran.stderr)")
            try await Task.sleep(for: .milliseconds(350))
            #expect(try await live.send("GET", "/menu/1").json?["price"] == .number(31.5))
        }
    }

    @Test("switching to another database file drops the cached responses")
    func switchingFiles() async throws {
        try await withLiveServer { live async throws in
            #expect(try await live.send("GET", "/menu/1").json?["name"] == .string("Tomato Soup"))
            let other = try PracticeDatabase.create(in: live.folder, name: "other.db")
            try Connection(path: other).execute("UPDATE menu_items SET name = 'Leek Soup' WHERE id = 1")
            live.server.database.switchTo(path: other)
            #expect(try await live.send("GET", "/menu/1").json?["name"] == .string("Leek Soup"))
        }
    }
}

private func firstItem(_ json: JSONValue?) -> JSONValue? {
    guard case .array(let items)? = json else { return nil }
    return items.first
}
