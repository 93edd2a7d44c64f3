import CSQLite
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Commits made to one database file through any `Connection` of this process, counted: the server's cached GET
/// responses stay valid while the count and the data version it last asked for stay the same,
/// so a change made at the prompt or by a route is seen by the very next request without asking
/// SQLite for `PRAGMA data_version` on every request (a read transaction, with its file locks,
/// was ~6% of the server's CPU under `wrk`).
///
/// Every connection counts twice per commit: when it starts (the commit hook) and when it is
/// done (the WAL hook, called once the new data is visible to readers). A reader that saw the
/// first count but read the data before the commit ended stored its response under a count the
/// second one has already left behind. Outside WAL mode, readers wait for a commit to end, so the
/// first count is enough.
public final class CommitCounter: Sendable {
    private let count = Atomic<UInt64>(0)

    /// The number of commit steps counted so far; it only grows.
    public var current: UInt64 { count.load(ordering: .acquiring) }

    func add() {
        count.wrappingAdd(1, ordering: .releasing)
    }

    /// One counter per database file (by its real path), kept for the life of the process.
    private static let counters = Mutex<[String: CommitCounter]>([:])

    /// The counter of the file at `path`.
    public static func forFile(_ path: String) -> CommitCounter {
        var resolved = path
        if let real = realpath(path, nil) {
            resolved = String(cString: real)
            free(real)
        }
        return counters.withLock { counters in
            if let counter = counters[resolved] { return counter }
            let counter = CommitCounter()
            counters[resolved] = counter
            return counter
        }
    }
}

extension Connection {
    /// Counts this connection's commits in `CommitCounter`. The WAL hook replaces SQLite's
    /// default one, so it checkpoints as that did (at 1,000 pages, SQLite's default).
    func countCommits() {
        guard path != ":memory:", !path.isEmpty else { return }
        // The counter lives as long as the process (`CommitCounter.forFile` keeps it).
        let counter = Unmanaged.passUnretained(CommitCounter.forFile(path)).toOpaque()
        sqlite3_commit_hook(handle, { counter in
            Unmanaged<CommitCounter>.fromOpaque(counter!).takeUnretainedValue().add()
            return 0
        }, counter)
        sqlite3_wal_hook(handle, { counter, database, name, pages in
            Unmanaged<CommitCounter>.fromOpaque(counter!).takeUnretainedValue().add()
            if pages >= 1000 { sqlite3_wal_checkpoint(database, name) }
            return SQLITE_OK
        }, counter)
    }
}
