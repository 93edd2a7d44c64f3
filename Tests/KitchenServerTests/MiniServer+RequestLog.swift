import Foundation
import Testing
@testable import KitchenServer

@Suite("MiniServer: the request log records every request, from any client")
struct MiniServerRequestLogTests {
    @Test("method, path, query, headers, body, status and duration are recorded")
    func recordsEverything() async throws {
        try await withLiveServer { live async throws in
            _ = try await live.send("POST", "/orders-not-here?table=4&rush=yes", headers: [("X-Waiter", "Ana")], json: #"{"qty": 2}"#)
            let entry = try #require(live.log.latest)
            #expect(entry.method == "POST")
            #expect(entry.path == "/orders-not-here")
            #expect(entry.query == "table=4&rush=yes")
            #expect(entry.target == "/orders-not-here?table=4&rush=yes")
            #expect(entry.header("x-waiter") == "Ana")
            #expect(entry.header("Content-Type") == "application/json")
            #expect(entry.bodyText == #"{"qty": 2}"#)
            #expect(entry.status == 404)
            #expect(entry.durationMilliseconds >= 0)
            #expect(abs(entry.time - Date().timeIntervalSince1970) < 60, "the time is seconds since 1970")
            #expect(entry.responseBody.isEmpty == false)
        }
    }

    @Test("every request gets an entry, in order, with increasing ids, whatever its status")
    func everyRequest() async throws {
        try await withLiveServer { live async throws in
            let targets = [("GET", "/menu/1"), ("DELETE", "/menu"), ("GET", "/status/503"), ("POST", "/menu"), ("HEAD", "/menu"), ("OPTIONS", "/menu")]
            for (method, target) in targets {
                _ = try await live.send(method, target, body: method == "POST" ? Array("{".utf8) : nil)
            }
            let entries = live.log.entries()
            #expect(entries.map { "\($0.method) \($0.path)" } == targets.map { "\($0.0) \($0.1)" })
            // The POST's body has no Content-Type: 415, before the JSON is even read.
            #expect(entries.map(\.status) == [200, 405, 503, 415, 200, 204])
            #expect(entries.map(\.id) == Array(1...targets.count))
            #expect(live.log.entries(last: 2).map(\.method) == ["HEAD", "OPTIONS"])
        }
    }

    @Test("a request over 1 MB is logged with its 413")
    func tooLargeIsLogged() async throws {
        try await withLiveServer { live async throws in
            _ = try await streamBody(port: live.port, method: "POST", target: "/menu", size: (1 << 20) + 10)
            #expect(live.log.latest?.path == "/menu")
            #expect(live.log.latest?.status == 413)
        }
    }

    @Test("the duration covers the handler's time")
    func duration() async throws {
        try await withLiveServer { live async throws in
            _ = try await live.send("GET", "/delay/150")
            let entry = try #require(live.log.latest)
            #expect(entry.durationMilliseconds >= 150)
            #expect(entry.durationMilliseconds < 2000 * TestTimeScale.factor)
        }
    }

    @Test("listeners hear every new entry; clear empties the log", .timeLimit(.scaledMinutes(1)))
    func listenersAndClear() async throws {
        try await withLiveServer { live async throws in
            let heard = Heard()
            live.log.onRecord { entry in heard.add(entry.target) }
            _ = try await live.send("GET", "/menu?limit=1")
            _ = try await live.send("GET", "/echo")
            #expect(heard.all == ["/menu?limit=1", "/echo"])
            live.log.clear()
            #expect(live.log.entries().isEmpty)
            _ = try await live.send("GET", "/echo")
            #expect(live.log.entries().count == 1)
        }
    }

    @Test("the log keeps at most its capacity, dropping the oldest")
    func capacity() {
        let log = RequestLog(capacity: 3)
        for index in 1...5 {
            log.record(LoggedRequest(id: 0, time: 0, method: "GET", path: "/\(index)", query: "", headers: [], body: [], status: 200,
                                     responseHeaders: [], responseBody: [], durationMilliseconds: 0))
        }
        #expect(log.entries().map(\.path) == ["/3", "/4", "/5"])
        #expect(log.entries().map(\.id) == [3, 4, 5])
    }

    @Test("requests sent with curl are logged like any other", .enabled(if: Tools.curl != nil, "curl is not installed"))
    func curlRequestsAreLogged() async throws {
        let curl = try #require(Tools.curl)
        try await withLiveServer { live async throws in
            let url = live.url
            let output = try await onOwnThread {
                try runProgram(curl, ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT", "-H", "X-From: curl",
                                      "-H", "Content-Type: application/json", "--data", #"{"name": "Pizza"}"#, url + "/categories/1?why=test"])
            }
            #expect(output.stdout == "409", "the name belongs to category 2: \(output.stdout) \(output.stderr)")
            let entry = try #require(live.log.latest)
            #expect(entry.method == "PUT")
            #expect(entry.path == "/categories/1")
            #expect(entry.query == "why=test")
            #expect(entry.header("X-From") == "curl")
            #expect(entry.header("User-Agent")?.hasPrefix("curl/") == true)
            #expect(entry.bodyText == #"{"name": "Pizza"}"#)
            #expect(entry.status == 409)
        }
    }
}

final class Heard: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ item: String) { lock.withLock { items.append(item) } }
    var all: [String] { lock.withLock { items } }
}
