import KitchenSupport
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Several cooks: N `kitchen serve` processes over the same database file (WAL mode, a busy
/// timeout, so they read at once and take turns to write) behind an nginx that Kitchen
/// configures and starts on a free loopback port. Each instance reports every request it
/// answered as one JSON line (`LoggedRequest.jsonLine`), which the group hands to `onRequest`
/// so one request log shows them all, with the instance that answered each.
///
/// `stop()` ends nginx and the instances and removes the temporary folder; if Kitchen is
/// killed, the kernel ends them (their parent-death signal).
public final class InstanceGroup: Sendable {
    public struct Instance: Sendable {
        public var name: String
        public var port: Int
        public var pid: Int32
    }

    /// The balancer's port: where clients send requests.
    public let port: Int
    public let instances: [Instance]
    /// The temporary folder holding nginx's configuration, pid file and logs.
    public let folder: String
    public let nginxPID: Int32
    private let children: [ChildProcess]
    private let balancer: ChildProcess
    private let stopped = Atomic<Bool>(false)

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The most instances Kitchen starts (each is a whole server process; the machine is small).
    public static let maximumInstances = 8

    /// Starts `count` instances with `command` (the argv of `kitchen serve …` for the database
    /// to serve, to which `--instance NAME --behind PORT --port 0` is added), then nginx.
    public static func start(count: Int, command: [String], port wanted: Int = 0,
                             onRequest: @escaping @Sendable (LoggedRequest) -> Void) throws -> InstanceGroup {
        guard (2...maximumInstances).contains(count) else {
            throw Failure(description: "the number of instances must be between 2 and \(maximumInstances), not \(count)")
        }
        guard let nginx = NginxBalancer.binary() else { throw Failure(description: NginxBalancer.installAdvice) }
        removeAbandonedFolders()
        var template = Array("\(temporaryDirectory())/kitchen-instances-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure(description: "cannot make a temporary folder: \(String(cString: strerror(errno)))") }
        let folder = String(cString: made)
        try AtomicFile.write(Array("\(getpid())\n".utf8), to: "\(folder)/\(ownerFile)")
        // nginx's workers may run as another user when Kitchen runs as root: they need to reach
        // the temp paths nginx makes inside.
        chmod(folder, 0o755)
        var children: [ChildProcess] = []
        func abandon() {
            for child in children { child.stop() }
            removeFolder(folder)
        }
        do {
            let front = wanted == 0 ? try freePort() : wanted
            var instances: [Instance] = []
            for index in 1...count {
                let name = "\(index)"
                let child = try ChildProcess(command + ["--instance", name, "--behind", "\(front)", "--port", "0"],
                                             captureOutput: true, errorFile: "\(folder)/instance-\(name).log")
                children.append(child)
                var pending: [UInt8] = []
                let first = ChildProcess.readLine(child.output!, seconds: 20, pending: &pending)
                guard let first, first.hasPrefix("http://127.0.0.1:"), let port = Int(first.dropFirst("http://127.0.0.1:".count)) else {
                    let said = (try? FileReading.read("\(folder)/instance-\(name).log"))?.trimmed ?? ""
                    throw Failure(description: "instance \(name) did not start" + (said.isEmpty ? "" : ": \(said)"))
                }
                instances.append(Instance(name: name, port: port, pid: child.pid))
                let descriptor = child.output!
                let leftOver = pending
                startThread {
                    var pending = leftOver
                    while let line = ChildProcess.readLine(descriptor, seconds: 3600 * 24, pending: &pending) {
                        if let entry = LoggedRequest(jsonLine: line) { onRequest(entry) }
                    }
                    close(descriptor)
                }
            }
            let configuration = NginxBalancer.configuration(folder: folder, port: front, instancePorts: instances.map(\.port))
            try AtomicFile.write(Array(configuration.utf8), to: "\(folder)/nginx.conf")
            let balancer = try ChildProcess([nginx, "-p", folder, "-c", "\(folder)/nginx.conf", "-e", "\(folder)/error.log"],
                                            captureOutput: false, errorFile: "\(folder)/nginx.stderr")
            children.append(balancer)
            try waitUntilListening(port: front, process: balancer, folder: folder)
            return InstanceGroup(port: front, instances: instances, folder: folder, children: Array(children.dropLast()), balancer: balancer)
        } catch {
            abandon()
            throw error
        }
    }

    private init(port: Int, instances: [Instance], folder: String, children: [ChildProcess], balancer: ChildProcess) {
        self.port = port
        self.instances = instances
        self.folder = folder
        self.children = children
        self.balancer = balancer
        self.nginxPID = balancer.pid
    }

    /// True while nginx and every instance run.
    public var isRunning: Bool { balancer.isRunning && children.allSatisfy(\.isRunning) }

    /// Stops nginx (SIGQUIT: a graceful shutdown of its workers), then the instances, and removes
    /// the temporary folder. Safe to call twice.
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        balancer.stop(signal: SIGQUIT, seconds: 3)
        for child in children { child.stop(signal: SIGTERM, seconds: 5) }
        Self.removeFolder(folder)
    }

    deinit { stop() }

    static func temporaryDirectory() -> String {
        if let value = getenv("TMPDIR").map({ String(cString: $0) }), !value.isEmpty { return value }
        return "/tmp"
    }

    /// A port the kernel says is free now on 127.0.0.1 (nginx binds it a moment later).
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "cannot open a socket") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits until something accepts connections on `port`, or nginx has exited (its error log
    /// then says why).
    static func waitUntilListening(port: Int, process: ChildProcess, folder: String) throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if !process.isRunning {
                let log = ((try? FileReading.read("\(folder)/error.log")) ?? "") + ((try? FileReading.read("\(folder)/nginx.stderr")) ?? "")
                let reason = log.split(separator: "\n").last.map(String.init) ?? "no message"
                throw Failure(description: "nginx did not start: \(reason)")
            }
            if canConnect(port: port) { return }
            usleep(20_000)
        }
        throw Failure(description: "nginx did not listen on port \(port) within 10 s")
    }

    static func canConnect(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Names the Kitchen process that made the folder, so a later start can tell an abandoned one.
    static let ownerFile = "owner.pid"

    /// A Kitchen killed with SIGKILL cannot remove its folder (the kernel ends its nginx and
    /// instances, not its files): each start removes this user's folders whose owner is gone.
    static func removeAbandonedFolders() {
        let temporary = temporaryDirectory()
        for name in DirectoryListing.names(in: temporary) where name.hasPrefix("kitchen-instances-") {
            let folder = temporary + "/" + name
            var status = stat()
            guard stat(folder, &status) == 0, status.st_uid == getuid(),
                  let owner = (try? FileReading.read("\(folder)/\(ownerFile)")).flatMap({ Int32($0.trimmed) }),
                  kill(owner, 0) == -1, errno == ESRCH else { continue }
            removeFolder(folder)
        }
    }

    static func removeFolder(_ folder: String) {
        guard folder.hasPrefix(temporaryDirectory() + "/kitchen-instances-"), let remover = try? ChildProcess(["/bin/rm", "-rf", "--", folder], captureOutput: false, errorFile: nil) else { return }
        remover.stop(signal: 0, seconds: 5)
    }
}

/// The work of a thread started by `startThread`, passed through pthread's context pointer.
private final class ThreadBody: Sendable {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}

/// Runs `body` on a new thread of its own (a blocking read must not hold a thread of Swift's
/// small cooperative pool, which the server's own work needs).
func startThread(_ body: @escaping @Sendable () -> Void) {
    var thread = pthread_t()
    let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    pthread_create(&thread, nil, { raw in
        let box = Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue()
        box.body()
        return nil
    }, context)
    pthread_detach(thread)
}

extension InstanceGroup {
    /// The running executable (the instances are more of the same `kitchen`).
    public static func executablePath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return "kitchen" }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
