import AsyncHTTPClient
import Foundation
import KitchenLessons
import KitchenServerChecks
import KitchenSQL
import NIOCore
import NIOHTTP1
import Testing
@testable import KitchenServer
#if canImport(Glibc)
import Glibc
#endif

// MARK: - A small practice database

/// A fresh folder for one test, removed by `remove()`.
struct TemporaryFolder: Sendable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.path + "/kitchen-server-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A tiny restaurant: three categories, six dishes. Enough for every status code a resource gives.
enum PracticeDatabase {
    static let schema = """
        CREATE TABLE categories (
          id   INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE
        );
        CREATE TABLE menu_items (
          id          INTEGER PRIMARY KEY,
          name        TEXT    NOT NULL,
          category_id INTEGER NOT NULL REFERENCES categories(id),
          price       REAL    NOT NULL CHECK (price > 0),
          vegetarian  INTEGER NOT NULL DEFAULT 0,
          description TEXT
        );
        INSERT INTO categories (id, name) VALUES (1, 'Starters'), (2, 'Pizza'), (3, 'Desserts');
        INSERT INTO menu_items (id, name, category_id, price, vegetarian, description) VALUES
          (1, 'Tomato Soup', 1, 6.5, 1, 'With basil'),
          (2, 'Garlic Bread', 1, 4.0, 1, NULL),
          (3, 'Margherita', 2, 9.5, 1, 'Tomato and mozzarella'),
          (4, 'Diavola', 2, 11.0, 0, 'Spicy salami'),
          (5, 'Tiramisu', 3, 7.0, 1, NULL),
          (6, 'Calzone', 2, 12.5, 0, 'Folded');
        """

    /// The API the practice server serves over it.
    static let spec = ServerSpec(resources: [
        .init(path: "/menu", table: "menu_items"),
        .init(path: "/categories", table: "categories"),
    ], inspection: true)

    /// Creates the database in `folder` and returns its path.
    static func create(in folder: TemporaryFolder, name: String = "practice.db") throws -> String {
        let path = folder.file(name)
        let connection = try Connection(path: path)
        try connection.trusted { try connection.execute(schema) }
        return path
    }
}

/// The values of one column, read straight from the database file (not through the server).
func databaseColumn(_ sql: String, path: String) throws -> [DatabaseValue] {
    let connection = try Connection(path: path)
    return try connection.fetchAll(sql).map { $0[0] }
}

// MARK: - In-process requests (no socket)

/// The practice routes over a fresh database, answered by the real responder without a socket.
struct ResponderHarness {
    let folder: TemporaryFolder
    let databasePath: String
    let responder: KitchenResponder

    init() throws {
        folder = try TemporaryFolder()
        databasePath = try PracticeDatabase.create(in: folder)
        let routes = RouteTable(PracticeRoutes.routes(for: PracticeDatabase.spec))
        responder = KitchenResponder(routes: routes, database: DatabaseAccess(path: databasePath), log: RequestLog(), limits: ServerLimits())
    }

    func send(_ method: String, _ target: String, headers: [(name: String, value: String)] = [], body: String? = nil) async -> ServerResponse {
        let parts = target.split(separator: "?", maxSplits: 1).map(String.init)
        // A JSON body says so, as every client must (the server answers 415 otherwise).
        var headers = headers
        if body != nil, !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            headers.append((name: "Content-Type", value: "application/json"))
        }
        var request = ServerRequest(method: method, path: parts[0], rawQuery: parts.count > 1 ? parts[1] : "", headers: headers,
                                    body: body.map { Array($0.utf8) } ?? [])
        return await responder.answer(&request)
    }

    func remove() { folder.remove() }
}

extension ServerResponse {
    var json: JSONValue? { try? JSONValue.parse(body) }
}

// MARK: - A live server on a real socket

/// A MiniServer on 127.0.0.1, port 0, over a fresh practice database.
final class LiveServer: Sendable {
    let server: MiniServer
    let port: Int
    let folder: TemporaryFolder
    let databasePath: String

    private init(server: MiniServer, port: Int, folder: TemporaryFolder, databasePath: String) {
        self.server = server
        self.port = port
        self.folder = folder
        self.databasePath = databasePath
    }

    static func start(limits: ServerLimits = ServerLimits(), policy: SandboxPolicy = .standard,
                      dataVersionInterval: Duration = .milliseconds(1)) async throws -> LiveServer {
        let folder = try TemporaryFolder()
        let path = try PracticeDatabase.create(in: folder)
        let server = MiniServer(database: DatabaseAccess(path: path, policy: policy, dataVersionInterval: dataVersionInterval), limits: limits)
        server.routes.replaceAll(PracticeRoutes.routes(for: PracticeDatabase.spec))
        let started = try await server.start(port: 0)
        return LiveServer(server: server, port: started.port, folder: folder, databasePath: path)
    }

    var url: String { "http://127.0.0.1:\(port)" }
    var log: RequestLog { server.log }

    func stop() async {
        await server.stop()
        folder.remove()
    }

    /// A request through AsyncHTTPClient, the way any HTTP client would send it.
    func send(_ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8]? = nil) async throws -> HTTPReply {
        var request = HTTPClientRequest(url: url + target)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let started = ContinuousClock.now
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(15))
        var collected = try await response.body.collect(upTo: 16 << 20)
        return HTTPReply(status: Int(response.status.code),
                         headers: response.headers.map { ($0.name, $0.value) },
                         body: collected.readBytes(length: collected.readableBytes) ?? [],
                         elapsed: ContinuousClock.now - started)
    }

    func send(_ method: String, _ target: String, headers: [(String, String)] = [], json: String) async throws -> HTTPReply {
        try await send(method, target, headers: [("Content-Type", "application/json")] + headers, body: Array(json.utf8))
    }
}

/// Starts a live server, runs `body`, and stops the server even when `body` throws.
func withLiveServer(limits: ServerLimits = ServerLimits(), policy: SandboxPolicy = .standard, dataVersionInterval: Duration = .milliseconds(1),
                    _ body: (LiveServer) async throws -> Void) async throws {
    let live = try await LiveServer.start(limits: limits, policy: policy, dataVersionInterval: dataVersionInterval)
    do {
        try await body(live)
        await live.stop()
    } catch {
        await live.stop()
        throw error
    }
}

struct HTTPReply: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]
    var elapsed: Duration

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue? { try? JSONValue.parse(body) }
    var milliseconds: Double { Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15 }
}
