import KitchenSQL

/// Runs a `RouteDefinition`: checks the session and the inputs, binds parameters, runs the SQL,
/// and shapes the response the way docs/routes.md promises.
struct LearnerRoute: RouteHandler {
    let definition: RouteDefinition
    let sessions: SessionStore
    /// Counts requests for a `limit` line.
    let limiter: RateLimiter?
    /// The values of `secret` lines, and what the response must never show.
    var secrets = ServerSecrets(configured: [:], environment: [:])

    func respond(to request: ServerRequest, database: DatabaseAccess) async throws -> ServerResponse {
        if let refusal = refusalOverLimit(request) { return applyingHTTPLines(to: refusal, request: request) }
        let response: ServerResponse
        if isCacheable {
            let route = self
            response = try await database.cachedRead(key: cacheKey(request)) { connection, role in
                try route.answer(request, role: role, connection: connection)
            }
        } else {
            response = try await answer(request, database: database)
        }
        return finishing(response, request: request)
    }

    var mayRespondAtOnce: Bool { isCacheable }

    /// A cached response, with everything `respond` adds to it (the `limit` line counts it too).
    func respondAtOnce(to request: ServerRequest, database: DatabaseAccess) -> ServerResponse? {
        guard isCacheable, let hit = database.cachedResponse(key: cacheKey(request)) else { return nil }
        if let refusal = refusalOverLimit(request) { return applyingHTTPLines(to: refusal, request: request) }
        return finishing(hit, request: request)
    }

    func cacheKey(_ request: ServerRequest) -> String {
        "\(definition.method) \(definition.path)\u{1F}\(definition.source)\u{1F}\(request.path)?\(request.rawQuery)"
    }

    func finishing(_ response: ServerResponse, request: ServerRequest) -> ServerResponse {
        var response = response
        if definition.isUnsafe { response.headers.append(("X-Kitchen-Unsafe", "true")) }
        if definition.options.bindsUndeclared { response.headers.append(("X-Kitchen-Unsafe", "bind-undeclared")) }
        // Masked before the HTTP lines too, so a `cache` line's ETag is a hash of the masked body,
        // never of one holding the secret.
        return secrets.mask(applyingHTTPLines(to: secrets.mask(response), request: request))
    }

    /// A GET whose answer depends only on the request target and the data: no session, no
    /// spliced input, and no SQL function whose result changes between calls with the same data
    /// (a conservative look at the text: a false "no" only costs a cache miss).
    var isCacheable: Bool {
        guard definition.method == "GET", !definition.requiresAuth, !definition.isLogout, !definition.isUnsafe,
              definition.ownerSQL == nil, definition.loginSQL == nil, !definition.options.runsSeveralStatements,
              definition.options.secrets.isEmpty, let sql = definition.sql else { return false }
        let lower = sql.lowercased()
        let changing = ["random", "now", "current_", "changes", "last_insert_rowid", "sqlite_", "date", "time", "julianday",
                        "strftime", "unixepoch", "bcrypt"]
        return !changing.contains { lower.contains($0) }
    }

    /// Answers with the database work on a reader thread when the route only reads (a GET), on
    /// the writer thread otherwise; a GET whose SQL turns out to write moves to the writer.
    func answer(_ request: ServerRequest, database: DatabaseAccess) async throws -> ServerResponse {
        let route = self
        if definition.method == "GET" && definition.loginSQL == nil && !definition.isLogout && !definition.options.runsSeveralStatements {
            return try await database.read { connection, role in try route.answer(request, role: role, connection: connection) }.value
        }
        return try await database.write { connection in try route.answer(request, role: .writer, connection: connection) }
    }

    func answer(_ request: ServerRequest, role: DatabaseAccess.Role, connection: Connection) throws -> ServerResponse {
        let hasBody = ["POST", "PUT", "PATCH"].contains(request.method)
        // Inputs: the body's fields (or the query's parameters), then the path's parameters.
        var inputs: [String: JSONValue] = [:]
        for (name, value) in request.query { inputs[name] = .string(value) }
        if hasBody && !request.body.isEmpty {
            switch BodyReader.jsonObject(request) {
            case .failure(let response): return response
            case .success(let fields): for (name, value) in fields { inputs[name] = value }
            }
        } else if hasBody && !definition.rules.isEmpty {
            if case .failure(let response) = BodyReader.jsonObject(request) { return response }
        }
        for (name, value) in request.pathParameters { inputs[name] = Int64(value).map(JSONValue.integer) ?? .string(value) }

        var currentUser: Int64?
        let token = SessionStore.token(in: request)
        if definition.requiresAuth || definition.isLogout {
            guard let token, let user = sessions.user(for: token, on: connection) else {
                return .error(401, "log in first: send Authorization: Bearer TOKEN (from the login route) or the session cookie")
            }
            currentUser = user
            inputs["current_user_id"] = .integer(user)
        }
        if definition.isLogout, let token {
            sessions.close(token, on: connection)
            return ServerResponse(status: 204, headers: [("Set-Cookie", "session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")])
        }
        let problems = FieldValidation.problems(definition.rules, inputs: inputs, fromQuery: !hasBody)
        if !problems.isEmpty {
            return .error(422, "the data is not valid", extra: [("fields", .object(problems.map { ($0.0, .string($0.1)) }))])
        }
        inputs = RouteInputs.bindable(inputs, for: definition)
        if let refusal = bindSecrets(into: &inputs) { return refusal }
        do {
            return try answerWithSQL(request, inputs: inputs, currentUser: currentUser, role: role, connection: connection)
        } catch let error as DatabaseError {
            // The client gets a safe status; the learner's explanation travels in the log entry.
            var response = Self.errorResponse(error)
            if response.status == 500 {
                response.explanation = RouteStatementCheck.explanation(of: error, in: definition, connection: connection)
            }
            return response
        }
    }

    /// The owner check, the login, and the route's own statement, once the inputs are valid.
    func answerWithSQL(_ request: ServerRequest, inputs: [String: JSONValue], currentUser: Int64?,
                       role: DatabaseAccess.Role, connection: Connection) throws -> ServerResponse {
        if let ownerSQL = definition.ownerSQL, let currentUser {
            let owners = try run(ownerSQL, inputs: inputs, role: role, on: connection).rows
            guard let owner = owners.first?.first else { return .error(404, "nothing at \(request.path)") }
            guard case .integer(let ownerID) = owner, ownerID == currentUser else {
                return .error(403, "this belongs to another user")
            }
        }
        if let loginSQL = definition.loginSQL {
            let rows = try run(loginSQL, inputs: inputs, role: role, on: connection).rows
            guard case .integer(let user)? = rows.first?.first else {
                return .error(401, "wrong email or password")
            }
            let token = sessions.open(userID: user, on: connection)
            return .json(200, .object([("token", .string(token)), ("user_id", .integer(user))]),
                         headers: [("Set-Cookie", "session=\(token); HttpOnly; SameSite=Strict; Path=/")])
        }
        if definition.options.runsSeveralStatements {
            return try answerWithStatements(request, inputs: inputs, role: role, connection: connection)
        }
        guard let sql = definition.sql else { return ServerResponse(status: 204) }
        return shape(try run(sql, inputs: inputs, role: role, on: connection), request: request)
    }

    func shape(_ result: (columns: [String], rows: [[DatabaseValue]], changes: Int, lastRowID: Int64), request: ServerRequest) -> ServerResponse {
        let objects = result.rows.map { row in JSONValue.object(zip(result.columns, row).map { ($0, JSONValue($1)) }) }
        let isItemPath = definition.options.answersOne
            || definition.path.segments.last.map { if case .parameter = $0 { true } else { false } } ?? false
        switch definition.method {
        case "GET" where definition.options.answersHTML:
            return RouteHTML.render(definition.options.template, objects: objects, answersOneObject: isItemPath)
                ?? .error(404, "nothing at \(request.path)")
        case "GET":
            if isItemPath {
                guard let first = objects.first else { return .error(404, "nothing at \(request.path)") }
                return .json(200, first)
            }
            return .json(200, .array(objects))
        case "POST":
            let location = request.path.hasSuffix("/") ? request.path + "\(result.lastRowID)" : request.path + "/\(result.lastRowID)"
            return .json(201, objects.first ?? .object([("id", .integer(result.lastRowID))]), headers: [("Location", location)])
        case "DELETE":
            return result.changes == 0 && objects.isEmpty ? .error(404, "nothing at \(request.path)") : ServerResponse(status: 204)
        default:
            if result.changes == 0 && objects.isEmpty { return .error(404, "nothing at \(request.path)") }
            return .json(200, objects.first ?? .object([("changed", .integer(Int64(result.changes)))]))
        }
    }

    /// Runs one statement with named parameters bound (or, on an unsafe route, spliced).
    /// On a read connection, a statement that would write (or a PRAGMA, which may change a
    /// setting) is not run here: `NeedsWriter` sends the whole answer to the writing connection.
    func run(_ sql: String, inputs: [String: JSONValue], role: DatabaseAccess.Role, on connection: Connection) throws -> (columns: [String], rows: [[DatabaseValue]], changes: Int, lastRowID: Int64) {
        var text = sql
        if definition.isUnsafe {
            // Deliberately unsafe: the raw input becomes part of the SQL text.
            for (name, value) in inputs {
                let raw = value.stringValue ?? value.serialized()
                text = text.replacing("{\(name)}", with: raw)
            }
        }
        let before = connection.totalChanges
        let statement = try connection.prepare(text)
        if role == .reader && (!statement.isReadOnly || statement.sql.uppercased().hasPrefix("PRAGMA")) { throw DatabaseAccess.NeedsWriter() }
        try statement.bind(named: inputs.mapValues(\.databaseValue))
        let rows = try statement.fetchAll(maximumBytes: ServerLimits.maximumResultBytes)
        let changed = connection.totalChanges > before ? connection.changes : 0
        return (statement.columnNames, rows, changed, connection.lastInsertRowID)
    }

    /// The database's refusals as status codes; anything else is a 500 that does not leak the SQL.
    static func errorResponse(_ error: DatabaseError) -> ServerResponse {
        switch error.constraintKind {
        case "UNIQUE", "PRIMARY KEY": return .error(409, "conflict: that value is already taken")
        case "CHECK", "NOT NULL", "FOREIGN KEY", "DATATYPE": return .error(422, "the database refused the data (\(error.constraintKind!.lowercased()) rule)")
        default: return .error(500, "the route's SQL failed; Kitchen's prompt (or kitchen serve) shows the learner why")
        }
    }
}
