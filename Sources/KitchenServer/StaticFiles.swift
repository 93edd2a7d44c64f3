import KitchenSupport
import KitchenSupport

/// Serves a lesson's front end (HTML, CSS, JS) from a folder: `/` is index.html.
struct StaticFiles: RouteHandler {
    let directory: String

    static let types: [String: String] = [
        "html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
        "json": "application/json", "svg": "image/svg+xml", "png": "image/png", "ico": "image/x-icon", "txt": "text/plain; charset=utf-8",
    ]

    func respond(to request: ServerRequest, database: DatabaseAccess) async throws -> ServerResponse {
        let name = request.pathParameters["file"] ?? "index.html"
        // Only plain names inside the folder: no "..", no hidden files, no sub-paths.
        guard !name.hasPrefix("."), !name.contains("/"), !name.contains("\\") else {
            return .error(404, "no file \(request.path)")
        }
        guard let bytes = try? FileReading.readBytes(directory + "/" + name) else {
            return .error(404, "no file \(request.path)")
        }
        let ending = name.split(separator: ".").last.map(String.init) ?? ""
        return ServerResponse(status: 200, headers: [("Content-Type", Self.types[ending] ?? "application/octet-stream"), ("Cache-Control", "no-store")], body: bytes)
    }
}
