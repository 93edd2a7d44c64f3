/// What the database holds, read from `sqlite_schema` and `pragma_table_info`.
/// Used for completion, `.tables`, and for explaining "no such table/column" errors.
public struct Schema: Sendable, Equatable {
    public struct Table: Sendable, Equatable {
        public var name: String
        public var type: String
        public var sql: String?
        public var columns: [String]
    }

    public var tables: [Table]
    /// CREATE statements of every object (tables, indexes, views, triggers), in creation order.
    public var statements: [(name: String, tableName: String, sql: String)]

    public static func == (lhs: Schema, rhs: Schema) -> Bool {
        lhs.tables == rhs.tables && lhs.statements.map(\.sql) == rhs.statements.map(\.sql)
    }

    public var tableNames: [String] { tables.map(\.name) }

    public func table(named name: String) -> Table? {
        tables.first { $0.name.lowercased() == name.lowercased() }
    }

    public var allColumnNames: [String] {
        var seen = Set<String>()
        return tables.flatMap(\.columns).filter { seen.insert($0.lowercased()).inserted }
    }
}

extension Connection {
    /// Reads the current schema. Kitchen's own query: it bypasses the authorizer.
    public func schema() throws -> Schema {
        try trusted {
            let objects = try fetchAll("""
                SELECT type, name, tbl_name, sql FROM sqlite_schema
                WHERE name NOT LIKE 'sqlite_%' ORDER BY rowid
                """)
            var tables: [Schema.Table] = []
            var statements: [(name: String, tableName: String, sql: String)] = []
            for object in objects {
                let type = object[0].textValue ?? ""
                let name = object[1].textValue ?? ""
                let tableName = object[2].textValue ?? ""
                if let sql = object[3].textValue { statements.append((name, tableName, sql)) }
                guard type == "table" || type == "view" else { continue }
                let columns = try fetchAll("SELECT name FROM pragma_table_info(?)", arguments: [.text(name)])
                tables.append(.init(name: name, type: type, sql: object[3].textValue, columns: columns.compactMap { $0[0].textValue }))
            }
            return Schema(tables: tables, statements: statements)
        }
    }
}
