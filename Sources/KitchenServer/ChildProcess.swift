import KitchenSupport
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A process Kitchen starts and owns (a server instance, nginx): spawned with an empty signal
/// mask and default signal actions, its standard output on a pipe read line by line, and a
/// parent-death signal so it ends even if Kitchen is killed without a chance to stop it.
final class ChildProcess: Sendable {
    let pid: pid_t
    /// Read end of the child's standard output (nil when it goes to /dev/null).
    let output: Int32?
    private let exitStatus = Mutex<Int32?>(nil)

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts `arguments[0]` (an absolute path). `setpriv --pdeathsig TERM` wraps it, so the
    /// kernel sends it SIGTERM when Kitchen's thread that started it is gone (Kitchen was
    /// killed): no orphan server keeps the port. Its standard error goes to `errorFile`.
    init(_ arguments: [String], captureOutput: Bool, errorFile: String?) throws {
        var pipeEnds: [Int32] = [-1, -1]
        if captureOutput {
            guard pipe(&pipeEnds) == 0 else { throw Failure(description: "cannot make a pipe: \(String(cString: strerror(errno)))") }
            // Close-on-exec here (dup2 clears it on the child's 1), so no other child inherits them.
            for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        }
        let spawned: pid_t
        do {
            // A process group of its own: Ctrl-C at Kitchen's prompt (which only cancels a line) must
            // not reach it; Kitchen stops it itself.
            spawned = try Self.spawn(["/usr/bin/setpriv", "--pdeathsig", "TERM", "--"] + arguments, environment: Self.environment(),
                                     ownProcessGroup: true, name: arguments[0]) { actions in
                if captureOutput {
                    posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
                } else {
                    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
                }
                posix_spawn_file_actions_addopen(&actions, 2, errorFile ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
            }
        } catch {
            if captureOutput { pipeEnds.forEach { _ = close($0) } }
            throw error
        }
        if captureOutput { close(pipeEnds[1]) }
        pid = spawned
        output = captureOutput ? pipeEnds[0] : nil
    }

    /// `posix_spawn` as every child Kitchen starts needs it: standard input from /dev/null, an
    /// empty signal mask and default actions for the signals Kitchen handles (a child otherwise
    /// inherits the spawning thread's mask, SIGINT blocked, and Ctrl-C or SIGTERM could not stop
    /// it). `redirect` adds the file actions for its output; `name` is what a failure calls it.
    static func spawn(_ argv: [String], environment: [String], ownProcessGroup: Bool, name: String,
                      redirect: (inout posix_spawn_file_actions_t) -> Void) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        redirect(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), defaults = sigset_t()
        sigemptyset(&empty)
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if ownProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        let pointers = argv.map { strdup($0) } + [nil]
        let environment = environment.map { strdup($0) } + [nil]
        defer {
            pointers.forEach { free($0) }
            environment.forEach { free($0) }
        }
        var spawned = pid_t()
        let result = posix_spawn(&spawned, argv[0], &actions, &attributes, pointers, environment)
        guard result == 0 else { throw Failure(description: "cannot start \(name): \(String(cString: strerror(result)))") }
        return spawned
    }

    /// This process's environment, `NAME=VALUE` each (read from /proc: Swift 6 may not touch
    /// the C global `environ`).
    static func environment() -> [String] {
        guard let bytes = try? FileReading.readBytes("/proc/self/environ") else { return [] }
        return bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// True while it runs (reaps it once it has ended).
    var isRunning: Bool {
        exitStatus.withLock { status in
            if status != nil { return false }
            var raw: Int32 = 0
            let reaped = waitpid(pid, &raw, WNOHANG)
            if reaped == pid { status = raw; return false }
            return reaped == 0
        }
    }

    /// Sends `signal`, then waits up to `seconds` for it to end, and kills it if it has not.
    func stop(signal: Int32 = SIGTERM, seconds: Double = 5) {
        guard isRunning else { return }
        kill(pid, signal)
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while isRunning && ContinuousClock.now < deadline { usleep(10_000) }
        if isRunning {
            kill(pid, SIGKILL)
            exitStatus.withLock { status in
                var raw: Int32 = 0
                while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
                status = raw
            }
        }
    }

    /// The next line of its output, waiting up to `seconds`; nil at the end or on time-out.
    static func readLine(_ descriptor: Int32, seconds: Double, pending: inout [UInt8]) -> String? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while true {
            if let newline = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeFirst(newline + 1)
                return line
            }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return nil }
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000) + 1
            let ready = poll(&entry, 1, milliseconds)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return nil }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return nil }
            pending += buffer[0..<count]
        }
    }
}
