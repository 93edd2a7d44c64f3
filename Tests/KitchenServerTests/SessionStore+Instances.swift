import AsyncHTTPClient
import KitchenLessons
import KitchenServerChecks
import KitchenSQL
import NIOCore
import NIOHTTP1
import Testing
@testable import KitchenServer

/// Two server instances over one database file, as `kitchen serve --instances 2` runs them
/// (without nginx here: the test picks the instance itself).
@Suite("Sessions across instances: memory breaks, the database does not")
struct SessionInstancesTests {
    static let routes = """
        route POST /login
          required email email
          required password text
          login SELECT id FROM users WHERE email = :email AND bcrypt_verify(:password, password_hash)
        end

        route GET /me
          auth
          sql SELECT id, name FROM users WHERE id = :current_user_id
        end

        route POST /logout
          auth
          logout
        end
        """

    struct Pair {
        let first: MiniServer
        let second: MiniServer
        let ports: (Int, Int)
        let folder: TemporaryFolder
    }

    static func startPair(sessions: SessionStore.Storage) async throws -> Pair {
        BcryptFunctions.registerEverywhere()
        let folder = try TemporaryFolder()
        let path = try PracticeDatabase.create(in: folder)
        let connection = try Connection(path: path)
        try connection.trusted {
            try connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT UNIQUE, password_hash TEXT)")
            try connection.execute("INSERT INTO users VALUES (1, 'Ana', 'ana@example.com', bcrypt_hash('pw-123456'))")
        }
        var servers: [MiniServer] = []
        var ports: [Int] = []
        for name in ["1", "2"] {
            let server = MiniServer(database: DatabaseAccess(path: path))
            let spec = ServerSpec(inspection: true, routes: routes)
            server.routes.replaceAll(PracticeRoutes.routes(for: spec, sessions: server.sessions))
            server.sessions.storage = sessions
            server.instance.name = name
            ports.append(try await server.start(port: 0).port)
            servers.append(server)
        }
        return Pair(first: servers[0], second: servers[1], ports: (ports[0], ports[1]), folder: folder)
    }

    static func send(_ method: String, port: Int, _ target: String, token: String? = nil, json: String? = nil) async throws -> (status: Int, instance: String?, body: JSONValue?) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(target)")
        request.method = HTTPMethod(rawValue: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers.first(name: InstanceIdentity.header), try? JSONValue.parse(Array(buffer: body)))
    }

    @Test("in memory: a login on instance 1 is unknown to instance 2 (401); each answer names its instance")
    func memorySessionsBreak() async throws {
        let pair = try await Self.startPair(sessions: .memory)
        defer { pair.folder.remove() }
        let login = try await Self.send("POST", port: pair.ports.0, "/login", json: #"{"email": "ana@example.com", "password": "pw-123456"}"#)
        #expect(login.status == 200 && login.instance == "1")
        let token = try #require(login.body?["token"]?.stringValue)
        #expect(try await Self.send("GET", port: pair.ports.0, "/me", token: token).status == 200)
        let other = try await Self.send("GET", port: pair.ports.1, "/me", token: token)
        #expect(other.status == 401 && other.instance == "2")
        await pair.first.stop()
        await pair.second.stop()
    }

    @Test("in the database: a login on instance 1 is valid on instance 2, survives a new process's store, and a logout ends it everywhere")
    func databaseSessionsHold() async throws {
        let pair = try await Self.startPair(sessions: .database)
        defer { pair.folder.remove() }
        let login = try await Self.send("POST", port: pair.ports.0, "/login", json: #"{"email": "ana@example.com", "password": "pw-123456"}"#)
        let token = try #require(login.body?["token"]?.stringValue)
        let other = try await Self.send("GET", port: pair.ports.1, "/me", token: token)
        #expect(other.status == 200 && other.instance == "2")
        // GET /me answers a one-row list: the row of the user the session belongs to.
        guard case .array(let rows)? = other.body else { Issue.record("not a list: \(String(describing: other.body))"); return }
        #expect(rows.first?["name"] == .string("Ana"))
        #expect(try databaseColumn("SELECT user_id FROM kitchen_sessions WHERE token = '\(token)'", path: pair.folder.file("practice.db")) == [.integer(1)])
        // A made-up token is still refused.
        #expect(try await Self.send("GET", port: pair.ports.1, "/me", token: String(repeating: "ab", count: 32)).status == 401)
        // A fresh store over the same file (a restarted process) still knows the login.
        let restarted = SessionStore(storage: .database, database: DatabaseAccess(path: pair.folder.file("practice.db")))
        #expect(restarted.user(for: token) == 1)
        #expect(try await Self.send("POST", port: pair.ports.1, "/logout", token: token).status == 204)
        #expect(try await Self.send("GET", port: pair.ports.0, "/me", token: token).status == 401)
        await pair.first.stop()
        await pair.second.stop()
    }

    @Test("a request log line carries its instance through the JSON line instances report with")
    func jsonLineRoundTrip() throws {
        let entry = LoggedRequest(id: 7, time: 12.5, method: "POST", path: "/orders", query: "a=1", headers: [("Host", "127.0.0.1:80")],
                                  body: Array(#"{"x": "é"}"#.utf8), status: 201, responseHeaders: [(InstanceIdentity.header, "2"), ("Location", "/orders/9")],
                                  responseBody: Array("{}".utf8), durationMilliseconds: 1.25, explanation: ["why"])
        let back = try #require(LoggedRequest(jsonLine: entry.jsonLine))
        #expect(back.method == "POST" && back.target == "/orders?a=1" && back.status == 201 && back.instance == "2")
        #expect(back.bodyText == #"{"x": "é"}"# && back.header("host") == "127.0.0.1:80" && back.explanation == ["why"])
        #expect(back.durationMilliseconds == 1.25)
        #expect(LoggedRequest(jsonLine: "GET /menu 200 1 ms") == nil)
    }
}
