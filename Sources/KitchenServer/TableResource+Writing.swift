import KitchenSQL

/// The parts of `TableResource.write`: checking a body's fields against the columns, and the
/// UPDATE or INSERT that follows.
extension TableResource {
    /// Each field that cannot be written, with why: unknown names, the key, nulls in NOT NULL
    /// columns, values of the wrong type and (for POST and PUT) required fields left out.
    func fieldProblems(_ fields: [(String, JSONValue)], columns: [Column], partial: Bool) -> [(String, JSONValue)] {
        var problems: [(String, JSONValue)] = []
        let byName = Dictionary(columns.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (name, value) in fields {
            guard let column = byName[name] else {
                problems.append((name, .string("unknown field; fields are \(columns.filter { !$0.isKey }.map(\.name).joined(separator: ", "))")))
                continue
            }
            if let problem = problem(with: value, in: column) {
                problems.append((name, .string(problem)))
            }
        }
        if !partial {
            for column in columns where column.notNull && !column.hasDefault && !column.isKey && !fields.contains(where: { $0.0 == column.name }) {
                problems.append((column.name, .string("is required")))
            }
        }
        return problems
    }

    /// Why `value` cannot go into `column`, or nil when it can.
    func problem(with value: JSONValue, in column: Column) -> String? {
        if column.isKey {
            return "is chosen by the server; leave it out"
        }
        if value.isNull {
            return column.notNull ? "must not be null" : nil
        }
        // The column's type checked as a route's rule would be: one validator for both. JSON
        // true and false are fine in an INTEGER column (SQLite keeps booleans as 0 and 1).
        guard let kind = column.expected.flatMap(FieldRule.Kind.init(rawValue:)), !(kind == .integer && value.isBool) else {
            return nil
        }
        return FieldValidation.check(FieldRule(name: column.name, required: false, kind: kind), value, fromQuery: false)
    }

    /// PUT or PATCH of row `id` with checked `values`; answers the row as it now is.
    func update(id: String, values: [(String, JSONValue)], columns: [Column], key: String, partial: Bool, on connection: Connection) throws -> ServerResponse {
        if values.isEmpty { return .error(422, "nothing to change: send at least one field") }
        var assignments = values.map { "\(SQLIdentifier.quote($0.0)) = ?" }
        if !partial {
            // PUT replaces the whole row: fields left out go back to their defaults (or NULL),
            // in the same UPDATE, so a refused PUT changes nothing.
            let others = columns.filter { column in !column.isKey && !values.contains { $0.0 == column.name } }
            for column in others where column.hasDefault || !column.notNull {
                assignments.append("\(SQLIdentifier.quote(column.name)) = \(column.defaultSQL.map { "(\($0))" } ?? "NULL")")
            }
        }
        try run("UPDATE \(quotedTable) SET \(assignments.joined(separator: ", ")) WHERE \(SQLIdentifier.quote(key)) = ?", values.map { $0.1.databaseValue } + [idValue(id)], on: connection)
        return .json(200, try fetch(id: id, key: key, columns: columns, on: connection) ?? .null)
    }

    /// POST of checked `values`; answers 201 with the new row and its Location.
    func insert(_ values: [(String, JSONValue)], columns: [Column], key: String, on connection: Connection) throws -> ServerResponse {
        let names = values.map { SQLIdentifier.quote($0.0) }.joined(separator: ", ")
        let placeholders = values.map { _ in "?" }.joined(separator: ", ")
        let sql = values.isEmpty ? "INSERT INTO \(quotedTable) DEFAULT VALUES" : "INSERT INTO \(quotedTable) (\(names)) VALUES (\(placeholders))"
        try run(sql, values.map { $0.1.databaseValue }, on: connection)
        // An integer key is the rowid SQLite chose; any other key is the one the client sent.
        let newID = key == "rowid" || columns.first(where: \.isKey)?.expected == "integer"
            ? String(connection.lastInsertRowID)
            : (values.first { $0.0 == key }?.1.stringValue ?? String(connection.lastInsertRowID))
        let row = try fetch(id: newID, key: key, columns: columns, on: connection) ?? .null
        return .json(201, row, headers: [("Location", "\(path)/\(newID)")])
    }
}
