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
        var entries: [LoggedRequest] = []
        var nextID = 1
        var listeners: [@Sendable (LoggedRequest) -> Void] = []
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
            state.entries.append(entry)
            if state.entries.count > capacity { state.entries.removeFirst(state.entries.count - capacity) }
            return state.listeners
        }
        for listener in listeners { listener(entry) }
    }

    /// The last `count` entries (all when nil), oldest first.
    public func entries(last count: Int? = nil) -> [LoggedRequest] {
        state.withLock { state in
            guard let count else { return state.entries }
            return Array(state.entries.suffix(count))
        }
    }

    public var latest: LoggedRequest? { state.withLock { $0.entries.last } }

    public func clear() {
        state.withLock { $0.entries.removeAll() }
    }

    /// Calls `listener` for every new entry (used by `kitchen serve` to print a line per request).
    public func onRecord(_ listener: @escaping @Sendable (LoggedRequest) -> Void) {
        state.withLock { $0.listeners.append(listener) }
    }
}
