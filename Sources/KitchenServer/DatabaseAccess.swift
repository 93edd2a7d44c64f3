import Dispatch
import KitchenSQL
import KitchenSupport
import Synchronization

/// The server's connections to the database the prompt uses.
///
/// The prompt and the server use separate connections to the same file in WAL mode, so readers
/// never wait for the writer. Route work never runs on the thread that called it:
/// - reads run on `DatabaseThreads.readers`, each on a read-only connection of its own
///   (borrowed from a small pool), so they run in parallel and a runaway holds only its own;
/// - writes run on `DatabaseThreads.writer`, on the one writing connection.
/// The tutor points the server at another file when the learner changes lesson (`switchTo`).
///
/// An adopted in-memory database (a copy for grading) cannot be shared between connections: it
/// is the only connection, used inline under its lock.
public final class DatabaseAccess: @unchecked Sendable {
    public let policy: SandboxPolicy
    /// GET responses, valid while the database's data version stays the same.
    let responses = ResponseCache()

    // Guarded by `filesLock`: which file, and the read connections not in use. `epoch` counts
    // `switchTo` calls; a connection opened in an older epoch is closed rather than reused.
    private let filesLock = Mutex(())
    private var currentPath: String?
    private var epoch = 0
    private var idleReaders: [(epoch: Int, connection: Connection)] = []
    // Set once by `adopt`, before the access is shared.
    private var isAdopted = false
    /// The epoch whose file the writer has put in WAL mode.
    private let walEpoch = Atomic<Int>(-1)

    // Guarded by `writerLock`: the connection that writes (and serves `withConnection`).
    private let writerLock = Mutex(())
    private var writer: (epoch: Int, connection: Connection)?

    // Guarded by `watcherLock`: a connection that only asks for the data version, and what it
    // said last.
    private let watcherLock = Mutex(())
    private var watcher: (epoch: Int, connection: Connection)?
    private var lastAsked: (stamp: ResponseCache.Stamp, nanoseconds: UInt64)?
    private let versionQuestions = Atomic<Int>(0)
    private let counterLock = Mutex<(epoch: Int, counter: CommitCounter)?>(nil)

    /// How long the data version last asked for is trusted while this process has committed
    /// nothing (`CommitCounter`): only another process's change can go unseen meanwhile.
    public let dataVersionInterval: Duration

    public init(path: String?, policy: SandboxPolicy = .standard, dataVersionInterval: Duration = .milliseconds(1)) {
        self.currentPath = path
        self.policy = policy
        self.dataVersionInterval = dataVersionInterval
    }

    /// How many times `PRAGMA data_version` was asked for (for tests).
    public var dataVersionQuestions: Int { versionQuestions.load(ordering: .relaxed) }

    public var path: String? { filesLock.withLock { _ in currentPath } }

    private var file: (path: String?, epoch: Int) { filesLock.withLock { _ in (currentPath, epoch) } }

    /// Points the server at another database file; connections open on the next request.
    public func switchTo(path: String?) {
        filesLock.withLock { _ in
            epoch += 1
            currentPath = path
            idleReaders = []
        }
        responses.removeAll()
    }

    /// Serves `connection` itself (an in-memory copy for grading).
    func adopt(_ opened: sending Connection) {
        filesLock.withLock { _ in
            currentPath = ":memory:"
            isAdopted = true
        }
        writerLock.withLock { _ in writer = (0, opened) }
    }

    public struct NoDatabase: Error, CustomStringConvertible {
        public var description: String { "the server has no database" }
    }

    /// Thrown by work running on a read connection when it finds it has to write: the work is
    /// then run again on the writing connection.
    struct NeedsWriter: Error {}

    /// Which connection a piece of work was given.
    enum Role: Sendable {
        /// A read-only connection (`PRAGMA query_only`): statements that write must throw `NeedsWriter`.
        case reader
        /// The writing connection.
        case writer
    }

    private func open(_ path: String) throws -> Connection {
        let opened = try Connection(path: path, policy: policy)
        if path != ":memory:" { try? opened.trusted { try opened.execute("PRAGMA journal_mode = WAL") } }
        return opened
    }

    /// Runs `body` with the writing connection, opening it when needed, on the calling thread.
    /// For Kitchen's own look-ups (graders' state checks); routes use `read` and `write`.
    public func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        let (path, epoch) = file
        return try writerLock.withLock { _ in
            if writer == nil || (writer!.epoch != epoch && !isAdopted) {
                writer = nil
                guard let path else { throw NoDatabase() }
                let opened = try open(path)
                // In WAL mode, NORMAL syncs the log at checkpoints rather than at every commit: a
                // commit survives the process being killed or crashing (it is in the log, which
                // the OS holds), and only a power loss or an OS crash could roll back the last few.
                // FULL made every POST wait for an fsync (2.5 ms here): ~1,000 writes/s at best.
                // (In a rollback journal NORMAL is weaker, so it is only set in WAL mode.)
                let journal = try? opened.trusted { try opened.fetchAllCached("PRAGMA journal_mode") }.first?.first
                if journal == .text("wal") { try? opened.trusted { try opened.execute("PRAGMA synchronous = NORMAL") } }
                writer = (epoch, opened)
            }
            return try body(writer!.connection)
        }
    }

    /// Runs `body` on a writer thread with the writing connection.
    func write<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        if isAdopted { return try withConnection(body) }
        return try await DatabaseThreads.writer.run { try self.withConnection(body) }
    }

    /// Runs `body` on a reader thread with a read-only connection of its own; when `body` throws
    /// `NeedsWriter`, runs it again with the writing connection. `wrote` says which happened.
    func read<T: Sendable>(_ body: @escaping @Sendable (Connection, Role) throws -> T) async throws -> (value: T, wrote: Bool) {
        if isAdopted { return (try withConnection { try body($0, .writer) }, false) }
        do {
            return (try await DatabaseThreads.readers.run { try self.withReader { try body($0, .reader) } }, false)
        } catch is NeedsWriter {
            return (try await write { try body($0, .writer) }, true)
        }
    }

    private func withReader<T>(_ body: (Connection) throws -> T) throws -> T {
        var path: String?
        var epoch = 0
        var borrowed: (epoch: Int, connection: Connection)?
        filesLock.withLock { _ in
            path = currentPath
            epoch = self.epoch
            borrowed = idleReaders.popLast()
        }
        let reader: (epoch: Int, connection: Connection)
        if let borrowed, borrowed.epoch == epoch {
            reader = borrowed
        } else {
            guard let path else { throw NoDatabase() }
            if walEpoch.load(ordering: .acquiring) != epoch {
                // The writer puts the file in WAL mode first: in the old rollback mode a long read
                // would hold off every write, and the switch itself needs no reader in the way.
                try withConnection { _ in }
                walEpoch.store(epoch, ordering: .releasing)
            }
            let opened = try open(path)
            try opened.refuseWrites()
            reader = (epoch, opened)
        }
        defer {
            filesLock.withLock { _ in
                // Kept for the next read unless the server moved to another file meanwhile.
                if reader.epoch == self.epoch { idleReaders.append(reader) }
            }
        }
        return try body(reader.connection)
    }

    /// What a cached response must match to be served: the file, its data version and this
    /// process's commits. Nil when it cannot be known (no file, an adopted copy): nothing is
    /// cached then.
    ///
    /// A commit through any of this process's connections (the prompt's, a route's) changes the
    /// stamp at once (`CommitCounter`). Another process's commit changes the data version, which
    /// is asked for again when the last answer is older than `dataVersionInterval` (1 ms), so
    /// `PRAGMA data_version` runs at most about once a millisecond under load, not per request.
    func currentStamp() -> ResponseCache.Stamp? {
        let (path, epoch) = file
        guard let path, !isAdopted, path != ":memory:" else { return nil }
        // Counted before the data version is asked for: a commit in between changes the count
        // seen by the next request, which then asks again.
        let commits = commitCounter(path: path, epoch: epoch).current
        let now = DispatchTime.now().uptimeNanoseconds
        let interval = UInt64(max(0, dataVersionInterval.nanoseconds))
        return watcherLock.withLock { _ -> ResponseCache.Stamp? in
            if let lastAsked, lastAsked.stamp.epoch == epoch, lastAsked.stamp.commits == commits,
               now >= lastAsked.nanoseconds, now - lastAsked.nanoseconds < interval {
                return lastAsked.stamp
            }
            do {
                if watcher?.epoch != epoch {
                    watcher = nil
                    let opened = try Connection(path: path, policy: policy)
                    // Never wait for a lock here: a busy database just means no cache hit.
                    opened.setBusyTimeout(milliseconds: 0)
                    try opened.refuseWrites()
                    watcher = (epoch, opened)
                }
                versionQuestions.wrappingAdd(1, ordering: .relaxed)
                let stamp = ResponseCache.Stamp(epoch: epoch, version: try watcher!.connection.dataVersion(), commits: commits)
                lastAsked = (stamp, now)
                return stamp
            } catch {
                watcher = nil
                lastAsked = nil
                return nil
            }
        }
    }

    /// The commit counter of the file being served, looked up once per file.
    private func commitCounter(path: String, epoch: Int) -> CommitCounter {
        counterLock.withLock { counter in
            if let counter, counter.epoch == epoch { return counter.counter }
            let found = CommitCounter.forFile(path)
            counter = (epoch, found)
            return found
        }
    }

    /// Answers a GET from the cache when the database has not changed since the response was
    /// made; otherwise runs `body` on a read connection and keeps its response for next time.
    ///
    /// The stamp is taken before the read starts, so a change committed while it runs leaves
    /// the stored response already out of date, never wrongly current. Asking for the data
    /// version costs one step of `PRAGMA data_version` on the calling thread; it never waits.
    func cachedRead(key: String, _ body: @escaping @Sendable (Connection, Role) throws -> ServerResponse) async throws -> ServerResponse {
        let stamp = currentStamp()
        if let stamp, let hit = responses.response(for: key, at: stamp) { return hit }
        let (response, wrote) = try await read(body)
        if let stamp, !wrote, response.status == 200 { responses.store(response, for: key, at: stamp) }
        return response
    }

    /// The response `cachedRead(key:)` would serve from the cache now, or nil when it would
    /// have to read: for answering on the event loop, which must not wait for SQLite work.
    func cachedResponse(key: String) -> ServerResponse? {
        guard let stamp = currentStamp() else { return nil }
        return responses.response(for: key, at: stamp)
    }
}
