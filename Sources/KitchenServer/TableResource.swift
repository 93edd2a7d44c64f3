import KitchenSQL

/// A REST resource over one table, in json-server's spirit: `/menu` and `/menu/:id` answer
/// GET, POST, PUT, PATCH and DELETE from the table's own schema. Which tables are served, and
/// at which paths, comes from lesson files; nothing here knows about restaurants.
public struct TableResource: Sendable {
    public var path: String
    public var table: String
    /// The largest `limit` a client may ask for.
    public var maximumLimit = 500
    public var defaultLimit = 100

    public init(path: String, table: String) {
        self.path = path.hasSuffix("/") ? String(path.dropLast()) : path
        self.table = table
    }

    /// The collection and item routes of this resource.
    public func routes(origin: RouteOrigin) -> [Route] {
        let collection = PathPattern(path)
        let item = PathPattern(path + "/:id")
        return [
            Route(method: "GET", pattern: collection, origin: origin, handler: Handler(resource: self, action: .list)),
            Route(method: "POST", pattern: collection, origin: origin, handler: Handler(resource: self, action: .create)),
            Route(method: "GET", pattern: item, origin: origin, handler: Handler(resource: self, action: .show)),
            Route(method: "PUT", pattern: item, origin: origin, handler: Handler(resource: self, action: .replace)),
            Route(method: "PATCH", pattern: item, origin: origin, handler: Handler(resource: self, action: .update)),
            Route(method: "DELETE", pattern: item, origin: origin, handler: Handler(resource: self, action: .delete)),
        ]
    }

    struct Column {
        var name: String
        var type: String
        var notNull: Bool
        var hasDefault: Bool
        /// The column's DEFAULT as SQL, from the table's own definition.
        var defaultSQL: String?
        var isKey: Bool

        /// What JSON type a value must have, from SQLite's type affinity rules.
        var expected: String? {
            let upper = type.uppercased()
            if upper.contains("INT") { return "integer" }
            if upper.contains("CHAR") || upper.contains("CLOB") || upper.contains("TEXT") { return "text" }
            if upper.contains("REAL") || upper.contains("FLOA") || upper.contains("DOUB") || upper.contains("NUM") || upper.contains("DEC") { return "number" }
            return nil
        }
    }

    enum Action: Sendable { case list, create, show, replace, update, delete }

    struct Handler: RouteHandler {
        var resource: TableResource
        var action: Action

        var mayRespondAtOnce: Bool { action == .list || action == .show }

        func respondAtOnce(to request: ServerRequest, database: DatabaseAccess) -> ServerResponse? {
            guard mayRespondAtOnce, let hit = database.cachedResponse(key: cacheKey(request)) else { return nil }
            return resource.conditional(hit, request: request)
        }

        /// The answer depends on the resource, the path and the query only; headers matter just
        /// for the conditional check, made per request after the cache.
        func cacheKey(_ request: ServerRequest) -> String {
            "\(resource.table)\u{1F}\(resource.path)\u{1F}\(resource.defaultLimit)\u{1F}\(resource.maximumLimit)\u{1F}\(request.path)?\(request.rawQuery)"
        }

        func respond(to request: ServerRequest, database: DatabaseAccess) async throws -> ServerResponse {
            let resource = self.resource
            let action = self.action
            switch action {
            case .list, .show:
                let response = try await database.cachedRead(key: cacheKey(request)) { connection, _ in
                    try connection.trusted { try resource.respond(action, to: request, on: connection) }
                }
                return resource.conditional(response, request: request)
            case .create, .replace, .update, .delete:
                return try await database.write { connection in
                    try connection.trusted { try resource.respond(action, to: request, on: connection) }
                }
            }
        }
    }

    func columns(on connection: Connection) throws -> [Column] {
        let rows = try connection.fetchAllSchemaCached("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?)", arguments: [.text(table)])
        let keys = rows.filter { ($0[4].textValue ?? "0") != "0" }
        return rows.map { row in
            Column(name: row[0].textValue ?? "", type: row[1].textValue ?? "", notNull: row[2].textValue == "1",
                   hasDefault: !row[3].isNull, defaultSQL: row[3].textValue, isKey: keys.count == 1 && (row[4].textValue ?? "0") != "0")
        }
    }

    var quotedTable: String { SQLIdentifier.quote(table) }

    func respond(_ action: Action, to request: ServerRequest, on connection: Connection) throws -> ServerResponse {
        let columns = try columns(on: connection)
        guard !columns.isEmpty else {
            return .error(500, "the table \(table) behind \(path) does not exist")
        }
        let key = columns.first(where: \.isKey)?.name ?? "rowid"
        switch action {
        case .list: return try list(request, columns: columns, on: connection)
        case .show:
            guard let row = try fetch(id: request.pathParameters["id"] ?? "", key: key, columns: columns, on: connection) else {
                return notFound(request)
            }
            return withETag(.json(200, row), request: request)
        case .create: return try write(request, columns: columns, key: key, id: nil, partial: false, on: connection)
        case .replace: return try write(request, columns: columns, key: key, id: request.pathParameters["id"], partial: false, on: connection)
        case .update: return try write(request, columns: columns, key: key, id: request.pathParameters["id"], partial: true, on: connection)
        case .delete:
            guard try fetch(id: request.pathParameters["id"] ?? "", key: key, columns: columns, on: connection) != nil else {
                return notFound(request)
            }
            do {
                try run("DELETE FROM \(quotedTable) WHERE \(SQLIdentifier.quote(key)) = ?", [idValue(request.pathParameters["id"] ?? "")], on: connection)
            } catch let error as DatabaseError {
                return constraintResponse(error)
            }
            return ServerResponse(status: 204)
        }
    }

    func notFound(_ request: ServerRequest) -> ServerResponse {
        .error(404, "nothing at \(request.path): no row of \(table) has id \(request.pathParameters["id"] ?? "")")
    }

    func idValue(_ text: String) -> DatabaseValue {
        Int64(text).map(DatabaseValue.integer) ?? .text(text)
    }

    func fetch(id: String, key: String, columns: [Column], on connection: Connection) throws -> JSONValue? {
        let rows = try connection.fetchAllCached("SELECT * FROM \(quotedTable) WHERE \(SQLIdentifier.quote(key)) = ?", arguments: [idValue(id)],
                                                 maximumBytes: ServerLimits.maximumResultBytes)
        guard let row = rows.first else { return nil }
        return object(row, columns: columns)
    }

    func object(_ row: [DatabaseValue], columns: [Column]) -> JSONValue {
        .object(zip(columns, row).map { ($0.name, JSONValue($1)) })
    }

    func list(_ request: ServerRequest, columns: [Column], on connection: Connection) throws -> ServerResponse {
        var conditions: [String] = []
        var arguments: [DatabaseValue] = []
        var limit = defaultLimit
        var offset = 0
        var order = "rowid"
        let names = columns.map(\.name)
        for (name, value) in request.query {
            switch name {
            case "limit":
                guard let number = Int(value), number >= 0 else { return .error(400, "limit must be a whole number, not '\(value)'") }
                guard number <= maximumLimit else { return .error(400, "limit can be at most \(maximumLimit)") }
                limit = number
            case "offset":
                guard let number = Int(value), number >= 0 else { return .error(400, "offset must be a whole number, not '\(value)'") }
                offset = number
            case "sort":
                let descending = value.hasPrefix("-")
                let column = descending ? String(value.dropFirst()) : value
                guard names.contains(column) else {
                    return .error(400, "cannot sort by '\(column)'", extra: [("columns", .array(names.map(JSONValue.string)))])
                }
                order = SQLIdentifier.quote(column) + (descending ? " DESC" : "")
            default:
                guard names.contains(name) else {
                    return .error(400, "unknown query parameter '\(name)'", extra: [
                        ("allowed", .array((["limit", "offset", "sort"] + names).map(JSONValue.string))),
                    ])
                }
                conditions.append("\(SQLIdentifier.quote(name)) = ?")
                arguments.append(Int64(value).map(DatabaseValue.integer) ?? Double(value).map(DatabaseValue.real) ?? .text(value))
            }
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let rows = try connection.fetchAllCached("SELECT * FROM \(quotedTable)\(filter) ORDER BY \(order) LIMIT ? OFFSET ?", arguments: arguments + [.integer(Int64(limit)), .integer(Int64(offset))],
                                                 maximumBytes: ServerLimits.maximumResultBytes)
        let total = try connection.fetchAllCached("SELECT count(*) FROM \(quotedTable)\(filter)", arguments: arguments).first?.first
        let response = ServerResponse.json(200, .array(rows.map { object($0, columns: columns) }),
                                           headers: [("X-Total-Count", total?.textValue ?? "0")])
        return withETag(response, request: request)
    }

    /// ETag from the body's bytes (FNV-1a), made once per response: cached responses keep it.
    func withETag(_ response: ServerResponse, request: ServerRequest) -> ServerResponse {
        var response = response
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in response.body {
            hash ^= UInt64(byte)
            hash = hash &* 0x100000001b3
        }
        response.headers.append(("ETag", "\"" + String(hash, radix: 16) + "\""))
        return response
    }

    /// A matching If-None-Match gets 304 with no body. The comparison is weak (RFC 9110 13.1.2):
    /// `W/"tag"` matches `"tag"`.
    func conditional(_ response: ServerResponse, request: ServerRequest) -> ServerResponse {
        guard response.status == 200, let tag = response.header("ETag"), let match = request.header("If-None-Match") else { return response }
        let matches = match.split(separator: ",").contains { candidate in
            var candidate = candidate.trimmingCharacters()
            if candidate == "*" { return true }
            if candidate.hasPrefix("W/") { candidate.removeFirst(2) }
            return candidate == tag
        }
        return matches ? ServerResponse(status: 304, headers: [("ETag", tag)]) : response
    }

    /// POST (no id), PUT (`partial` false) or PATCH (`partial` true): the body is checked against
    /// the columns first, so a refused write changes nothing (helpers in TableResource+Writing).
    func write(_ request: ServerRequest, columns: [Column], key: String, id: String?, partial: Bool, on connection: Connection) throws -> ServerResponse {
        if let id, try fetch(id: id, key: key, columns: columns, on: connection) == nil {
            return notFound(request)
        }
        let fields: [(String, JSONValue)]
        switch BodyReader.jsonObject(request) {
        case .failure(let response): return response
        case .success(let pairs): fields = pairs
        }
        let problems = fieldProblems(fields, columns: columns, partial: partial)
        if !problems.isEmpty {
            return .error(422, "the \(partial ? "changes are" : "data is") not valid", extra: [("fields", .object(problems))])
        }
        let values = fields.filter { field in columns.contains { $0.name == field.0 } }
        do {
            if let id {
                return try update(id: id, values: values, columns: columns, key: key, partial: partial, on: connection)
            }
            return try insert(values, columns: columns, key: key, on: connection)
        } catch let error as DatabaseError {
            return constraintResponse(error)
        }
    }

    func run(_ sql: String, _ arguments: [DatabaseValue], on connection: Connection) throws {
        let statement = try connection.prepare(sql)
        try statement.bind(arguments)
        while try statement.step() {}
    }

    /// The database's own rules, turned into the status codes a client expects.
    func constraintResponse(_ error: DatabaseError) -> ServerResponse {
        switch error.constraintKind {
        case "UNIQUE", "PRIMARY KEY":
            return .error(409, "conflict: \(error.message)")
        case "FOREIGN KEY":
            return .error(409, "conflict: the row refers to a row that does not exist, or other rows still refer to it (\(error.message))")
        case "CHECK", "NOT NULL", "DATATYPE":
            return .error(422, "the database refused the data: \(error.message)")
        default:
            return .error(500, "the database could not do it: \(error.message)")
        }
    }
}

/// Reading JSON bodies, with the errors a learner needs.
enum BodyReader {
    enum Outcome {
        case success([(String, JSONValue)])
        case failure(ServerResponse)
    }

    /// JSON bodies must say so: `Content-Type: application/json` (or a `+json` type). A form or a
    /// `no-cors` fetch from another web site can only send text/plain, form or multipart types
    /// without the browser asking first, so requiring JSON's type keeps other sites from writing.
    static func contentTypeRefusal(_ request: ServerRequest) -> ServerResponse? {
        guard let type = request.header("Content-Type") else {
            return .error(415, "the body must be JSON: send Content-Type: application/json (the request had no Content-Type)")
        }
        let mediaType = type.split(separator: ";", maxSplits: 1).first.map { Substring($0).trimmingCharacters().lowercased() } ?? ""
        guard mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json")) else {
            return .error(415, "the body must be JSON: send Content-Type: application/json, not \(type)")
        }
        return nil
    }

    static func jsonObject(_ request: ServerRequest) -> Outcome {
        if request.body.isEmpty {
            return .failure(.error(400, "the request has no body: send a JSON object, e.g. {\"name\": \"Soup\"}"))
        }
        if let refusal = contentTypeRefusal(request) { return .failure(refusal) }
        do {
            guard case .object(let pairs) = try JSONValue.parse(request.body) else {
                return .failure(.error(400, "the body must be a JSON object ({…}), not a list or a single value"))
            }
            return .success(pairs)
        } catch let error as JSONValue.ParseError {
            return .failure(.error(400, "malformed JSON: \(error)"))
        } catch {
            return .failure(.error(400, "malformed JSON"))
        }
    }
}

extension Substring {
    func trimmingCharacters() -> String {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
