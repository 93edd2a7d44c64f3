import Synchronization

/// The lesson's second, "other site" origin (`server.other-site` in a lesson file): a folder of
/// static files served on a loopback port of its own, so a page there calls the API on the main
/// server's port from another origin in a real browser — what CORS and CSRF are about.
///
/// Its URL uses the name `localhost` while the main server's uses `127.0.0.1`: two origins, and
/// two *sites* as browsers count them (a port alone does not make another site), so SameSite
/// cookies behave as they would between two real web sites. A page finds both URLs at
/// `/origins.json`: `{"api": "http://127.0.0.1:PORT", "site": "http://localhost:PORT"}`.
public final class OtherSite: Sendable {
    private let server = MiniServer(database: DatabaseAccess(path: nil))
    private let folder = Mutex<String?>(nil)

    public init() {}

    /// The other site's URL while it runs.
    public var url: String? { server.port.map { "http://localhost:\($0)" } }

    /// Serves `directory` (or stops when nil) beside `api`, whose `cors other-site` lines then
    /// allow it. Returns the URL when it runs.
    @discardableResult
    public func serve(_ directory: String?, beside api: MiniServer) async throws -> String? {
        let unchanged = folder.withLock { current in
            defer { current = directory }
            return current == directory
        }
        if unchanged, directory == nil || server.port != nil {
            api.routes.otherSite.set(port: server.port)
            return url
        }
        await server.stop()
        api.routes.otherSite.set(port: nil)
        guard let directory else { return nil }
        server.routes.replaceAll(Self.routes(directory: directory, api: api))
        let port = try await server.start(port: 0).port
        api.routes.otherSite.set(port: port)
        return url
    }

    public func stop(beside api: MiniServer) async {
        folder.withLock { $0 = nil }
        await server.stop()
        api.routes.otherSite.set(port: nil)
    }

    static func routes(directory: String, api: MiniServer) -> [Route] {
        let files = StaticFiles(directory: directory)
        return [
            Route(method: "GET", pattern: PathPattern("/"), origin: .staticFiles, handler: files),
            Route(method: "GET", pattern: PathPattern("/:file"), origin: .staticFiles, handler: files),
            Route(method: "GET", pattern: PathPattern("/origins.json"), origin: .staticFiles, handler: Origins(api: api)),
        ]
    }

    /// `/origins.json`: where the API and this site are, for the other site's pages.
    struct Origins: RouteHandler {
        let api: MiniServer

        func respond(to request: ServerRequest, database: DatabaseAccess) async throws -> ServerResponse {
            let site = request.header("Host").map { "http://" + $0 }
            return .json(200, .object([("api", api.url.map(JSONValue.string) ?? .null), ("site", site.map(JSONValue.string) ?? .null)]),
                         headers: [("Cache-Control", "no-store")])
        }
    }
}
