/// What the sandbox allows a statement to do. Beginners type anything; these limits
/// keep a runaway query or a curious `ATTACH` from harming the machine or the learner's files.
public struct SandboxPolicy: Sendable, Equatable {
    /// How long a single statement may run inside SQLite before it is stopped.
    public var timeLimit: Double
    /// A process-wide cap on SQLite's heap (`sqlite3_hard_heap_limit64`).
    public var heapLimitBytes: Int64
    /// Turn on `PRAGMA foreign_keys`, which SQLite leaves off for backward compatibility.
    public var enforceForeignKeys: Bool

    public init(timeLimit: Double = 2.0, heapLimitBytes: Int64 = 512 * 1024 * 1024, enforceForeignKeys: Bool = true) {
        self.timeLimit = timeLimit
        self.heapLimitBytes = heapLimitBytes
        self.enforceForeignKeys = enforceForeignKeys
    }

    public static let standard = SandboxPolicy()
}
