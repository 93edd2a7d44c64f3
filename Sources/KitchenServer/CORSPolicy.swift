/// Cross-origin resource sharing for routes with a `cors` line (docs/routes.md): which pages, from
/// which origins, a browser lets read the route's answers, and the preflight that asks first.
///
/// A browser sends `Origin` with a cross-origin request and, before one that is not "simple" (a
/// PUT, a JSON body, an Authorization header), an `OPTIONS` preflight naming the method and
/// headers it wants to use. Only a listed origin gets `Access-Control-Allow-Origin` back; for any
/// other the answer carries none, and the browser keeps it from the page.
public enum CORSPolicy {
    /// The word in a `cors` line that stands for the lesson's second site, whose port is known
    /// only once it listens.
    public static let otherSite = "other-site"
    /// The other site's origin where no second server runs (grading in-process).
    public static let otherSiteStandIn = "http://other-site.localhost"
    /// Request headers a preflight may ask for: what Kitchen's routes read.
    public static let allowedRequestHeaders = "Content-Type, Authorization"
    /// Response headers a page may read besides the safelisted ones.
    public static let exposedHeaders = "ETag, Location, Retry-After, X-Total-Count"
    /// How long a browser may keep a preflight's answer.
    public static let preflightMaxAge = 600

    /// Why `text` is not an origin (`http://localhost:8080`), or nil when it is one.
    public static func originProblem(_ text: String) -> String? {
        let lower = text.lowercased()
        guard let schemeEnd = lower.range(of: "://") else {
            return "\(text) is not an origin: write scheme and host, such as http://localhost:8080 (or other-site, or *)"
        }
        let scheme = lower[..<schemeEnd.lowerBound]
        guard scheme == "http" || scheme == "https" else { return "an origin starts with http:// or https://, not \(scheme)://" }
        let rest = lower[schemeEnd.upperBound...]
        if rest.contains("/") { return "an origin has no path: \(text) must end after the host and port, with no / (such as http://localhost:8080)" }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard let host = parts.first, !host.isEmpty, parts.count <= 2,
              host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }) else {
            return "\(text) is not an origin: the host is letters, digits, - and . (such as localhost or shop.example)"
        }
        if parts.count == 2 {
            guard let port = Int(parts[1]), (1...65535).contains(port) else { return "the port of \(text) is not a number from 1 to 65535" }
        }
        return nil
    }

    /// Whether the list lets a page from `origin` read the answers.
    static func allows(_ origins: [String], origin: String, otherSite: [String]) -> Bool {
        let origin = origin.lowercased()
        return origins.contains { allowed in
            allowed == "*" || allowed == origin || (allowed == Self.otherSite && otherSite.contains(origin))
        }
    }

    /// The headers a real (not preflight) answer of a `cors` route carries for `request`.
    static func responseHeaders(origins: [String], request: ServerRequest, withCredentials: Bool) -> [(name: String, value: String)] {
        if origins == ["*"] {
            return [("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", exposedHeaders)]
        }
        // The answer differs by Origin: a shared cache must not give one origin's answer to another.
        var headers: [(name: String, value: String)] = [("Vary", "Origin")]
        guard let origin = request.header("Origin"), allows(origins, origin: origin, otherSite: request.otherSiteOrigins) else { return headers }
        headers.append(("Access-Control-Allow-Origin", origin))
        headers.append(("Access-Control-Expose-Headers", exposedHeaders))
        // Routes with `auth` accept the session cookie, which a browser sends cross-origin only
        // when the page asks (credentials: 'include') and the answer allows it.
        if withCredentials { headers.append(("Access-Control-Allow-Credentials", "true")) }
        return headers
    }

    /// The answer to a preflight `OPTIONS` for a path whose route has a `cors` line, or nil when
    /// the request is not a preflight for such a route (the server then answers OPTIONS itself).
    static func preflight(_ request: ServerRequest, routes: RouteTable, allowed: [String]) -> ServerResponse? {
        guard request.method == "OPTIONS", let origin = request.header("Origin"),
              let wanted = request.header("Access-Control-Request-Method")?.uppercased() else { return nil }
        let corsRoutes = allowed.compactMap { method -> (String, RouteDefinition)? in
            guard case .found(let route, _) = routes.lookup(method: method, path: request.path),
                  let definition = route.definition, !definition.http.corsOrigins.isEmpty, route.method == method else { return nil }
            return (method, definition)
        }
        guard let target = corsRoutes.first(where: { $0.0 == wanted })?.1 else { return nil }
        var headers: [(name: String, value: String)] = [("Allow", allowed.joined(separator: ", ")),
                                                        ("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")]
        guard allows(target.http.corsOrigins, origin: origin, otherSite: request.otherSiteOrigins) else {
            // No Access-Control-Allow-Origin: the browser refuses to send the real request.
            return ServerResponse(status: 204, headers: headers)
        }
        let methods = corsRoutes.filter { allows($0.1.http.corsOrigins, origin: origin, otherSite: request.otherSiteOrigins) }.map(\.0)
        let anyOrigin = target.http.corsOrigins == ["*"]
        headers.append(("Access-Control-Allow-Origin", anyOrigin ? "*" : origin))
        headers.append(("Access-Control-Allow-Methods", methods.joined(separator: ", ")))
        headers.append(("Access-Control-Allow-Headers", allowedRequestHeaders))
        headers.append(("Access-Control-Max-Age", String(preflightMaxAge)))
        if target.requiresAuth && !anyOrigin { headers.append(("Access-Control-Allow-Credentials", "true")) }
        return ServerResponse(status: 204, headers: headers)
    }
}
