import Foundation
#if canImport(Glibc)
import Glibc
#endif
import KitchenSQL
import Testing
@testable import KitchenServer

/// Issue 12: cached GETs (and the gate's refusals) are answered on the event loop, before
/// Hummingbird's hop to a Swift task, with everything the usual path does: the request log,
/// the Host check, HEAD and 304, the same headers, keep-alive, pipelining order, and a change
/// to the data visible to the very next request.
@Suite("MiniServer: answers on the event loop")
struct MiniServerEventLoopAnswerTests {
    @Test("a cached GET is answered on the event loop with the same status line, headers and body, and logged")
    func cachedGetSameBytes() async throws {
        try await withLiveServer { live async throws in
            let request = "GET /menu?limit=2 HTTP/1.1\r\nHost: 127.0.0.1:\(live.port)\r\nUser-Agent: raw\r\n\r\n"
            let before = live.server.answeredOnEventLoop.count
            // The first read puts the file in WAL mode, which moves its data version: another target.
            _ = try await live.send("GET", "/menu/5")
            let first = try await live.raw(request)
            #expect(live.server.answeredOnEventLoop.count == before, "the first GET fills the cache on a task")
            let second = try await live.raw(request)
            #expect(live.server.answeredOnEventLoop.count == before + 1, "the repeated GET is answered on the event loop")
            #expect(first.status == 200 && second.status == 200)
            #expect(second.body == first.body)
            // Same headers in the same order; only Date may differ.
            let names = { (response: RawResponse) in response.headers.map { $0.0.lowercased() } }
            #expect(names(second) == names(first))
            for (name, value) in first.headers where name.lowercased() != "date" {
                #expect(second.headers.first { $0.0 == name }?.1 == value, "\(name)")
            }
            #expect(second.headers.contains { $0.0.lowercased() == "date" && $0.1.hasSuffix("GMT") })
            #expect(second.headers.contains { $0.0.lowercased() == "server" && $0.1 == "Kitchen" })
            #expect(second.headers.contains { $0.0.lowercased() == "content-length" && $0.1 == String(first.body.count) })

            let entries = live.log.entries(last: 2)
            #expect(entries.count == 2)
            let entry = try #require(entries.last)
            #expect(entry.method == "GET" && entry.path == "/menu" && entry.query == "limit=2" && entry.status == 200)
            #expect(entry.header("Host") == "127.0.0.1:\(live.port)")
            #expect(entry.header("User-Agent") == "raw")
            #expect(entry.responseBody == second.body)
            #expect(entry.responseHeaders.contains { $0.name == "ETag" })
            #expect(entry.id == entries[0].id + 1)
        }
    }

    @Test("If-None-Match gets 304, HEAD gets GET's headers and no body, both from the event loop and logged")
    func conditionalAndHead() async throws {
        try await withLiveServer { live async throws in
            _ = try await live.send("GET", "/menu/2")
            let filled = try await live.send("GET", "/menu/2")
            let tag = try #require(filled.header("ETag"))
            let before = live.server.answeredOnEventLoop.count
            let host = "Host: 127.0.0.1:\(live.port)\r\n"
            let notModified = try await live.raw("GET /menu/2 HTTP/1.1\r\n\(host)If-None-Match: W/\(tag)\r\n\r\n")
            #expect(notModified.status == 304)
            #expect(notModified.body.isEmpty)
            #expect(notModified.headers.contains { $0.0 == "ETag" && $0.1 == tag })
            #expect(live.log.latest?.status == 304)
            let head = try await onOwnThread { () -> (RawResponse?, ReadEnd) in
                let socket = try RawSocket.connect(port: live.port)
                defer { socket.close() }
                socket.send("HEAD /menu/2 HTTP/1.1\r\n\(host)\r\n")
                // A HEAD response has a Content-Length but no body: read until nothing more comes.
                let read = socket.readResponse(seconds: 0.5 * TestTimeScale.factor)
                return (RawResponse(read.bytes), read.end)
            }
            let headResponse = try #require(head.0)
            #expect(headResponse.status == 200)
            #expect(headResponse.body.isEmpty, "HEAD has no body")
            #expect(headResponse.headers.contains { $0.0.lowercased() == "content-length" && $0.1 == String(filled.body.count) })
            #expect(headResponse.headers.contains { $0.0 == "ETag" && $0.1 == tag })
            #expect(live.log.latest?.method == "HEAD")
            #expect(live.server.answeredOnEventLoop.count == before + 2)
            // A tag that does not match: the whole response again.
            #expect(try await live.send("GET", "/menu/2", headers: [("If-None-Match", "\"nope\"")]).body == filled.body)
        }
    }

    @Test("the Host check and the query check hold on the event loop; a refusal is logged")
    func gateOnTheEventLoop() async throws {
        try await withLiveServer { live async throws in
            _ = try await live.send("GET", "/menu?limit=2")
            let before = live.server.answeredOnEventLoop.count
            let foreign = try await live.raw("GET /menu?limit=2 HTTP/1.1\r\nHost: evil.example\r\n\r\n")
            #expect(foreign.status == 400)
            #expect(String(decoding: foreign.body, as: UTF8.self).contains("not this server"))
            #expect(live.log.latest?.status == 400)
            #expect(live.log.latest?.header("Host") == "evil.example")
            let otherPort = try await live.raw("GET /menu?limit=2 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n")
            #expect(otherPort.status == 400)
            let badQuery = try await live.raw("GET /menu?limit=%zz HTTP/1.1\r\nHost: 127.0.0.1:\(live.port)\r\n\r\n")
            #expect(badQuery.status == 400)
            #expect(live.server.answeredOnEventLoop.count == before + 3)
            // A route with no cached response goes the usual way.
            let miss = try await live.raw("GET /menu?limit=3 HTTP/1.1\r\nHost: 127.0.0.1:\(live.port)\r\n\r\n")
            #expect(miss.status == 200)
            #expect(live.server.answeredOnEventLoop.count == before + 3)
        }
    }

    @Test("pipelined requests are answered in order, cached ones behind a slow one included")
    func pipeliningOrder() async throws {
        try await withLiveServer { live async throws in
            _ = try await live.send("GET", "/menu?limit=2")
            _ = try await live.send("GET", "/menu/1")
            let host = "Host: 127.0.0.1:\(live.port)\r\n"
            // Cached, slow, cached, cached, the last asking to close.
            let requests = "GET /menu/1 HTTP/1.1\r\n\(host)\r\n"
                + "GET /delay/300 HTTP/1.1\r\n\(host)\r\n"
                + "GET /menu?limit=2 HTTP/1.1\r\n\(host)\r\n"
                + "GET /menu/1 HTTP/1.1\r\n\(host)Connection: close\r\n\r\n"
            let (responses, end) = try await onOwnThread { try exchangeAll(port: live.port, requests, count: 4) }
            try #require(responses.map(\.status) == [200, 200, 200, 200])
            #expect(String(decoding: responses[0].body, as: UTF8.self).contains("\"id\":1"))
            #expect(String(decoding: responses[1].body, as: UTF8.self).contains("delayed_ms"))
            #expect(String(decoding: responses[2].body, as: UTF8.self).hasPrefix("["))
            #expect(String(decoding: responses[3].body, as: UTF8.self).contains("\"id\":1"))
            #expect(end == .closed, "Connection: close closes the connection after its response")
            #expect(live.log.entries(last: 4).map(\.path) == ["/menu/1", "/delay/300", "/menu", "/menu/1"])
        }
    }

    @Test("keep-alive: many cached GETs on one connection; HTTP/1.0 without keep-alive is closed")
    func keepAlive() async throws {
        try await withLiveServer { live async throws in
            _ = try await live.send("GET", "/menu/3")
            _ = try await live.send("GET", "/menu/3")
            let host = "Host: 127.0.0.1:\(live.port)\r\n"
            let before = live.server.answeredOnEventLoop.count
            let (statuses, stillOpen) = try await onOwnThread { () -> ([Int], Bool) in
                let socket = try RawSocket.connect(port: live.port)
                defer { socket.close() }
                var statuses: [Int] = []
                for _ in 0..<20 {
                    socket.send("GET /menu/3 HTTP/1.1\r\n\(host)\r\n")
                    statuses.append(RawResponse(socket.readResponse(seconds: 5 * TestTimeScale.factor).bytes)?.status ?? 0)
                }
                return (statuses, !socket.isClosedByPeer(within: 0.2))
            }
            #expect(statuses == Array(repeating: 200, count: 20))
            #expect(stillOpen)
            #expect(live.server.answeredOnEventLoop.count == before + 20)
            let old = try await onOwnThread { try rawExchange(port: live.port, "GET /menu/3 HTTP/1.0\r\n\(host)\r\n") }
            #expect(old.response?.status == 200)
            #expect(old.response?.headers.contains { $0.0.lowercased() == "connection" && $0.1 == "close" } == true)
            #expect(old.end == .complete || old.end == .closed)
            #expect(live.server.answeredOnEventLoop.count == before + 21)
        }
    }

    @Test("a write is visible to the next request: pipelined behind a PATCH, and after a change from another connection")
    func writesAreVisible() async throws {
        try await withLiveServer { live async throws in
            _ = try await live.send("GET", "/menu/1")
            let host = "Host: 127.0.0.1:\(live.port)\r\n"
            let body = #"{"price": 42.5}"#
            let requests = "GET /menu/1 HTTP/1.1\r\n\(host)\r\n"
                + "PATCH /menu/1 HTTP/1.1\r\n\(host)Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
                + "GET /menu/1 HTTP/1.1\r\n\(host)\r\n"
            let (responses, _) = try await onOwnThread { try exchangeAll(port: live.port, requests, count: 3) }
            try #require(responses.map(\.status) == [200, 200, 200])
            #expect(!String(decoding: responses[0].body, as: UTF8.self).contains("42.5"))
            #expect(String(decoding: responses[2].body, as: UTF8.self).contains("42.5"))

            // The prompt's connection changes the row; the next GET on a kept-alive connection sees it.
            let path = live.databasePath
            let (seen, _) = try await onOwnThread { () -> ([String], Bool) in
                let prompt = try Connection(path: path)
                let socket = try RawSocket.connect(port: live.port)
                defer { socket.close() }
                var seen: [String] = []
                for price in ["7.25", "8.75"] {
                    socket.send("GET /menu/1 HTTP/1.1\r\n\(host)\r\n")
                    _ = socket.readResponse(seconds: 5 * TestTimeScale.factor)
                    try prompt.execute("UPDATE menu_items SET price = \(price) WHERE id = 1")
                    socket.send("GET /menu/1 HTTP/1.1\r\n\(host)\r\n")
                    seen.append(String(decoding: RawResponse(socket.readResponse(seconds: 5 * TestTimeScale.factor).bytes)?.body ?? [], as: UTF8.self))
                }
                return (seen, true)
            }
            #expect(seen.count == 2)
            #expect(seen.first?.contains("7.25") == true, "\(seen)")
            #expect(seen.last?.contains("8.75") == true, "\(seen)")
        }
    }

    @Test("a learner route's limit line counts the requests answered on the event loop")
    func rateLimitCounts() async throws {
        try await withLiveServer { live async throws in
            let text = """
                route GET /few
                  limit 3 per minute
                  sql SELECT name FROM menu_items ORDER BY id LIMIT 2
                end
                """
            for definition in try RouteParser.parse(text) {
                live.server.routes.add(PracticeRoutes.route(for: definition, origin: .learner, sessions: live.server.sessions))
            }
            let before = live.server.answeredOnEventLoop.count
            var statuses: [Int] = []
            for _ in 0..<5 { statuses.append(try await live.raw("GET /few HTTP/1.1\r\nHost: 127.0.0.1:\(live.port)\r\n\r\n").status) }
            #expect(statuses == [200, 200, 200, 429, 429])
            #expect(live.server.answeredOnEventLoop.count - before >= 3, "the cached ones and the refusals came from the event loop")
        }
    }
}

/// Sends `requests` in one write and reads `count` responses off the connection, in order, then
/// says whether the server closed the connection.
func exchangeAll(port: Int, _ requests: String, count: Int, seconds: Double = 10) throws -> (responses: [RawResponse], end: ReadEnd) {
    let socket = try RawSocket.connect(port: port)
    defer { socket.close() }
    socket.send(requests)
    var responses: [RawResponse] = []
    var pending: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    let deadline = ContinuousClock.now + .seconds(seconds)
    while responses.count < count, ContinuousClock.now < deadline {
        // Split complete responses off the front of what arrived so far.
        if let response = RawResponse(pending), response.isComplete {
            let length = pending.count - response.body.count + (response.headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) } ?? 0)
            responses.append(RawResponse(Array(pending.prefix(length)))!)
            pending.removeFirst(length)
            continue
        }
        guard socket.waitReadable(seconds: 0.5) else { continue }
        let read = buffer.withUnsafeMutableBytes { recv(socket.descriptor, $0.baseAddress, $0.count, 0) }
        if read <= 0 { break }
        pending += buffer[0..<read]
    }
    return (responses, socket.isClosedByPeer(within: 1) ? .closed : .timedOut)
}
