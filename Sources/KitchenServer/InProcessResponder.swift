import KitchenSQL

/// Answers requests without a socket, through the same responder as the live server: what
/// grading sends its probe requests through.
public struct InProcessResponder: Sendable {
    let routes: RouteTable
    let database: DatabaseAccess
    /// Masked in the entries it returns, as the live server's log masks them.
    let secrets: ServerSecrets

    public init(routes: RouteTable, database: DatabaseAccess, secrets: ServerSecrets = ServerSecrets(configured: [:], environment: [:])) {
        self.routes = routes
        self.database = database
        self.secrets = secrets
    }

    public func exchange(_ request: PromptRequest, id: Int) async -> LoggedRequest {
        let responder = KitchenResponder(routes: routes, database: database, log: RequestLog(), limits: ServerLimits())
        let headers = request.headers.map { (name: $0.name, value: $0.value) }
        var serverRequest = ServerRequest(method: request.method, path: request.path, rawQuery: request.query, headers: headers, body: Array((request.body ?? "").utf8))
        // Grading's requests come from one client, as if from this machine.
        serverRequest.clientAddress = "127.0.0.1"
        let response = KitchenResponder.finish(await responder.answer(&serverRequest), method: request.method)
        return secrets.mask(LoggedRequest(id: id, time: 0, method: request.method, path: request.path, query: request.query, headers: headers,
                             body: serverRequest.body, status: response.status, responseHeaders: response.headers,
                             responseBody: response.body, durationMilliseconds: 0, explanation: response.explanation))
    }
}

extension DatabaseAccess {
    /// Serves an existing connection (an in-memory copy for grading).
    public convenience init(connection: sending Connection) {
        self.init(path: nil, policy: .standard)
        adopt(connection)
    }
}
