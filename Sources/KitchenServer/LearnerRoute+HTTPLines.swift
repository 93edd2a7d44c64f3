/// What the `header`, `cache`, `limit` and `cors` lines do to a learner route's answers.
extension LearnerRoute {
    init(definition: RouteDefinition, sessions: SessionStore, clock: @escaping @Sendable () -> Double = RateLimiter.monotonicSeconds) {
        self.init(definition: definition, sessions: sessions,
                  limiter: definition.http.limitPerMinute.map { RateLimiter(limit: $0, clock: clock) })
    }

    /// Who a `limit` counts: the logged-in user on an `auth` route (whichever of their sessions
    /// they use), else the client's address.
    func rateLimitKey(_ request: ServerRequest) -> String {
        if definition.requiresAuth, let token = SessionStore.token(in: request), let user = sessions.user(for: token) {
            return "user \(user)"
        }
        return "address " + (request.clientAddress ?? "unknown")
    }

    /// A 429 when the request is over the route's `limit`, else nil (and the request is counted).
    func refusalOverLimit(_ request: ServerRequest) -> ServerResponse? {
        guard let limiter, case .refused(let seconds) = limiter.admit(rateLimitKey(request)) else { return nil }
        return ServerResponse.error(429, "too many requests: this route answers \(limiter.limit) per minute; try again in \(seconds) s")
            .adding(header: ("Retry-After", String(seconds)))
    }

    /// The answer with the route's HTTP lines applied: `cache` (ETag, Cache-Control, and 304 for a
    /// matching If-None-Match), `cors` and `header`.
    func applyingHTTPLines(to response: ServerResponse, request: ServerRequest) -> ServerResponse {
        var response = response
        if let seconds = definition.http.cacheSeconds, response.status == 200, request.method == "GET" || request.method == "HEAD" {
            // The tag is made from the body just made (or kept in the response cache, which a
            // change to the data empties): changed data gives another tag, so a 304 never hides it.
            let tag = EntityTag.of(response.body)
            let control = (definition.requiresAuth ? "private, " : "") + "max-age=\(seconds)"
            response.headers.append(("ETag", tag))
            response.headers.append(("Cache-Control", control))
            if let match = request.header("If-None-Match"), EntityTag.matches(match, tag: tag) {
                response = ServerResponse(status: 304, headers: [("ETag", tag), ("Cache-Control", control)])
            }
        }
        if !definition.http.corsOrigins.isEmpty {
            response.headers += CORSPolicy.responseHeaders(origins: definition.http.corsOrigins, request: request,
                                                           withCredentials: definition.requiresAuth)
        }
        for header in definition.http.headers { response.headers.append((header.name, header.value)) }
        return response
    }
}
