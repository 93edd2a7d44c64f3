import CSQLite
import Synchronization

/// Commits made through any `Connection` of this process, counted: the server's cached GET
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
public enum CommitCounter {
    private static let count = Atomic<UInt64>(0)

    /// The number of commit steps counted so far; it only grows.
    public static var current: UInt64 { count.load(ordering: .acquiring) }

    static func add() {
        count.wrappingAdd(1, ordering: .releasing)
    }
}

extension Connection {
    /// Counts this connection's commits in `CommitCounter`. The WAL hook replaces SQLite's
    /// default one, so it checkpoints as that did (at 1,000 pages, SQLite's default).
    func countCommits() {
        sqlite3_commit_hook(handle, { _ in
            CommitCounter.add()
            return 0
        }, nil)
        sqlite3_wal_hook(handle, { _, database, name, pages in
            CommitCounter.add()
            if pages >= 1000 { sqlite3_wal_checkpoint(database, name) }
            return SQLITE_OK
        }, nil)
    }
}
