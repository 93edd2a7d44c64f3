import CSQLite

extension Connection {
    /// Prepares the first statement of `sql`.
    public func prepare(_ sql: String) throws -> Statement {
        var found: Statement?
        try forEachStatement(in: sql) { statement in
            if found == nil { found = statement }
        }
        guard let found else {
            throw DatabaseError(extendedCode: SQLITE_MISUSE, message: "no SQL statement to run", sql: sql)
        }
        return found
    }

    /// Prepares each statement of `sql` in turn and hands it to `body` before preparing the next,
    /// so a statement may depend on what the one before it created.
    ///
    /// A statement's `offset` and a preparation error's `offset` count UTF-8 bytes from the start of
    /// `sql`, so a caret can be placed under the right token of multi-statement input.
    public func forEachStatement(in sql: String, _ body: (Statement) throws -> Void) throws {
        let bytes = Array(sql.utf8)
        var start = 0
        try bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            try base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { text in
                while start < buffer.count {
                    var statementHandle: OpaquePointer?
                    var tail: UnsafePointer<CChar>?
                    let remaining = Int32(buffer.count - start)
                    let status = sqlite3_prepare_v3(handle, text + start, remaining, 0, &statementHandle, &tail)
                    let end = tail.map { $0 - text } ?? buffer.count
                    guard status == SQLITE_OK else {
                        let statementText = Self.text(bytes, from: start, to: buffer.count)
                        throw makeError(status, sql: statementText, statementStart: start, input: bytes)
                    }
                    if let statementHandle {
                        let leading = Self.leadingWhitespace(bytes, from: start, to: end)
                        let statementSQL = Self.text(bytes, from: start + leading, to: end)
                        try body(Statement(handle: statementHandle, connection: self, sql: statementSQL, offset: start + leading))
                    }
                    if end <= start { break }
                    start = end
                }
            }
        }
    }

    /// Runs every statement in `sql`, discarding any rows.
    public func execute(_ sql: String) throws {
        try forEachStatement(in: sql) { statement in
            while try statement.step() {}
        }
    }

    /// Runs `sql` and returns all rows of its last statement.
    public func fetchAll(_ sql: String, arguments: [DatabaseValue] = []) throws -> [[DatabaseValue]] {
        var rows: [[DatabaseValue]] = []
        try forEachStatement(in: sql) { statement in
            try statement.bind(arguments)
            rows = try statement.fetchAll()
        }
        return rows
    }

    /// Runs `body` with the authorizer off, for Kitchen's own look-ups and grading queries.
    public func trusted<T>(_ body: () throws -> T) rethrows -> T {
        let previous = sandbox.trusted
        sandbox.trusted = true
        defer { sandbox.trusted = previous }
        return try body()
    }

    /// True when `sql` ends with a complete statement (SQLite's own `sqlite3_complete`).
    public static func isComplete(_ sql: String) -> Bool {
        sqlite3_complete(sql) != 0
    }
}
