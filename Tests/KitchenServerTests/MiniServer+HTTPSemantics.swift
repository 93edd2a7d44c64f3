import Foundation
import KitchenSQL
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import KitchenServer

/// Issue 15's item 10, HTTP semantics, tried the way it was found: a raw socket or a real client
/// against a live server on loopback (the other items are in MiniServer+Hardening.swift).
@Suite("MiniServer: HTTP semantics (HEAD, ETags, status rules, methods, Expect, HTTP/1.0)")
struct MiniServerHTTPSemanticsTests {
    @Test("HEAD sends the Content-Length GET would send, and no body")
    func headContentLength() async throws {
        try await withLiveServer { live async throws in
            let get = try await live.raw("GET /menu HTTP/1.1\r\nHost: 127.0.0.1:\(live.port)\r\nConnection: close\r\n\r\n")
            let port = live.port
            let (bytes, _) = try await onOwnThread {
                let socket = try RawSocket.connect(port: port)
                defer { socket.close() }
                socket.send("HEAD /menu HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n")
                var all: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 65536)
                while socket.waitReadable(seconds: 5 * TestTimeScale.factor) {
                    let count = buffer.withUnsafeMutableBytes { recv(socket.descriptor, $0.baseAddress, $0.count, 0) }
                    if count <= 0 { break }
                    all += buffer[0..<count]
                }
                return (all, 0)
            }
            let head = String(decoding: bytes, as: UTF8.self)
            #expect(head.contains("content-length: \(get.body.count)\r\n") || head.contains("Content-Length: \(get.body.count)\r\n"), "\(head)")
            #expect(head.hasSuffix("\r\n\r\n"), "no body after the head: \(head.debugDescription)")
        }
    }

    @Test("If-None-Match compares weakly: W/\"tag\" gets 304")
    func weakETag() async throws {
        try await withLiveServer { live async throws in
            let tag = try #require(try await live.send("GET", "/menu/1").header("ETag"))
            #expect(try await live.send("GET", "/menu/1", headers: [("If-None-Match", "W/" + tag)]).status == 304)
            #expect(try await live.send("GET", "/menu/1", headers: [("If-None-Match", #"W/"other", "# + tag)]).status == 304)
            #expect(try await live.send("GET", "/menu/1", headers: [("If-None-Match", #"W/"other""#)]).status == 200)
        }
    }

    @Test("/status/205 has no body, /status/405 has Allow, a 401 has WWW-Authenticate")
    func statusRules() async throws {
        try await withLiveServer { live async throws in
            let reset = try await live.raw("GET /status/205 HTTP/1.1\r\nHost: 127.0.0.1:\(live.port)\r\nConnection: close\r\n\r\n")
            #expect(reset.status == 205)
            #expect(reset.body.isEmpty)
            let notAllowed = try await live.send("GET", "/status/405")
            #expect(notAllowed.header("Allow")?.contains("GET") == true)
            let unauthorized = try await live.send("GET", "/status/401")
            #expect(unauthorized.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        }
    }

    @Test("an unknown method gets 501, a known one the path does not answer 405 with Allow; OPTIONS * gets 204 with Allow")
    func methods() async throws {
        try await withLiveServer { live async throws in
            // Methods NIO's parser knows (WebDAV's, PURGE) but HTTP does not define, and tokens the
            // parser does not know at all (BREW; methods are case-sensitive, so `get` too), which
            // UnknownMethodCheck answers before the parser sees them.
            for method in ["PROPFIND", "PURGE", "BREW", "get", "M-SEARCH"] {
                let response = try await live.raw("\(method) /menu HTTP/1.1\r\nHost: 127.0.0.1:\(live.port)\r\n\r\n")
                let text = String(decoding: response.body, as: UTF8.self)
                #expect(response.status == 501, "\(method): \(response.status) \(text)")
                #expect(text.contains("does not implement the method \(method)"), "\(method): \(text)")
                #expect(response.headers.contains { $0.0.lowercased() == "date" }, "\(method): \(response.headers)")
            }
            // A malformed request line is still the client's error, not an unknown method.
            for garbage in ["GET /menu HTTP/9", "hello there", "BREW /menu", "BREW  /menu HTTP/1.1", "BREW /menu HTTP/2.0", "BR{W /menu HTTP/1.1"] {
                let garbled = try await live.raw("\(garbage)\r\nHost: 127.0.0.1:\(live.port)\r\n\r\n")
                #expect(garbled.status == 400 || garbled.status == 505, "\(garbage): \(garbled.status)")
            }
            // A method HTTP defines but the path does not answer: 405 with Allow.
            let notAllowed = try await live.raw("PUT /menu HTTP/1.1\r\nHost: 127.0.0.1:\(live.port)\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            #expect(notAllowed.status == 405)
            #expect(notAllowed.headers.contains { $0.0.lowercased() == "allow" && $0.1.contains("GET") }, "\(notAllowed.headers)")
            let star = try await live.raw("OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1:\(live.port)\r\nConnection: close\r\n\r\n")
            #expect(star.status == 204)
            #expect(star.headers.contains { $0.0.lowercased() == "allow" && $0.1.contains("GET") })
        }
    }

    @Test("501 for an unknown method closes the connection; it is found on a kept-alive connection and in a line split over several writes")
    func unknownMethodOnTheWire() async throws {
        try await withLiveServer { live async throws in
            let port = live.port
            let host = "Host: 127.0.0.1:\(port)\r\n"
            let (first, second, closed) = try await onOwnThread { () -> (RawResponse?, RawResponse?, Bool) in
                let socket = try RawSocket.connect(port: port)
                defer { socket.close() }
                socket.send("GET /menu/1 HTTP/1.1\r\n\(host)\r\n")
                let first = RawResponse(socket.readResponse(seconds: 5 * TestTimeScale.factor).bytes)
                // The next request on the same connection, its method split over three writes.
                socket.send("BR")
                usleep(50_000)
                socket.send("EW /pot HT")
                usleep(50_000)
                socket.send("TP/1.1\r\n\(host)\r\n")
                let second = RawResponse(socket.readResponse(seconds: 5 * TestTimeScale.factor).bytes)
                return (first, second, socket.isClosedByPeer(within: 5 * TestTimeScale.factor))
            }
            #expect(first?.status == 200)
            #expect(second?.status == 501, "\(String(describing: second?.status))")
            #expect(second?.headers.contains { $0.0.lowercased() == "connection" && $0.1 == "close" } == true)
            #expect(closed, "the server closes the connection after a 501")

            // A known method split the same way is served as usual.
            let split = try await onOwnThread { () -> RawResponse? in
                let socket = try RawSocket.connect(port: port)
                defer { socket.close() }
                socket.send("GE")
                usleep(50_000)
                socket.send("T /menu/1 HTTP/1.1\r\n\(host)Connection: close\r\n\r\n")
                return RawResponse(socket.readResponse(seconds: 5 * TestTimeScale.factor).bytes)
            }
            #expect(split?.status == 200)

            // A body that happens to read like a request line is a body, not a request.
            let echoed = try await live.send("POST", "/echo", headers: [("Content-Type", "text/plain")], body: Array("BREW /pot HTTP/1.1\r\n".utf8))
            #expect(echoed.status == 200, "\(echoed.text)")
        }
    }

    @Test("an unknown method pipelined behind other requests gets its 501 after their responses, in order; garbage there gets 400")
    func unknownMethodPipelined() async throws {
        try await withLiveServer { live async throws in
            let port = live.port
            let host = "Host: 127.0.0.1:\(port)\r\n"
            // In the same write as a request before it (fast, then slow: the 501 waits for the delay).
            for first in ["GET /menu/1 HTTP/1.1\r\n\(host)\r\n", "GET /delay/200 HTTP/1.1\r\n\(host)\r\n",
                          "POST /echo HTTP/1.1\r\n\(host)Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"] {
                let (responses, end) = try await onOwnThread { try exchangeAll(port: port, first + "BREW /pot HTTP/1.1\r\n\(host)\r\n", count: 2) }
                #expect(responses.map(\.status) == [200, 501], "\(first): \(responses.map(\.status))")
                #expect(responses.last?.headers.contains { $0.0.lowercased() == "connection" && $0.1 == "close" } == true)
                let refusal = String(decoding: responses.last?.body ?? [], as: UTF8.self)
                #expect(refusal.contains("BREW"), "\(refusal)")
                #expect(end == .closed)
            }
            // Its line cut over two writes, the first of which ends the request before it.
            let split = try await onOwnThread { () -> [Int] in
                let socket = try RawSocket.connect(port: port)
                defer { socket.close() }
                socket.send("GET /menu/1 HTTP/1.1\r\n\(host)\r\nBR")
                usleep(100_000)
                socket.send("EW /pot HTTP/1.1\r\n\(host)\r\n")
                var statuses: [Int] = []
                var bytes: [UInt8] = []
                while statuses.count < 2, socket.waitReadable(seconds: 5 * TestTimeScale.factor) {
                    var chunk = [UInt8](repeating: 0, count: 65536)
                    let count = chunk.withUnsafeMutableBytes { recv(socket.descriptor, $0.baseAddress, $0.count, 0) }
                    if count <= 0 { break }
                    bytes += chunk[0..<count]
                    statuses = String(decoding: bytes, as: UTF8.self).components(separatedBy: "HTTP/1.1 ").dropFirst().compactMap { Int($0.prefix(3)) }
                }
                return statuses
            }
            #expect(split == [200, 501])
            // Garbage in the same place is still a bad request.
            let (garbage, _) = try await onOwnThread { try exchangeAll(port: port, "GET /menu/1 HTTP/1.1\r\n\(host)\r\nBR{W /pot HTTP/1.1\r\n\r\n", count: 2) }
            #expect(garbage.map(\.status) == [200, 400])
            // The log has the requests that were served.
            #expect(live.log.entries().contains { $0.path == "/delay/200" })
        }
    }

    @Test("UnknownMethodCheck judges request lines by shape", arguments: [
        ("BREW /pot HTTP/1.1\r\n", UnknownMethodCheck.Verdict.unknownMethod("BREW")),
        ("BREW /pot HTTP/1.0\n", .unknownMethod("BREW")),
        ("BREW /pot HTTP/1.1", .needMore),
        ("BRE", .needMore),
        ("GET /menu HTTP/1.1\r\n", .pass),
        ("GE", .needMore),
        ("DELETE ", .pass),
        ("BREW /pot HTTP/2.0\r\n", .pass),
        ("BREW /p\u{01}t HTTP/1.1\r\n", .pass),
        ("\r\nBREW /pot HTTP/1.1\r\n", .pass),
        (" BREW /pot HTTP/1.1\r\n", .pass),
        ("BREW /pot HTTP/1.1\rX", .pass),
        ("{\"a\": 1}", .pass),
    ])
    func verdicts(line: String, verdict: UnknownMethodCheck.Verdict) {
        #expect(UnknownMethodCheck.verdict(Array(line.utf8)) == verdict, "\(line.debugDescription)")
    }

    @Test("Expect: 100-continue gets 100 at once, or 413 at once when the announced body is over the limit", .timeLimit(.scaledMinutes(1)))
    func expectContinue() async throws {
        try await withLiveServer { live async throws in
            let port = live.port
            let (first, later) = try await onOwnThread { () -> (String, String) in
                let socket = try RawSocket.connect(port: port)
                defer { socket.close() }
                socket.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
                var buffer = [UInt8](repeating: 0, count: 4096)
                // "At once" is causal: the body is not sent until something comes back, so a server
                // that does not answer 100 by itself sends nothing at all. The wait only has to
                // outlast a loaded machine, not measure speed.
                guard socket.waitReadable(seconds: 10 * TestTimeScale.factor) else { return ("", "") }
                let count = buffer.withUnsafeMutableBytes { recv(socket.descriptor, $0.baseAddress, $0.count, 0) }
                let first = String(decoding: buffer[0..<max(0, count)], as: UTF8.self)
                socket.send("hello")
                return (first, String(decoding: socket.readResponse(seconds: 5 * TestTimeScale.factor).bytes, as: UTF8.self))
            }
            #expect(first.hasPrefix("HTTP/1.1 100 Continue\r\n"), "before any body byte was sent: \(first.debugDescription)")
            #expect(later.contains("200 OK") && later.contains("hello"), "\(later)")

            // No body byte is ever sent, so a 413 at all means the server refused on the announced
            // length alone; a server waiting for the body would end with its request timeout (408).
            let refused = try await live.raw("POST /echo HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: text/plain\r\nContent-Length: 5000000\r\nExpect: 100-continue\r\n\r\n")
            #expect(refused.status == 413)
            #expect(String(decoding: refused.body, as: UTF8.self).contains("1024 KB"))
        }
    }

    @Test("an HTTP/1.0 request without keep-alive has its connection closed after the response")
    func http10Closes() async throws {
        try await withLiveServer { live async throws in
            let port = live.port
            let (status, closed) = try await onOwnThread { () -> (Int?, Bool) in
                let socket = try RawSocket.connect(port: port)
                defer { socket.close() }
                socket.send("GET /menu/1 HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\n\r\n")
                let status = RawResponse(socket.readResponse(seconds: 5 * TestTimeScale.factor).bytes)?.status
                return (status, socket.isClosedByPeer(within: 2 * TestTimeScale.factor))
            }
            #expect(status == 200)
            #expect(closed, "the connection stayed open")
        }
    }

    @Test("parser-level errors carry Date; a header block over the limit is 431")
    func parserErrors() async throws {
        try await withLiveServer { live async throws in
            let garbage = try await live.raw("GET /menu HTTP/1.1\r\nHost: 127.0.0.1:\(live.port)\r\nBad Header\r\n\r\n")
            #expect(garbage.status == 400)
            #expect(garbage.headers.contains { $0.0.lowercased() == "date" && $0.1.hasSuffix("GMT") }, "\(garbage.headers)")
            let big = try await live.raw("GET /menu HTTP/1.1\r\nHost: 127.0.0.1:\(live.port)\r\nX-Big: " + String(repeating: "a", count: 20_000) + "\r\n\r\n")
            #expect(big.status == 431)
            let normal = try await live.send("GET", "/menu/1")
            #expect(normal.header("Date")?.hasSuffix("GMT") == true)
        }
    }
}
