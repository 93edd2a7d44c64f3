import KitchenSQL
import KitchenSupport
import Synchronization

/// Logged-in sessions: random tokens mapped to user ids.
///
/// Kept in the server's memory by default, so a restart forgets every login and a second server
/// process (another instance behind a load balancer) does not know them: that is the lesson of
/// scaling. With `Storage.database` they live in the table `kitchen_sessions` of the database
/// the routes use, so every instance over the same file sees every login, and a restart keeps them.
public final class SessionStore: Sendable {
    /// Where sessions are kept.
    public enum Storage: String, Sendable, CaseIterable {
        case memory
        case database
    }

    /// The table of database sessions.
    public static let table = "kitchen_sessions"

    private let sessions = Mutex<[String: Int64]>([:])
    private let storageMode: Mutex<Storage>
    /// The database of `.database` sessions, when no connection is at hand (the route probes).
    private let database: DatabaseAccess?

    public init(storage: Storage = .memory, database: DatabaseAccess? = nil) {
        storageMode = Mutex(storage)
        self.database = database
    }

    public var storage: Storage {
        get { storageMode.withLock { $0 } }
        set { storageMode.withLock { $0 = newValue } }
    }

    /// A new session for `userID`; returns its token (32 random bytes, hex). `connection` is the
    /// writing connection a route already holds (database sessions are written with it).
    public func open(userID: Int64, on connection: Connection? = nil) -> String {
        // SystemRandomNumberGenerator draws from the kernel's cryptographic source.
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let token = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        switch storage {
        case .memory:
            sessions.withLock { $0[token] = userID }
        case .database:
            try? withDatabase(connection) { connection in
                try connection.trusted {
                    try connection.execute("""
                        CREATE TABLE IF NOT EXISTS \(Self.table) (
                            token TEXT PRIMARY KEY, user_id INTEGER NOT NULL, created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)
                        """)
                    _ = try connection.fetchAll("INSERT INTO \(Self.table) (token, user_id) VALUES (?, ?)", arguments: [.text(token), .integer(userID)])
                }
            }
        }
        return token
    }

    public func user(for token: String, on connection: Connection? = nil) -> Int64? {
        switch storage {
        case .memory:
            return sessions.withLock { $0[token] }
        case .database:
            // No table yet means nobody has logged in: no session.
            let rows = try? withDatabase(connection) { connection in
                try connection.trusted { try connection.fetchAll("SELECT user_id FROM \(Self.table) WHERE token = ?", arguments: [.text(token)]) }
            }
            guard case .integer(let user)? = rows?.first?.first else { return nil }
            return user
        }
    }

    public func close(_ token: String, on connection: Connection? = nil) {
        switch storage {
        case .memory:
            _ = sessions.withLock { $0.removeValue(forKey: token) }
        case .database:
            try? withDatabase(connection) { connection in
                try connection.trusted { _ = try connection.fetchAll("DELETE FROM \(Self.table) WHERE token = ?", arguments: [.text(token)]) }
            }
        }
    }

    /// Forgets the sessions kept in memory (database sessions stay in their table, as they would
    /// through a restart).
    public func closeAll() {
        sessions.withLock { $0.removeAll() }
    }

    private func withDatabase<T>(_ connection: Connection?, _ body: (Connection) throws -> T) throws -> T {
        if let connection { return try body(connection) }
        guard let database else { throw DatabaseAccess.NoDatabase() }
        return try database.withConnection(body)
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
