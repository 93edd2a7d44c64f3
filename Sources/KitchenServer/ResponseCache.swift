import KitchenSQL
import Synchronization

/// Finished GET responses (bytes, ETag, X-Total-Count and all) per route and request target,
/// each kept with the stamp of the data it was made from.
///
/// A response is served again only while the stamp is unchanged: any commit to the database,
/// from the server, the prompt or another process, changes the data version and so makes
/// every entry stale at once. Bounded in entries and bytes; large responses are not kept.
final class ResponseCache: Sendable {
    /// The database file (`DatabaseAccess`'s epoch), its data version, and the commits this
    /// process had made (`CommitCounter`) when the data version was asked for.
    struct Stamp: Equatable, Sendable {
        var epoch: Int
        var version: Int64
        var commits: UInt64 = 0

        /// Stamps taken on two threads at once may each be ahead in one part; such a pair only
        /// costs a miss (a hit needs an equal stamp).
        func isNewer(than other: Stamp) -> Bool {
            if epoch != other.epoch { return epoch > other.epoch }
            if version != other.version { return version > other.version }
            return commits > other.commits
        }
    }

    static let maximumEntries = 1024
    static let maximumBytes = 32 << 20
    static let maximumEntryBytes = 256 << 10

    private struct State {
        /// The newest stamp seen; every entry carries it (older ones were dropped).
        var stamp: Stamp?
        var entries: [String: ServerResponse] = [:]
        var bytes = 0

        mutating func advance(to newer: Stamp) {
            if let stamp, !newer.isNewer(than: stamp) { return }
            stamp = newer
            entries.removeAll(keepingCapacity: true)
            bytes = 0
        }
    }

    private let state = Mutex(State())

    /// The response stored for `key` from data at `stamp`, if any.
    func response(for key: String, at stamp: Stamp) -> ServerResponse? {
        state.withLock { state in
            state.advance(to: stamp)
            return state.stamp == stamp ? state.entries[key] : nil
        }
    }

    func store(_ response: ServerResponse, for key: String, at stamp: Stamp) {
        let size = response.body.count + key.utf8.count
        guard size <= Self.maximumEntryBytes else { return }
        state.withLock { state in
            state.advance(to: stamp)
            // A response made from older data than the newest seen is already stale.
            guard state.stamp == stamp else { return }
            if state.entries.count >= Self.maximumEntries || state.bytes + size > Self.maximumBytes {
                state.entries.removeAll(keepingCapacity: true)
                state.bytes = 0
            }
            if state.entries.updateValue(response, forKey: key) == nil { state.bytes += size }
        }
    }

    func removeAll() {
        state.withLock { state in
            state.entries.removeAll()
            state.bytes = 0
        }
    }

    var count: Int { state.withLock { $0.entries.count } }
}
