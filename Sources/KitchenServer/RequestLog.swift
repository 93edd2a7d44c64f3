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
    /// The request body, or its first `RequestLog.keptBodyBytes` when the log cut it.
    public var body: [UInt8]
    /// The size of the whole request body, also when `body` holds only its beginning.
    public var bodyByteCount: Int
    public var status: Int
    public var responseHeaders: [(name: String, value: String)]
    /// The response body, or its first `RequestLog.keptResponseBytes` when the log cut it.
    public var responseBody: [UInt8]
    /// The size of the whole response body.
    public var responseBodyByteCount: Int
    public var durationMilliseconds: Double
    /// Why the route failed, explained for the learner (a 500 tells the client nothing more).
    public var explanation: [String]? = nil

    public init(id: Int, time: Double, method: String, path: String, query: String, headers: [(name: String, value: String)],
                body: [UInt8], status: Int, responseHeaders: [(name: String, value: String)], responseBody: [UInt8],
                durationMilliseconds: Double, explanation: [String]? = nil) {
        self.id = id
        self.time = time
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.bodyByteCount = body.count
        self.status = status
        self.responseHeaders = responseHeaders
        self.responseBody = responseBody
        self.responseBodyByteCount = responseBody.count
        self.durationMilliseconds = durationMilliseconds
        self.explanation = explanation
    }

    /// True when the log kept only the beginning of the request body.
    public var bodyIsCut: Bool { body.count < bodyByteCount }

    /// The body's first `characters` characters, and a note when the log or the preview cut it.
    public func bodyPreview(characters: Int) -> String {
        let text = bodyText
        let shown = String(text.prefix(characters))
        if bodyIsCut {
            return shown + " … (\(bodyByteCount) bytes; the log keeps the first \(body.count))"
        }
        return shown.count < text.count ? shown + " …" : shown
    }

    /// What the entry costs the log, roughly, in bytes.
    var byteCost: Int {
        body.count + responseBody.count + 256
            + headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 32 }
            + responseHeaders.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 32 }
            + path.utf8.count + query.utf8.count
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    /// `GET /menu?limit=2`
    public var target: String { query.isEmpty ? path : path + "?" + query }
}

/// Every request the server receives, newest last, bounded in entries and in bytes so it cannot
/// grow without end, whatever clients send. Bodies are cut: the log keeps the first
/// `keptBodyBytes` of each request body and `keptResponseBytes` of each response body (with their
/// full sizes), and drops the oldest entries while the whole log is over `byteBudget`.
/// Lessons grade it: a request sent with curl from another terminal counts like one from the prompt.
public final class RequestLog: Sendable {
    private struct State {
        // A ring of `capacity` slots: `head` is the oldest entry, `count` how many there are, so
        // recording never shifts the whole log.
        var slots: [LoggedRequest?]
        var head = 0
        var count = 0
        var bytes = 0
        var nextID = 1
        var listeners: [@Sendable (LoggedRequest) -> Void] = []

        func ordered() -> [LoggedRequest] {
            (0..<count).compactMap { slots[(head + $0) % slots.count] }
        }

        mutating func dropOldest() {
            bytes -= slots[head]?.byteCost ?? 0
            slots[head] = nil
            head = (head + 1) % slots.count
            count -= 1
        }
    }

    private let state: Mutex<State>
    public let capacity: Int
    /// The most the whole log holds, in bytes (bodies, headers and all).
    public let byteBudget: Int
    /// How much of each request body is kept.
    public static let keptBodyBytes = 16 * 1024
    /// How much of each response body is kept.
    public static let keptResponseBytes = 64 * 1024

    public init(capacity: Int = 1000, byteBudget: Int = 8 << 20) {
        self.capacity = max(1, capacity)
        self.byteBudget = byteBudget
        state = Mutex(State(slots: Array(repeating: nil, count: max(1, capacity))))
    }

    /// Adds an entry, giving it the next id; cuts its bodies to what the log keeps.
    public func record(_ entry: LoggedRequest) {
        var entry = entry
        if entry.body.count > Self.keptBodyBytes { entry.body = Array(entry.body.prefix(Self.keptBodyBytes)) }
        if entry.responseBody.count > Self.keptResponseBytes { entry.responseBody = Array(entry.responseBody.prefix(Self.keptResponseBytes)) }
        let cost = entry.byteCost
        let listeners = state.withLock { state -> [@Sendable (LoggedRequest) -> Void] in
            entry.id = state.nextID
            state.nextID += 1
            if state.count == state.slots.count { state.dropOldest() }
            while state.count > 0, state.bytes + cost > byteBudget { state.dropOldest() }
            state.slots[(state.head + state.count) % state.slots.count] = entry
            state.count += 1
            state.bytes += cost
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
            state.count == 0 ? nil : state.slots[(state.head + state.count - 1) % state.slots.count]
        }
    }

    /// How many entries were ever recorded (cleared or dropped ones too): the id the last one got.
    public var recordedCount: Int { state.withLock { $0.nextID - 1 } }

    /// The bytes the log holds now (as `byteBudget` counts them).
    public var byteCount: Int { state.withLock { $0.bytes } }

    public func clear() {
        state.withLock { state in
            state.slots = Array(repeating: nil, count: state.slots.count)
            state.head = 0
            state.count = 0
            state.bytes = 0
        }
    }

    /// Calls `listener` for every new entry (used by `kitchen serve` to print a line per request).
    public func onRecord(_ listener: @escaping @Sendable (LoggedRequest) -> Void) {
        state.withLock { $0.listeners.append(listener) }
    }
}
