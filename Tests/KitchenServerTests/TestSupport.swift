import AsyncHTTPClient
import Foundation
import KitchenLessons
import KitchenServerChecks
import KitchenSQL
import NIOCore
import NIOHTTP1
import Testing
@testable import KitchenServer
#if canImport(Glibc)
import Glibc
#endif

// MARK: - A small practice database

/// A fresh folder for one test, removed by `remove()`.
struct TemporaryFolder: Sendable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.path + "/kitchen-server-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A tiny restaurant: three categories, six dishes. Enough for every status code a resource gives.
enum PracticeDatabase {
    static let schema = """
        CREATE TABLE categories (
          id   INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE
        );
        CREATE TABLE menu_items (
          id          INTEGER PRIMARY KEY,
          name        TEXT    NOT NULL,
          category_id INTEGER NOT NULL REFERENCES categories(id),
          price       REAL    NOT NULL CHECK (price > 0),
          vegetarian  INTEGER NOT NULL DEFAULT 0,
          description TEXT
        );
        INSERT INTO categories (id, name) VALUES (1, 'Starters'), (2, 'Pizza'), (3, 'Desserts');
        INSERT INTO menu_items (id, name, category_id, price, vegetarian, description) VALUES
          (1, 'Tomato Soup', 1, 6.5, 1, 'With basil'),
          (2, 'Garlic Bread', 1, 4.0, 1, NULL),
          (3, 'Margherita', 2, 9.5, 1, 'Tomato and mozzarella'),
          (4, 'Diavola', 2, 11.0, 0, 'Spicy salami'),
          (5, 'Tiramisu', 3, 7.0, 1, NULL),
          (6, 'Calzone', 2, 12.5, 0, 'Folded');
        """

    /// The API the practice server serves over it.
    static let spec = ServerSpec(resources: [
        .init(path: "/menu", table: "menu_items"),
        .init(path: "/categories", table: "categories"),
    ], inspection: true)

    /// Creates the database in `folder` and returns its path.
    static func create(in folder: TemporaryFolder, name: String = "practice.db") throws -> String {
        let path = folder.file(name)
        let connection = try Connection(path: path)
        try connection.trusted { try connection.execute(schema) }
        return path
    }
}

/// The values of one column, read straight from the database file (not through the server).
func databaseColumn(_ sql: String, path: String) throws -> [DatabaseValue] {
    let connection = try Connection(path: path)
    return try connection.fetchAll(sql).map { $0[0] }
}

// MARK: - In-process requests (no socket)

/// The practice routes over a fresh database, answered by the real responder without a socket.
struct ResponderHarness {
    let folder: TemporaryFolder
    let databasePath: String
    let responder: KitchenResponder

    init() throws {
        folder = try TemporaryFolder()
        databasePath = try PracticeDatabase.create(in: folder)
        let routes = RouteTable(PracticeRoutes.routes(for: PracticeDatabase.spec))
        responder = KitchenResponder(routes: routes, database: DatabaseAccess(path: databasePath), log: RequestLog(), limits: ServerLimits())
    }

    func send(_ method: String, _ target: String, headers: [(name: String, value: String)] = [], body: String? = nil) async -> ServerResponse {
        let parts = target.split(separator: "?", maxSplits: 1).map(String.init)
        // A JSON body says so, as every client must (the server answers 415 otherwise).
        var headers = headers
        if body != nil, !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            headers.append((name: "Content-Type", value: "application/json"))
        }
        var request = ServerRequest(method: method, path: parts[0], rawQuery: parts.count > 1 ? parts[1] : "", headers: headers,
                                    body: body.map { Array($0.utf8) } ?? [])
        return await responder.answer(&request)
    }

    func remove() { folder.remove() }
}

extension ServerResponse {
    var json: JSONValue? { try? JSONValue.parse(body) }
}

// MARK: - A live server on a real socket

/// A MiniServer on 127.0.0.1, port 0, over a fresh practice database.
final class LiveServer: Sendable {
    let server: MiniServer
    let port: Int
    let folder: TemporaryFolder
    let databasePath: String

    private init(server: MiniServer, port: Int, folder: TemporaryFolder, databasePath: String) {
        self.server = server
        self.port = port
        self.folder = folder
        self.databasePath = databasePath
    }

    static func start(limits: ServerLimits = ServerLimits(), policy: SandboxPolicy = .standard) async throws -> LiveServer {
        let folder = try TemporaryFolder()
        let path = try PracticeDatabase.create(in: folder)
        let server = MiniServer(database: DatabaseAccess(path: path, policy: policy), limits: limits)
        server.routes.replaceAll(PracticeRoutes.routes(for: PracticeDatabase.spec))
        let started = try await server.start(port: 0)
        return LiveServer(server: server, port: started.port, folder: folder, databasePath: path)
    }

    var url: String { "http://127.0.0.1:\(port)" }
    var log: RequestLog { server.log }

    func stop() async {
        await server.stop()
        folder.remove()
    }

    /// A request through AsyncHTTPClient, the way any HTTP client would send it.
    func send(_ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8]? = nil) async throws -> HTTPReply {
        var request = HTTPClientRequest(url: url + target)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let started = ContinuousClock.now
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(15))
        var collected = try await response.body.collect(upTo: 16 << 20)
        return HTTPReply(status: Int(response.status.code),
                         headers: response.headers.map { ($0.name, $0.value) },
                         body: collected.readBytes(length: collected.readableBytes) ?? [],
                         elapsed: ContinuousClock.now - started)
    }

    func send(_ method: String, _ target: String, headers: [(String, String)] = [], json: String) async throws -> HTTPReply {
        try await send(method, target, headers: [("Content-Type", "application/json")] + headers, body: Array(json.utf8))
    }
}

/// Starts a live server, runs `body`, and stops the server even when `body` throws.
func withLiveServer(limits: ServerLimits = ServerLimits(), policy: SandboxPolicy = .standard, _ body: (LiveServer) async throws -> Void) async throws {
    let live = try await LiveServer.start(limits: limits, policy: policy)
    do {
        try await body(live)
        await live.stop()
    } catch {
        await live.stop()
        throw error
    }
}

struct HTTPReply: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]
    var elapsed: Duration

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue? { try? JSONValue.parse(body) }
    var milliseconds: Double { Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15 }
}

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

/// Sends one request over a new raw connection and reads the answer.
func rawExchange(port: Int, _ request: String, seconds: Double = 5) throws -> (response: RawResponse?, end: ReadEnd) {
    let socket = try RawSocket.connect(port: port)
    defer { socket.close() }
    socket.send(request)
    let (bytes, end) = socket.readResponse(seconds: seconds)
    return (RawResponse(bytes), end)
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

// MARK: - Child processes (curl, the kitchen binary)

enum Tools {
    static func find(_ name: String) -> String? {
        for folder in ["/usr/bin", "/usr/local/bin", "/bin", "/usr/sbin"] where FileManager.default.isExecutableFile(atPath: folder + "/" + name) {
            return folder + "/" + name
        }
        return nil
    }

    static let curl = find("curl")

    /// The `kitchen` binary built beside this test bundle (`KITCHEN_BINARY` overrides).
    static let kitchen: String? = {
        if let override = ProcessInfo.processInfo.environment["KITCHEN_BINARY"], FileManager.default.isExecutableFile(atPath: override) {
            return override
        }
        var folder = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        for _ in 0..<5 {
            folder.deleteLastPathComponent()
            let candidate = folder.appendingPathComponent("kitchen").path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }()

    /// The repository's lessons folder (for the default dataset).
    static let lessons: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("lessons").path
}

struct ProcessOutput {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program to completion, output through files so it cannot block on a full pipe.
func runProgram(_ path: String, _ arguments: [String], timeout: Double = 20) throws -> ProcessOutput {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    _ = FileManager.default.createFile(atPath: folder.file("out"), contents: nil)
    _ = FileManager.default.createFile(atPath: folder.file("err"), contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.file("out")))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.file("err")))
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }
    try process.run()
    if finished.wait(timeout: .now() + timeout) == .timedOut {
        process.terminate()
        finished.wait()
        throw SocketFailure(description: "\(path) \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
    }
    return ProcessOutput(status: process.terminationStatus,
                         stdout: (try? String(contentsOfFile: folder.file("out"), encoding: .utf8)) ?? "",
                         stderr: (try? String(contentsOfFile: folder.file("err"), encoding: .utf8)) ?? "")
}

/// Reads lines from a pipe as they arrive, waiting with poll() (never sleeping) up to a deadline:
/// Kitchen's own reader of a child's output (ChildProcess.readLine), with the bytes after the last
/// line kept between calls.
final class LineReader: @unchecked Sendable {
    let descriptor: Int32
    private var pending: [UInt8] = []

    init(descriptor: Int32) { self.descriptor = descriptor }

    func nextLine(seconds: Double) -> String? {
        ChildProcess.readLine(descriptor, seconds: seconds, pending: &pending)
    }
}

/// `kitchen serve …` running in the background, its stdout read line by line.
///
/// Spawned as Kitchen spawns its children (ChildProcess.spawn: an empty signal mask; a child
/// started by Foundation's Process inherits the test runner thread's mask, in which SIGINT is
/// blocked, so Ctrl-C could not be tested). Its pipes are close-on-exec in this process, so no
/// other child keeps them open.
final class ServeProcess: @unchecked Sendable {
    let pid: pid_t
    let stdout: LineReader
    let stderrDescriptor: Int32
    let home: TemporaryFolder
    private let exited = DispatchSemaphore(value: 0)
    private let statusLock = NSLock()
    private var exitStatus: Int32?

    /// `prepareHome` writes into the Kitchen home before the process starts (saved routes, …).
    init(binary: String, arguments: [String], environment extra: [String: String] = [:], prepareHome: (TemporaryFolder) throws -> Void = { _ in }) throws {
        home = try TemporaryFolder()
        try prepareHome(home)
        var out: [Int32] = [0, 0], err: [Int32] = [0, 0]
        guard pipe(&out) == 0, pipe(&err) == 0 else { throw SocketFailure(description: "pipe failed") }
        // Close-on-exec here (dup2 clears it on the child's 1 and 2), so no other child inherits them.
        for descriptor in out + err { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var environment = ProcessInfo.processInfo.environment
        environment["KITCHEN_HOME"] = home.path
        environment.merge(extra) { $1 }
        let argv = [binary, "serve", "--lessons", Tools.lessons] + arguments
        let spawned: pid_t
        do {
            spawned = try ChildProcess.spawn(argv, environment: environment.map { "\($0.key)=\($0.value)" }, ownProcessGroup: false,
                                             name: binary) { actions in
                posix_spawn_file_actions_adddup2(&actions, out[1], 1)
                posix_spawn_file_actions_adddup2(&actions, err[1], 2)
            }
        } catch {
            (out + err).forEach { _ = close($0) }
            throw error
        }
        close(out[1])
        close(err[1])
        self.pid = spawned
        stdout = LineReader(descriptor: out[0])
        stderrDescriptor = err[0]
        // One thread waits for the exit, so the status is known the moment it happens.
        let waiter = Thread { [exited, statusLock] in
            var status: Int32 = 0
            while waitpid(spawned, &status, 0) < 0 && errno == EINTR {}
            let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            statusLock.withLock { self.exitStatus = code }
            exited.signal()
        }
        waiter.start()
    }

    var isRunning: Bool { statusLock.withLock { exitStatus == nil } }

    /// The next line on stdout, waiting up to `seconds` (on a thread of its own, never the test's).
    func line(seconds: Double) async throws -> String? {
        let reader = stdout
        return try await onOwnThread { reader.nextLine(seconds: seconds) }
    }

    /// Sends SIGINT (Ctrl-C) and waits up to `seconds` for the exit status.
    func interrupt(waiting seconds: Double = 10) async throws -> Int32? {
        try await onOwnThread { [self] in
            kill(pid, SIGINT)
            guard exited.wait(timeout: .now() + seconds) == .success else { return nil }
            exited.signal()
            return statusLock.withLock { exitStatus }
        }
    }

    /// Whatever the process wrote to stderr (call after it exited).
    func stderrText() async throws -> String {
        let descriptor = stderrDescriptor
        return try await onOwnThread {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                bytes += buffer[0..<count]
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Kills it if still running, and closes and removes what it used.
    func cleanUp() {
        if isRunning {
            kill(pid, SIGKILL)
            _ = exited.wait(timeout: .now() + 5)
        }
        close(stdout.descriptor)
        close(stderrDescriptor)
        home.remove()
    }
}

/// The port in `http://127.0.0.1:PORT`, or nil when the line is not exactly such a URL.
func loopbackPort(in line: String?) -> Int? {
    guard let line, line.hasPrefix("http://127.0.0.1:"), let port = Int(line.dropFirst("http://127.0.0.1:".count)) else { return nil }
    return port
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
