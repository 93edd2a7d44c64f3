import CSQLite
#if canImport(Glibc)
import Glibc
#endif

/// The state behind SQLite's authorizer and progress-handler callbacks.
///
/// C callbacks capture nothing, so SQLite hands this object back through the user-data
/// pointer. It also remembers *why* it stopped a statement: SQLite itself only reports a bare
/// "not authorized" or "interrupted", and a learner deserves to know what happened.
final class SandboxGuard {
    var policy: SandboxPolicy
    /// Seconds spent inside `sqlite3_step` by the current statement, before the current call.
    private var spentBeforeThisStep: Double = 0
    private var stepStartedAt: Double = 0
    private var stepping = false
    /// Set when the progress handler stopped a statement for running too long.
    private(set) var stoppedForTime = false
    /// The most recent refusal, so the "not authorized" error can say what and why.
    var lastRefusal: (what: String, why: String)?
    /// Kitchen's own statements (schema look-ups, grading) may bypass the authorizer.
    var trusted = false
    /// Pragmas Kitchen set for grading on this connection, which untrusted SQL may read but not set.
    var lockedPragmas: Set<String> = []

    init(policy: SandboxPolicy) {
        self.policy = policy
    }

    func statementWillStart() {
        spentBeforeThisStep = 0
        stoppedForTime = false
    }

    func stepWillBegin() {
        stepStartedAt = Self.now()
        stepping = true
    }

    func stepDidEnd() {
        spentBeforeThisStep += Self.now() - stepStartedAt
        stepping = false
    }

    /// Returns true to interrupt the running statement.
    func shouldInterrupt() -> Bool {
        guard stepping, policy.timeLimit > 0 else { return false }
        if spentBeforeThisStep + (Self.now() - stepStartedAt) > policy.timeLimit {
            stoppedForTime = true
            return true
        }
        return false
    }

    /// Decides one authorizer request. See <https://www.sqlite.org/c3ref/set_authorizer.html>.
    func authorize(action: Int32, first: String?, second: String?) -> Int32 {
        if trusted { return SQLITE_OK }
        switch action {
        case SQLITE_ATTACH where first == "" || first == ":memory:":
            // A private temporary database touches no file; plain VACUUM attaches one internally.
            return SQLITE_OK
        case SQLITE_ATTACH:
            return refuse("ATTACH", "the sandbox cannot open other database files; everything you need is already in this one")
        case SQLITE_DETACH:
            return refuse("DETACH", "the sandbox has no other databases attached")
        case SQLITE_FUNCTION where second?.lowercased() == "load_extension":
            return refuse("load_extension()", "extensions run native code, so the sandbox does not load them")
        case SQLITE_PRAGMA:
            let name = (first ?? "").lowercased()
            let refused: Set<String> = ["writable_schema", "temp_store_directory", "data_store_directory", "trusted_schema", "mmap_size"]
            if refused.contains(name) {
                return refuse("PRAGMA \(name)", "it could corrupt the database or reach outside the sandbox")
            }
            // Reading them is fine; setting them is not: the prompt and the server share the
            // database file in WAL mode, and EXCLUSIVE locking or another journal mode would lock
            // one out ("database is locked") or take the file out of WAL for good.
            if lockedPragmas.contains(name), second != nil {
                return refuse("PRAGMA \(name) = \(second ?? "")", "Kitchen set it to grade this answer; leave it out of the answer")
            }
            if (name == "locking_mode" || name == "journal_mode"), second != nil {
                return refuse("PRAGMA \(name) = \(second ?? "")", "the prompt and the server share this database in WAL mode; changing the \(name == "locking_mode" ? "locking mode" : "journal mode") would lock one of them out (reading it with PRAGMA \(name) is fine)")
            }
            return SQLITE_OK
        default:
            return SQLITE_OK
        }
    }

    private func refuse(_ what: String, _ why: String) -> Int32 {
        lastRefusal = (what, why)
        return SQLITE_DENY
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1_000_000_000
    }
}
