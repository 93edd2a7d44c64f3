import Foundation
import Testing
@testable import KitchenServer
#if canImport(Glibc)
import Glibc
#endif

/// Requests no polite client sends, over raw sockets. After each, the server must still answer.
@Suite("MiniServer: surviving malformed, huge, many and slow clients")
struct MiniServerAbuseTests {
    static func wellFormed(port: Int) -> String { "GET /menu/1 HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n" }

    /// True when the server answers a normal request with 200 on a new connection.
    static func stillServes(_ port: Int) throws -> Bool {
        try rawExchange(port: port, wellFormed(port: port)).response?.status == 200
    }

    @Test("a malformed request gets a 4xx or a closed connection, and the server keeps serving", arguments: [
        "THIS IS NOT HTTP\r\n\r\n",
        "GET\r\n\r\n",
        "GET /menu HTTP/9.9\r\n\r\n",
        "GET /menu FTP/1.0\r\n\r\n",
        "GET /menu HTTP/1.1\r\nNo colon in this header\r\n\r\n",
        "GET /menu HTTP/1.1\r\nContent-Length: lots\r\n\r\n",
        "POST /menu HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "GET /menu HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "a", count: 20_000) + "\r\n\r\n",
        "G\u{0}T /\r\n\r\n",
    ])
    func malformedStartLine(request: String) async throws {
        try await withLiveServer { live async throws in
            let port = live.port
            let (response, end) = try await onOwnThread { try rawExchange(port: port, request, seconds: 5) }
            if let response {
                #expect((400..<500).contains(response.status), "answered \(response.status) to \(request.prefix(60).debugDescription)")
            } else {
                #expect(end == .closed || end == .reset, "no answer and the connection stayed open (\(end)) for \(request.prefix(60).debugDescription)")
            }
            #expect(try await onOwnThread { try Self.stillServes(port) })
        }
    }

    @Test("binary garbage instead of a request line gets a 4xx or a close")
    func binaryGarbage() async throws {
        try await withLiveServer { live async throws in
            let port = live.port
            let (bytes, end) = try await onOwnThread { () -> ([UInt8], ReadEnd) in
                let socket = try RawSocket.connect(port: port)
                defer { socket.close() }
                socket.send((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) })
                return socket.readResponse(seconds: 5)
            }
            if let response = RawResponse(bytes) {
                #expect((400..<500).contains(response.status))
            } else {
                #expect(end == .closed || end == .reset, "\(end)")
            }
            #expect(try await onOwnThread { try Self.stillServes(port) })
        }
    }

    @Test("a 10 MB body gets 413 and the server survives", .timeLimit(.scaledMinutes(1)))
    func tenMegabyteBody() async throws {
        try await withLiveServer { live async throws in
            let port = live.port
            let (answer, end) = try await streamBody(port: port, method: "POST", target: "/menu", size: 10 << 20)
            let response = try #require(answer, "no response to a 10 MB body (\(end))")
            #expect((400..<500).contains(response.status))
            #expect(response.status == 413, "observed \(response.status)")
            #expect(live.log.latest?.status == 413)
            
            #expect(try await onOwnThread { try Self.stillServes(port) })
        }
    }

    @Test("1,000 concurrent connections all get an answer or a clean close, and the server answers afterwards", .timeLimit(.scaledMinutes(1)))
    func thousandConnections() async throws {
        let count = 1000
        let limit = raiseOpenFileLimit(to: 8192)
        try #require(limit >= UInt(2 * count + 200), "the open-file limit (\(limit)) is too low for \(count) connections and their server ends")
        try await withLiveServer { live async throws in
            let port = live.port
            let tally = try await onOwnThread { try Self.storm(port: port, connections: count, seconds: 30) }
            print("1,000 connections: \(tally)")
            #expect(tally.refused == 0)
            #expect(tally.timedOut == 0, "\(tally)")
            #expect(tally.reset == 0, "\(tally)")
            #expect(tally.answered + tally.closedWithoutAnswer == count, "\(tally)")
            #expect(tally.wrongStatus == 0, "\(tally)")
            #expect(tally.answered >= count * 9 / 10, "most connections should be answered: \(tally)")
            #expect(try await onOwnThread { try Self.stillServes(port) })
            #expect(try await live.send("GET", "/menu?limit=1").status == 200)
        }
    }

    struct Tally: CustomStringConvertible {
        var refused = 0, answered = 0, wrongStatus = 0, closedWithoutAnswer = 0, reset = 0, timedOut = 0
        var elapsed: Duration = .zero
        var description: String {
            "answered \(answered) (wrong status \(wrongStatus)), closed without answer \(closedWithoutAnswer), reset \(reset), timed out \(timedOut), refused \(refused), in \(elapsed)"
        }
    }

    /// Opens `connections` sockets at once, sends a request on each, then reads every answer with poll().
    static func storm(port: Int, connections: Int, seconds: Double) throws -> Tally {
        var tally = Tally()
        let started = ContinuousClock.now
        var sockets: [RawSocket] = []
        defer { sockets.forEach { $0.close() } }
        for _ in 0..<connections {
            do { sockets.append(try RawSocket.connect(port: port)) } catch { tally.refused += 1 }
        }
        for socket in sockets {
            socket.send("GET /menu?limit=2 HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n")
        }
        var received = [[UInt8]](repeating: [], count: sockets.count)
        var open = Set(sockets.indices)
        let deadline = started + .milliseconds(Int(seconds * 1000))
        var buffer = [UInt8](repeating: 0, count: 16384)
        while !open.isEmpty, ContinuousClock.now < deadline {
            let waiting = open.sorted()
            var entries = waiting.map { pollfd(fd: sockets[$0].descriptor, events: Int16(POLLIN), revents: 0) }
            guard poll(&entries, nfds_t(entries.count), 500) > 0 else { continue }
            for (slot, entry) in entries.enumerated() where entry.revents != 0 {
                let index = waiting[slot]
                let count = buffer.withUnsafeMutableBytes { recv(entry.fd, $0.baseAddress, $0.count, 0) }
                if count > 0 {
                    received[index] += buffer[0..<count]
                    continue
                }
                open.remove(index)
                if count < 0 {
                    tally.reset += 1
                    continue
                }
                if let response = RawResponse(received[index]) {
                    tally.answered += 1
                    if response.status != 200 { tally.wrongStatus += 1 }
                } else {
                    tally.closedWithoutAnswer += 1
                }
            }
        }
        tally.timedOut = open.count
        tally.elapsed = ContinuousClock.now - started
        return tally
    }
}

/// Slow clients, with the idle timeout shortened to 2 s so the tests stay short.
@Suite("MiniServer: slow clients are cut off by the idle timeout and do not block others")
struct MiniServerSlowClientTests {
    static var shortLimits: ServerLimits {
        var limits = ServerLimits()
        limits.idleTimeoutSeconds = 2
        limits.requestTimeoutSeconds = 2
        return limits
    }

    @Test("the default idle timeout is 10 s")
    func defaultLimit() {
        #expect(ServerLimits().idleTimeoutSeconds == 10)
        #expect(ServerLimits().requestTimeoutSeconds == 10)
        #expect(ServerLimits().maximumHeaderBytes == 16 * 1024)
    }

    /// Sends `prefix`, then one byte of `drip` per second, until the server closes the
    /// connection or `maximumBytes` are sent. Returns the seconds until the close, or nil.
    static func dribble(port: Int, prefix: String, drip: String, maximumBytes: Int) throws -> Double? {
        let socket = try RawSocket.connect(port: port)
        defer { socket.close() }
        let started = ContinuousClock.now
        if !prefix.isEmpty { socket.send(prefix) }
        for byte in Array(drip.utf8).prefix(maximumBytes) {
            // Waiting for the close doubles as the one-second pace between bytes.
            if socket.isClosedByPeer(within: 1.0) || !socket.send([byte]) {
                let elapsed = ContinuousClock.now - started
                return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            }
        }
        return socket.isClosedByPeer(within: 1.0) ? Double((ContinuousClock.now - started).components.seconds) : nil
    }

    /// Meanwhile, another client's requests: the slowest answer in milliseconds.
    static func othersAnswered(port: Int, requests: Int) async throws -> Double {
        var slowest = 0.0
        for _ in 0..<requests {
            let started = ContinuousClock.now
            let (response, _) = try await onOwnThread { try rawExchange(port: port, MiniServerAbuseTests.wellFormed(port: port)) }
            #expect(response?.status == 200)
            let elapsed = ContinuousClock.now - started
            slowest = max(slowest, Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
            try await Task.sleep(for: .milliseconds(300))
        }
        return slowest
    }

    @Test("a client that sends the request line one byte per second is disconnected, and others are served meanwhile", .timeLimit(.scaledMinutes(1)))
    func slowRequestLine() async throws {
        try await withLiveServer(limits: Self.shortLimits) { live async throws in
            let port = live.port
            async let closedAfter = onOwnThread {
                try Self.dribble(port: port, prefix: "", drip: "GET /menu?limit=1&x=aaaaaaaaaaaaaaaaaaaa HTTP/1.1\r\n", maximumBytes: 9)
            }
            let slowest = try await Self.othersAnswered(port: port, requests: 6)
            let seconds = try await closedAfter
            #expect(seconds != nil, "still connected after 9 bytes over 9 s with a 2 s timeout")
            if let seconds { #expect(seconds >= 1.5 && seconds <= 5.5, "closed after \(seconds) s") }
            #expect(slowest < 2000, "another client waited \(slowest) ms")
            #expect(try await onOwnThread { try MiniServerAbuseTests.stillServes(port) })
        }
    }

    @Test("a client that opens a connection and sends nothing is disconnected after the timeout", .timeLimit(.scaledMinutes(1)))
    func silentClient() async throws {
        try await withLiveServer(limits: Self.shortLimits) { live async throws in
            let port = live.port
            let closed = try await onOwnThread { () -> Bool in
                let socket = try RawSocket.connect(port: port)
                defer { socket.close() }
                return socket.isClosedByPeer(within: 5)
            }
            #expect(closed)
        }
    }

    @Test("a client that sends its body one byte per second is disconnected, and others are served meanwhile", .timeLimit(.scaledMinutes(1)))
    func slowBody() async throws {
        try await withLiveServer(limits: Self.shortLimits) { live async throws in
            let port = live.port
            async let closedAfter = onOwnThread {
                try Self.dribble(port: port, prefix: "POST /echo HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n",
                                 drip: String(repeating: "z", count: 100), maximumBytes: 8)
            }
            let slowest = try await Self.othersAnswered(port: port, requests: 6)
            let seconds = try await closedAfter
            #expect(slowest < 2000, "another client waited \(slowest) ms")
            #expect(seconds != nil, "still connected after 8 body bytes over 8 s with a 2 s request timeout")
            if let seconds { #expect(seconds >= 1.5 && seconds <= 5.5, "closed after \(seconds) s") }
        }
    }

    @Test("the request deadline is per connection: other clients' requests do not reset a slow client's clock", .timeLimit(.scaledMinutes(1)))
    func deadlinePerConnection() async throws {
        try await withLiveServer(limits: Self.shortLimits) { live async throws in
            let port = live.port
            let dripStarted = ContinuousClock.now
            async let closedAfter = onOwnThread {
                try Self.dribble(port: port, prefix: "POST /echo HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n",
                                 drip: String(repeating: "z", count: 100), maximumBytes: 8)
            }
            // Busy neighbours: three clients, each sending a complete request about every 100 ms
            // while the slow client drips. Three, so that one round trip stalled by the machine's
            // load leaves no long quiet spell at the server.
            let until = ContinuousClock.now + .seconds(9)
            let answers = try await withThrowingTaskGroup(of: [(ContinuousClock.Instant, Bool)].self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        var sent: [(ContinuousClock.Instant, Bool)] = []
                        while ContinuousClock.now < until {
                            let at = ContinuousClock.now
                            let (response, _) = try await onOwnThread { try rawExchange(port: port, MiniServerAbuseTests.wellFormed(port: port)) }
                            sent.append((at, response?.status == 200))
                            try await Task.sleep(for: .milliseconds(100))
                        }
                        return sent
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let seconds = try await closedAfter
            #expect(answers.allSatisfy { $0.1 }, "\(answers.filter { !$0.1 }.count) of \(answers.count) neighbour requests not answered 200")
            #expect(seconds != nil, "the slow client was still connected after 8 body bytes over 8 s with a 2 s request timeout")
            // What makes the test able to fail: a server with one shared clock is reset by every
            // neighbour request, so it never closes the slow client only if those requests came
            // closer than 2 s (the request timeout) apart for as long as the slow client was
            // connected. That is asserted here, instead of a count of requests in 9 s, which a
            // loaded machine cannot promise.
            let closedAt = dripStarted + .seconds(seconds ?? 9)
            let arrivals = [dripStarted] + answers.map(\.0).filter { $0 < closedAt }.sorted() + [closedAt]
            let widestGap = zip(arrivals, arrivals.dropFirst()).map { $1 - $0 }.max() ?? .seconds(9)
            #expect(widestGap < .seconds(2), "the neighbours' requests were \(widestGap) apart at the widest while the slow client was connected, too sparse to reset a 2 s clock")
        }
    }

    @Test("a connection kept alive after an answer is closed when idle")
    func keepAliveIdle() async throws {
        try await withLiveServer(limits: Self.shortLimits) { live async throws in
            let port = live.port
            let (status, closed) = try await onOwnThread { () -> (Int?, Bool) in
                let socket = try RawSocket.connect(port: port)
                defer { socket.close() }
                socket.send(MiniServerAbuseTests.wellFormed(port: port))
                let status = RawResponse(socket.readResponse(seconds: 5).bytes)?.status
                return (status, socket.isClosedByPeer(within: 5))
            }
            #expect(status == 200)
            #expect(closed)
        }
    }
}
