import Foundation
import Testing
@testable import KitchenServer
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Raw POSIX sockets, for the requests no polite client would send

/// Runs blocking work on its own thread, so raw socket calls never tie up the cooperative pool
/// the in-process server also runs on.
func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try work() })
        }
        thread.start()
    }
}

struct SocketFailure: Error, CustomStringConvertible {
    var description: String
}

/// How a read ended.
enum ReadEnd: Equatable, Sendable {
    /// The peer closed the connection cleanly (FIN).
    case closed
    /// The connection was reset (RST).
    case reset
    /// Nothing more arrived before the deadline; the connection is still open.
    case timedOut
    /// A complete HTTP response arrived (by Content-Length); the connection may still be open.
    case complete
}

/// A blocking TCP client socket.
final class RawSocket: @unchecked Sendable {
    let descriptor: Int32

    init(descriptor: Int32) { self.descriptor = descriptor }

    /// Connects to `host:port` (IPv4). Throws with errno's text when refused.
    static func connect(host: String = "127.0.0.1", port: Int) throws -> RawSocket {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw SocketFailure(description: "socket(): \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw ConnectFailure(code: code)
        }
        return RawSocket(descriptor: descriptor)
    }

    struct ConnectFailure: Error, CustomStringConvertible {
        var code: Int32
        var description: String { "connect(): \(String(cString: strerror(code)))" }
    }

    /// Sends all of `bytes`; false when the peer is gone (EPIPE, ECONNRESET) or the send timed out.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += sent
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Gives up a blocking send after `seconds`.
    func setSendTimeout(seconds: Int) {
        var value = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Waits up to `seconds` for the socket to become readable (data, FIN or RST).
    func waitReadable(seconds: Double) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, Int32(seconds * 1000)) > 0
    }

    /// Reads until the response is complete, the peer closes, or `seconds` pass.
    func readResponse(seconds: Double) -> (bytes: [UInt8], end: ReadEnd) {
        var bytes: [UInt8] = []
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            if RawResponse(bytes)?.isComplete == true { return (bytes, .complete) }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return (bytes, .timedOut) }
            let milliseconds = Double(left.components.seconds) * 1000 + Double(left.components.attoseconds) / 1e15
            guard waitReadable(seconds: milliseconds / 1000) else { return (bytes, .timedOut) }
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { return (bytes, .closed) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return (bytes, .reset)
            }
            bytes += buffer[0..<count]
        }
    }

    /// True when the peer has closed the connection (a read returns EOF or an error) within `seconds`.
    func isClosedByPeer(within seconds: Double) -> Bool {
        guard waitReadable(seconds: seconds) else { return false }
        var byte: UInt8 = 0
        let count = recv(descriptor, &byte, 1, Int32(MSG_PEEK))
        return count <= 0
    }

    func close() { Glibc.close(descriptor) }
}

/// An HTTP/1.1 response as bytes off the wire.
struct RawResponse {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]
    var isComplete: Bool

    init?(_ bytes: [UInt8]) {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 12, let end = bytes.indices.dropLast(3).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else { return nil }
        let head = String(decoding: bytes[0..<end], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let words = lines[0].split(separator: " ")
        guard words.count >= 2, words[0].hasPrefix("HTTP/1."), let code = Int(words[1]) else { return nil }
        status = code
        headers = lines.dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        body = Array(bytes[(end + 4)...])
        let length = headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) }
        if let length {
            isComplete = body.count >= length
        } else if headers.contains(where: { $0.0.lowercased() == "transfer-encoding" }) {
            isComplete = body.suffix(5) == [48, 13, 10, 13, 10]
        } else {
            isComplete = code == 204 || code == 304 || (100..<200).contains(code)
        }
    }
}

/// Sends one request over a new raw connection and reads the answer (waiting up to `seconds`
/// times the run's time scale: the answer is awaited, not timed).
func rawExchange(port: Int, _ request: String, seconds: Double = 5) throws -> (response: RawResponse?, end: ReadEnd) {
    let socket = try RawSocket.connect(port: port)
    defer { socket.close() }
    socket.send(request)
    let (bytes, end) = socket.readResponse(seconds: seconds * TestTimeScale.factor)
    return (RawResponse(bytes), end)
}

extension LiveServer {
    /// One request over a raw socket, exactly as written.
    func raw(_ request: String, seconds: Double = 5) async throws -> RawResponse {
        let port = port
        let (response, end) = try await onOwnThread { try rawExchange(port: port, request, seconds: seconds) }
        return try #require(response, "no response (\(end)) to \(request.debugDescription)")
    }
}

/// Raises this process's open-file limit to at least `wanted` when the hard limit allows.
func raiseOpenFileLimit(to wanted: UInt) -> UInt {
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    if limit.rlim_cur < wanted {
        limit.rlim_cur = min(wanted, limit.rlim_max)
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
    return UInt(limit.rlim_cur)
}

/// A listening socket on 127.0.0.1 that this test holds, on a port the kernel picks.
final class HeldPort: @unchecked Sendable {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && listen(descriptor, 8) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw SocketFailure(description: "cannot hold a port: \(String(cString: strerror(errno)))") }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { Glibc.close(descriptor) }
}

/// True when this process can bind 127.0.0.1:`port` (nobody listens on it).
func portIsFree(_ port: Int) -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { Glibc.close(descriptor) }
    var reuse: Int32 = 1
    setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}

/// Sends a request with a `size`-byte body over a raw socket while reading the answer on another
/// thread, so a server that answers early and stops reading cannot deadlock the test.
func streamBody(port: Int, method: String, target: String, size: Int, contentType: String = "application/json",
                seconds: Double = 20) async throws -> (response: RawResponse?, end: ReadEnd) {
    let socket = try RawSocket.connect(port: port)
    defer { socket.close() }
    socket.setSendTimeout(seconds: 10)
    async let sent: Int = onOwnThread {
        guard socket.send("\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: \(contentType)\r\nContent-Length: \(size)\r\n\r\n") else { return 0 }
        var total = 0
        while total < size {
            let chunk = [UInt8](repeating: UInt8(ascii: " "), count: min(64 * 1024, size - total))
            guard socket.send(chunk) else { break }
            total += chunk.count
        }
        return total
    }
    let (bytes, end) = try await onOwnThread { socket.readResponse(seconds: seconds) }
    _ = try await sent
    return (RawResponse(bytes), end)
}
