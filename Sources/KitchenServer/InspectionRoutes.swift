/// httpbin-style routes for looking at HTTP itself: `/echo` returns the request it received,
/// `/status/:code` answers with any status, `/delay/:ms` answers late (capped).
public enum InspectionRoutes {
    public static let maximumDelayMilliseconds = 5000

    public static func routes() -> [Route] {
        var routes: [Route] = []
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            routes.append(Route(method: method, pattern: PathPattern("/echo"), origin: .inspection, handler: Echo()))
            routes.append(Route(method: method, pattern: PathPattern("/status/:code"), origin: .inspection, handler: Status()))
        }
        routes.append(Route(method: "GET", pattern: PathPattern("/delay/:ms"), origin: .inspection, handler: Delay()))
        return routes
    }

    struct Echo: RouteHandler {
        func respond(to request: ServerRequest, database: DatabaseAccess) async throws -> ServerResponse {
            let json: JSONValue = (try? JSONValue.parse(request.body)) ?? .null
            return .json(200, .object([
                ("method", .string(request.method)),
                ("path", .string(request.path)),
                ("query", .object(request.query.map { ($0.name, .string($0.value)) })),
                ("headers", .object(request.headers.map { ($0.name, .string($0.value)) })),
                ("body", .string(request.bodyText)),
                ("json", json),
            ]))
        }
    }

    struct Status: RouteHandler {
        func respond(to request: ServerRequest, database: DatabaseAccess) async throws -> ServerResponse {
            guard let code = Int(request.pathParameters["code"] ?? ""), (200...599).contains(code) else {
                return .error(400, "the status must be a number from 200 to 599")
            }
            // Statuses that may not carry a body get none (RFC 9110 §15.3.5, §15.3.6, §15.4.5).
            if code == 204 || code == 205 || code == 304 { return ServerResponse(status: code) }
            var response = ServerResponse.json(code, .object([("status", .integer(Int64(code)))]))
            // A 405 must list what the resource does allow (RFC 9110 §15.5.6).
            if code == 405 { response.headers.append(("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS")) }
            return response
        }
    }

    struct Delay: RouteHandler {
        func respond(to request: ServerRequest, database: DatabaseAccess) async throws -> ServerResponse {
            guard let milliseconds = Int(request.pathParameters["ms"] ?? ""), milliseconds >= 0 else {
                return .error(400, "the delay must be a whole number of milliseconds")
            }
            let capped = min(milliseconds, maximumDelayMilliseconds)
            try await Task.sleep(for: .milliseconds(capped))
            return .json(200, .object([("delayed_ms", .integer(Int64(capped)))]))
        }
    }
}
