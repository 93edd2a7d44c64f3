import KitchenSQL
import Synchronization

/// A database's schema in a form two databases can be compared by: what each table promises
/// (columns with their declared types, NOT NULL, defaults, primary key, UNIQUE, CHECK, foreign
/// keys), its indexes and triggers, and the views. Names of indexes and triggers, spacing, case
/// and comments do not count; a CHECK inside a comment is no CHECK.
struct NormalizedSchema: Equatable {
    struct Column: Equatable {
        var name: String
        /// The declared type, upper-cased with single spaces (`VARCHAR(20)`), or empty.
        var type: String
        var notNull: Bool
        /// The default as canonical SQL, or nil.
        var defaultValue: String?
    }

    /// A constraint or index as canonical text (for comparing) and as written (for messages).
    struct Clause: Equatable, Comparable {
        var canonical: String
        var shown: String

        static func == (a: Clause, b: Clause) -> Bool { a.canonical == b.canonical }
        static func < (a: Clause, b: Clause) -> Bool { a.canonical < b.canonical }
    }

    struct Table: Equatable {
        var name: String
        var columns: [Column]
        var primaryKey: [String]
        var unique: [Clause]
        var checks: [Clause]
        var foreignKeys: [Clause]
        var indexes: [Clause]
        var triggers: [Clause]
    }

    /// Tables by lower-cased name, in creation order.
    var tables: [Table]
    var views: [String]

    func table(_ name: String) -> Table? {
        tables.first { $0.name.lowercased() == name.lowercased() }
    }

    /// Reads the schema of `connection`'s main database (Kitchen's own look-up: authorizer off).
    /// The server's own `kitchen_sessions` table (database sessions) holds random tokens, so it
    /// is no part of what learner and reference databases must share.
    static func read(_ connection: Connection) throws -> NormalizedSchema {
        try connection.trusted {
            let objects = try connection.fetchAll("""
                SELECT type, name, tbl_name, sql FROM sqlite_schema
                WHERE name NOT LIKE 'sqlite_%' AND tbl_name <> 'kitchen_sessions' ORDER BY rowid
                """)
            // SQLite builds what the pragmas below report from the schema's SQL alone, so the
            // same SQL gives the same schema: grading reads the schemas of many copies of one
            // database, and reads it once.
            let everything = try connection.fetchAll("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY rowid")
            let key = everything.map { row in row.map { $0.textValue ?? "\u{0}" }.joined(separator: "\u{1}") }.joined(separator: "\u{2}")
            if let known = readSchemas.withLock({ $0[key] }) { return known }
            let schema = try read(objects, on: connection)
            readSchemas.withLock { schemas in
                if schemas.count >= 256 { schemas.removeAll() }
                schemas[key] = schema
            }
            return schema
        }
    }

    /// Schemas already read, by the `sqlite_schema` rows they were read from.
    private static let readSchemas = Mutex<[String: NormalizedSchema]>([:])

    /// The schema of `objects` (rows of `sqlite_schema`), with the details the pragmas of
    /// `connection` give.
    private static func read(_ objects: [[DatabaseValue]], on connection: Connection) throws -> NormalizedSchema {
        var tables: [Table] = []
        var views: [String] = []
        var indexes: [String: [Clause]] = [:]
        var triggers: [String: [Clause]] = [:]
        for object in objects {
            let type = object[0].textValue ?? ""
            let name = object[1].textValue ?? ""
            let tableName = (object[2].textValue ?? "").lowercased()
            let sql = object[3].textValue
            switch type {
            case "table":
                tables.append(try readTable(name, sql: sql ?? "", on: connection))
            case "view":
                views.append(name)
            case "index":
                // Indexes SQLite makes for UNIQUE and PRIMARY KEY have no SQL; they are the
                // constraints, compared with the table.
                guard let sql else { continue }
                indexes[tableName, default: []].append(indexClause(sql))
            case "trigger":
                guard let sql else { continue }
                triggers[tableName, default: []].append(triggerClause(sql))
            default:
                continue
            }
        }
        for index in tables.indices {
            let key = tables[index].name.lowercased()
            tables[index].indexes = (indexes[key] ?? []).sorted()
            tables[index].triggers = (triggers[key] ?? []).sorted()
        }
        return NormalizedSchema(tables: tables, views: views)
    }

    private static func readTable(_ name: String, sql: String, on connection: Connection) throws -> Table {
        let info = try connection.fetchAll("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?)", arguments: [.text(name)])
        var columns: [Column] = []
        var keyed: [(Int64, String)] = []
        for row in info {
            let columnName = row[0].textValue ?? ""
            let type = SQLToken.tokenize(row[1].textValue ?? "").map { $0.text.uppercased() }.joined(separator: " ")
                .replacing(" (", with: "(").replacing("( ", with: "(").replacing(" )", with: ")").replacing(" ,", with: ",")
            let defaultValue = row[3].textValue.map(canonicalDefault)
            columns.append(Column(name: columnName, type: type, notNull: row[2] == .integer(1), defaultValue: defaultValue))
            if case .integer(let position) = row[4], position > 0 { keyed.append((position, columnName.lowercased())) }
        }
        var unique: [Clause] = []
        for index in try connection.fetchAll("SELECT name, origin, partial FROM pragma_index_list(?) WHERE origin = 'u'", arguments: [.text(name)]) {
            let indexName = index[0].textValue ?? ""
            let names = try connection.fetchAll("SELECT name FROM pragma_index_info(?) ORDER BY seqno", arguments: [.text(indexName)])
                .map { $0[0].textValue?.lowercased() ?? "?" }
            unique.append(Clause(canonical: names.sorted().joined(separator: ","), shown: "UNIQUE (\(names.joined(separator: ", ")))"))
        }
        var foreignKeys: [Clause] = []
        let keys = try connection.fetchAll("SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq", arguments: [.text(name)])
        var grouped: [(id: Int64, parent: String, from: [String], to: [String?], onUpdate: String, onDelete: String)] = []
        for key in keys {
            guard case .integer(let id) = key[0] else { continue }
            if grouped.last?.id != id {
                grouped.append((id, key[1].textValue ?? "", [], [], key[4].textValue ?? "NO ACTION", key[5].textValue ?? "NO ACTION"))
            }
            grouped[grouped.count - 1].from.append(key[2].textValue ?? "")
            grouped[grouped.count - 1].to.append(key[3].textValue)
        }
        for key in grouped {
            var to = key.to.compactMap { $0 }
            if to.count != key.to.count {
                // `REFERENCES customers` without columns means the parent's primary key.
                to = try connection.fetchAll("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", arguments: [.text(key.parent)])
                    .compactMap { $0[0].textValue }
            }
            var shown = "(\(key.from.joined(separator: ", "))) REFERENCES \(key.parent)(\(to.joined(separator: ", ")))"
            if key.onDelete != "NO ACTION" { shown += " ON DELETE \(key.onDelete)" }
            if key.onUpdate != "NO ACTION" { shown += " ON UPDATE \(key.onUpdate)" }
            foreignKeys.append(Clause(canonical: shown.lowercased(), shown: shown))
        }
        return Table(
            name: name, columns: columns,
            primaryKey: keyed.sorted { $0.0 < $1.0 }.map(\.1),
            unique: unique.sorted(), checks: checkClauses(sql).sorted(), foreignKeys: foreignKeys.sorted(),
            indexes: [], triggers: [])
    }

    /// The CHECK constraints written in a CREATE TABLE statement, as canonical text.
    static func checkClauses(_ sql: String) -> [Clause] {
        let tokens = SQLToken.tokenize(sql)
        var clauses: [Clause] = []
        var index = 0
        while index < tokens.count {
            if tokens[index].keyword == "CHECK", index + 1 < tokens.count, tokens[index + 1].text == "(" {
                let end = SQLToken.closing(tokens, from: index + 1)
                let inside = tokens[(index + 2)..<max(index + 2, end - 1)]
                let shownText = inside.isEmpty ? "" : String(decoding: Array(sql.utf8)[inside.first!.start..<inside.last!.end], as: UTF8.self)
                clauses.append(Clause(canonical: SQLToken.canonical(inside), shown: "CHECK (\(shownText))"))
                index = end
            } else {
                index += 1
            }
        }
        return clauses
    }

    /// `CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON table (…) [WHERE …]` without its name.
    static func indexClause(_ sql: String) -> Clause {
        let tokens = SQLToken.tokenize(sql)
        let unique = tokens.contains { $0.keyword == "UNIQUE" }
        let on = tokens.firstIndex { $0.keyword == "ON" } ?? tokens.count
        let rest = tokens[on...].dropFirst(2)
        let restText = rest.isEmpty ? "" : String(decoding: Array(sql.utf8)[rest.first!.start..<rest.last!.end], as: UTF8.self)
        return Clause(canonical: (unique ? "unique " : "") + SQLToken.canonical(rest),
                      shown: (unique ? "a UNIQUE index on " : "an index on ") + restText)
    }

    /// A trigger's SQL without its name.
    static func triggerClause(_ sql: String) -> Clause {
        var tokens = SQLToken.tokenize(sql)
        if let keyword = tokens.firstIndex(where: { $0.keyword == "TRIGGER" }) {
            var nameIndex = keyword + 1
            if nameIndex + 2 < tokens.count, tokens[nameIndex].keyword == "IF", tokens[nameIndex + 1].keyword == "NOT" { nameIndex += 3 }
            if nameIndex + 2 < tokens.count, tokens[nameIndex + 1].text == "." { tokens.remove(at: nameIndex); tokens.remove(at: nameIndex) }
            if nameIndex < tokens.count { tokens[nameIndex].text = "_" }
        }
        let name = triggerName(sql) ?? "?"
        return Clause(canonical: SQLToken.canonical(tokens), shown: "a trigger \(name)")
    }

    static func triggerName(_ sql: String) -> String? {
        let tokens = SQLToken.tokenize(sql)
        guard var index = tokens.firstIndex(where: { $0.keyword == "TRIGGER" }) else { return nil }
        index += 1
        if index + 2 < tokens.count, tokens[index].keyword == "IF" { index += 3 }
        if index + 2 < tokens.count, tokens[index + 1].text == "." { index += 2 }
        return index < tokens.count ? tokens[index].text : nil
    }

    /// A default as canonical SQL: `0`, `(0)` and `( 0 )` are the same default.
    static func canonicalDefault(_ text: String) -> String {
        var tokens = SQLToken.tokenize(text)
        while tokens.count >= 2, tokens.first?.text == "(", SQLToken.closing(tokens, from: 0) == tokens.count {
            tokens = Array(tokens.dropFirst().dropLast())
        }
        if tokens.count == 1, tokens[0].kind == .number, let number = Double(tokens[0].text) {
            return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        }
        return SQLToken.canonical(tokens)
    }
}
