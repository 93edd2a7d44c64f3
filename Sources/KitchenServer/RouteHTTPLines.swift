/// The lines of a route block that shape the HTTP answer rather than the SQL (docs/routes.md,
/// "Headers, caching, rate limits and CORS"): `header`, `cache`, `limit` and `cors`.
public struct RouteHTTPLines: Sendable, Equatable {
    /// `header NAME: VALUE`, in the order written; sent on every response of the route.
    public var headers: [ResponseHeader] = []
    /// `cache SECONDS`: Cache-Control max-age, an ETag of the body, 304 for a matching If-None-Match.
    public var cacheSeconds: Int?
    /// `limit N per minute`: at most N requests in any 60 seconds per client (or per user on `auth` routes).
    public var limitPerMinute: Int?
    /// `cors ORIGIN…`: the origins whose pages may read the answers; `*` for any.
    public var corsOrigins: [String] = []

    public init() {}

    public var isEmpty: Bool { self == RouteHTTPLines() }
}

/// One `header NAME: VALUE` line.
public struct ResponseHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
