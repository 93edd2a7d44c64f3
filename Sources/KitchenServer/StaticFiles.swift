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
        // A NUL would cut the name short inside open(2), after the type was chosen from the whole
        // name (`/app.js%00.html` served app.js as HTML); no file name needs a control character.
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return .error(400, "a file name cannot contain control characters (such as %00)")
        }
        // Only plain names inside the folder: no "..", no hidden files, no sub-paths.
        guard !name.hasPrefix("."), !name.contains("/"), !name.contains("\\") else {
            return .error(404, "no file \(request.path)")
        }
        let file = directory + "/" + name
        guard let bytes = try? FileReading.readBytes(file) else {
            return .error(404, "no file \(request.path)")
        }
        // The type comes from the very name that was opened.
        let ending = file.split(separator: "/").last?.split(separator: ".").last.map { $0.lowercased() } ?? ""
        return ServerResponse(status: 200, headers: [("Content-Type", Self.types[ending] ?? "application/octet-stream"), ("Cache-Control", "no-store")], body: bytes)
    }
}
