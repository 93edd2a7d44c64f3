import KitchenSupport
import Synchronization

/// Logged-in sessions: random tokens mapped to user ids, in the server's memory.
public final class SessionStore: Sendable {
    private let sessions = Mutex<[String: Int64]>([:])

    public init() {}

    /// A new session for `userID`; returns its token (32 random bytes, hex).
    public func open(userID: Int64) -> String {
        // SystemRandomNumberGenerator draws from the kernel's cryptographic source.
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let token = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        sessions.withLock { $0[token] = userID }
        return token
    }

    public func user(for token: String) -> Int64? {
        sessions.withLock { $0[token] }
    }

    public func close(_ token: String) {
        _ = sessions.withLock { $0.removeValue(forKey: token) }
    }

    public func closeAll() {
        sessions.withLock { $0.removeAll() }
    }

    /// The session token a request carries: `Authorization: Bearer …` or the `session` cookie.
    static func token(in request: ServerRequest) -> String? {
        if let authorization = request.header("Authorization"), authorization.lowercased().hasPrefix("bearer ") {
            return String(authorization.dropFirst(7)).trimmed
        }
        if let cookies = request.header("Cookie") {
            for cookie in cookies.split(separator: ";") {
                let pair = cookie.split(separator: "=", maxSplits: 1).map { String($0).trimmed }
                if pair.count == 2, pair[0] == "session" { return pair[1] }
            }
        }
        return nil
    }
}
