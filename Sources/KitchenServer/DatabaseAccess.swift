import KitchenSQL
import Synchronization

/// The server's own connection to the database the prompt uses, behind a lock.
///
/// The prompt and the server use separate connections to the same file (in WAL mode, so a
/// reader never waits for the writer); the tutor points both at a new file when the learner
/// changes lesson.
public final class DatabaseAccess: @unchecked Sendable {
    // `Connection` is not Sendable: every use of `path` and `connection` happens under `lock`,
    // which is what makes sharing them between the prompt and the server's tasks safe.
    private let lock = Mutex(())
    private var currentPath: String?
    private var connection: Connection?
    public let policy: SandboxPolicy

    public init(path: String?, policy: SandboxPolicy = .standard) {
        self.currentPath = path
        self.policy = policy
    }

    public var path: String? { lock.withLock { _ in currentPath } }

    /// Points the server at another database file; the connection opens on the next request.
    public func switchTo(path: String?) {
        lock.withLock { _ in
            connection = nil
            currentPath = path
        }
    }

    /// Serves `connection` itself (an in-memory copy for grading).
    func adopt(_ opened: sending Connection) {
        lock.withLock { _ in
            connection = opened
            currentPath = ":memory:"
        }
    }

    public struct NoDatabase: Error, CustomStringConvertible {
        public var description: String { "the server has no database" }
    }

    /// Runs `body` with the connection, opening it when needed.
    public func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        try lock.withLock { _ in
            if connection == nil {
                guard let currentPath else { throw NoDatabase() }
                let opened = try Connection(path: currentPath, policy: policy)
                if currentPath != ":memory:" { try? opened.trusted { try opened.execute("PRAGMA journal_mode = WAL") } }
                connection = opened
            }
            return try body(connection!)
        }
    }
}
