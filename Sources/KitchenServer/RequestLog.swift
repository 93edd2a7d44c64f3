import Synchronization

/// One request the server received, from any client, with what it answered.
public struct LoggedRequest: Sendable {
    public var id: Int
    /// Seconds since 1970.
    public var time: Double
    public var method: String
    public var path: String
    public var query: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    public var status: Int
    public var responseHeaders: [(name: String, value: String)]
    /// The response body, cut at 64 KB.
    public var responseBody: [UInt8]
    public var durationMilliseconds: Double
    /// Why the route failed, explained for the learner (a 500 tells the client nothing more).
    public var explanation: [String]? = nil

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    /// `GET /menu?limit=2`
    public var target: String { query.isEmpty ? path : path + "?" + query }
}

/// Every request the server receives, newest last, bounded so it cannot grow without end.
/// Lessons grade it: a request sent with curl from another terminal counts like one from the prompt.
public final class RequestLog: Sendable {
    private struct State {
        // A ring: `entries` grows to `capacity`, then `start` marks the oldest entry, so recording
        // never shifts the whole log.
        var entries: [LoggedRequest] = []
        var start = 0
        var nextID = 1
        var listeners: [@Sendable (LoggedRequest) -> Void] = []

        func ordered() -> [LoggedRequest] {
            Array(entries[start...] + entries[..<start])
        }
    }

    private let state = Mutex(State())
    public let capacity: Int

    public init(capacity: Int = 1000) {
        self.capacity = capacity
    }

    /// Adds an entry, giving it the next id.
    public func record(_ entry: LoggedRequest) {
        var entry = entry
        let listeners = state.withLock { state -> [@Sendable (LoggedRequest) -> Void] in
            entry.id = state.nextID
            state.nextID += 1
            if state.entries.count < capacity {
                state.entries.append(entry)
            } else {
                state.entries[state.start] = entry
                state.start = (state.start + 1) % capacity
            }
            return state.listeners
        }
        for listener in listeners { listener(entry) }
    }

    /// The last `count` entries (all when nil), oldest first.
    public func entries(last count: Int? = nil) -> [LoggedRequest] {
        state.withLock { state in
            let all = state.ordered()
            guard let count else { return all }
            return Array(all.suffix(count))
        }
    }

    public var latest: LoggedRequest? {
        state.withLock { state in
            state.entries.isEmpty ? nil : state.entries[(state.start + state.entries.count - 1) % state.entries.count]
        }
    }

    public func clear() {
        state.withLock { state in
            state.entries.removeAll()
            state.start = 0
        }
    }

    /// Calls `listener` for every new entry (used by `kitchen serve` to print a line per request).
    public func onRecord(_ listener: @escaping @Sendable (LoggedRequest) -> Void) {
        state.withLock { $0.listeners.append(listener) }
    }
}
