import Foundation
@testable import KitchenServer
#if canImport(Glibc)
import Glibc
#endif

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

/// How many times longer than usual this run's time bounds may be. `make sanitize` sets
/// KITCHEN_TEST_TIME_SCALE (ThreadSanitizer and AddressSanitizer make everything several times
/// slower); everywhere else it is 1. A bound that exists to catch a hang is multiplied by it; a
/// bound that compares two measurements of the same run needs no scaling.
enum TestTimeScale {
    static let factor: Double = {
        guard let text = ProcessInfo.processInfo.environment["KITCHEN_TEST_TIME_SCALE"], let value = Double(text), value >= 1 else { return 1 }
        return value
    }()
}

/// This process's sanitizer settings (ASAN_OPTIONS, LSAN_OPTIONS, TSAN_OPTIONS), for children
/// started with an environment of their own: under `make sanitize` a `kitchen` child must report
/// the way every other process of the run does (to files, not into the output a test reads).
let sanitizerEnvironment = ProcessInfo.processInfo.environment.filter { $0.key.hasSuffix("SAN_OPTIONS") }

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
    let timeout = timeout * TestTimeScale.factor
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
