import Foundation
@testable import KitchenServer
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on a raw socket that records the exact bytes of every request it
/// receives and answers each with a canned response (chosen by method and target), closing the
/// connection after it. Tests of `.http` files assert what crossed the socket, not what Kitchen
/// believes it sent.
final class RecordingServer: @unchecked Sendable {
    struct Canned: Sendable {
        var status: Int
        var reason: String
        var headers: [(String, String)]
        var body: String

        static func json(_ body: String, status: Int = 200, reason: String = "OK", headers: [(String, String)] = []) -> Canned {
            Canned(status: status, reason: reason, headers: [("Content-Type", "application/json")] + headers, body: body)
        }
    }

    let port: Int
    private let listener: Int32
    private let requests = Mutex<[[UInt8]]>([])
    private let answer: @Sendable (_ method: String, _ target: String) -> Canned
    private var thread: Thread?

    init(answer: @escaping @Sendable (_ method: String, _ target: String) -> Canned = RecordingServer.standardAnswer) throws {
        self.answer = answer
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            close(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        listener = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [unowned self] in self.acceptLoop() }
        self.thread = thread
        thread.start()
    }

    /// Everything received so far, one entry per request.
    var recorded: [[UInt8]] { requests.withLock { $0 } }

    /// The requests as text with every CR and LF made visible (`\r\n` then a line break) and the
    /// port replaced by PORT, so a transcript can be compared with an expected file.
    var transcript: String {
        recorded.enumerated().map { index, bytes in
            "=== request \(index + 1)\n" + Self.visible(bytes).replacingOccurrences(of: "127.0.0.1:\(port)", with: "127.0.0.1:PORT")
        }.joined(separator: "\n")
    }

    static func visible(_ bytes: [UInt8]) -> String {
        var text = ""
        for byte in bytes {
            switch byte {
            case 0x0D: text += "\\r"
            case 0x0A: text += "\\n\n"
            case 0x5C: text += "\\\\"
            case 0x20...0x7E: text.unicodeScalars.append(Unicode.Scalar(byte))
            default: text += String(format: "\\x%02X", byte)
            }
        }
        return text.hasSuffix("\n") ? text : text + "\n"
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 { return }
            serve(connection)
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int?
        var wanted = Int.max
        while received.count < wanted {
            let count = read(connection, &chunk, chunk.count)
            if count <= 0 { break }
            received += chunk[0..<count]
            if headerEnd == nil, let end = received.firstRange(of: [13, 10, 13, 10]) {
                headerEnd = end.upperBound
                let head = String(decoding: received[..<end.lowerBound], as: UTF8.self).lowercased()
                let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                wanted = end.upperBound + length
            }
        }
        guard headerEnd != nil else { return }
        requests.withLock { $0.append(received) }
        let requestLine = String(decoding: received.prefix { $0 != 13 }, as: UTF8.self).split(separator: " ")
        let canned = answer(requestLine.count > 1 ? String(requestLine[0]) : "", requestLine.count > 1 ? String(requestLine[1]) : "")
        var response = "HTTP/1.1 \(canned.status) \(canned.reason)\r\n"
        for (name, value) in canned.headers { response += "\(name): \(value)\r\n" }
        response += "Content-Length: \(canned.body.utf8.count)\r\nConnection: close\r\n\r\n\(canned.body)"
        let bytes = Array(response.utf8)
        _ = bytes.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
    }

    /// The answers the corpus files are written against.
    @Sendable static func standardAnswer(method: String, target: String) -> Canned {
        let path = String(target.prefix { $0 != "?" })
        switch path {
        case "/login":
            return .json(#"{"token":"tok-123","user":{"id":7,"name":"Ana"},"roles":["cook","waiter"]}"#,
                         headers: [("X-Request-Id", "req-9"), ("Set-Cookie", "session=s3cr3t; HttpOnly; Path=/")])
        case "/logout":
            return .json("{}", headers: [("Set-Cookie", "session=; Path=/; Max-Age=0")])
        case "/old":
            return Canned(status: 302, reason: "Found", headers: [("Location", "/menu/4")], body: "")
        case "/see-other":
            return Canned(status: 303, reason: "See Other", headers: [("Location", "http://localhost:9999/orders/12")], body: "")
        case "/elsewhere":
            return Canned(status: 301, reason: "Moved Permanently", headers: [("Location", "https://example.com/")], body: "")
        case "/text":
            return Canned(status: 200, reason: "OK", headers: [("Content-Type", "text/plain")], body: "plain words")
        default:
            return .json(#"{"id":42,"name":"Margherita","price":9.5,"tags":[]}"#)
        }
    }
}

extension HTTPFileRunner {
    /// Runs the file on a thread of its own: `run` blocks its caller while the client works on
    /// Swift's cooperative pool, so parallel tests must not block that pool's few threads.
    func runOffPool(port: Int) async -> HTTPFileReport {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.run(port: port)) }.start()
        }
    }
}
