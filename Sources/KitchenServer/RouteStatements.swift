import KitchenSQL

/// Several statements in one route (`sql` lines and one `respond` line, docs/routes.md): they run
/// in the order written, inside one savepoint, so the route does all of it or none of it — an
/// order and its lines land together or not at all. The `respond` statement's result, taken when
/// it ran, is the response, shaped as a single statement's would be.
extension LearnerRoute {
    func answerWithStatements(_ request: ServerRequest, inputs: [String: JSONValue], role: DatabaseAccess.Role,
                              connection: Connection) throws -> ServerResponse {
        let options = definition.options
        // A savepoint nests inside a transaction the learner opened at the prompt, where BEGIN would fail.
        try connection.trusted { try connection.execute("SAVEPOINT kitchen_route") }
        var answer: StatementResult?
        do {
            for (index, sql) in options.statements.enumerated() {
                let result = try run(sql, inputs: inputs, role: role, on: connection)
                if index == options.responseIndex { answer = result }
            }
            try connection.trusted { try connection.execute("RELEASE kitchen_route") }
        } catch {
            try? connection.trusted {
                try connection.execute("ROLLBACK TO kitchen_route")
                try connection.execute("RELEASE kitchen_route")
            }
            throw error
        }
        guard let answer else { return ServerResponse(status: 204) }
        return shape(answer, request: request)
    }
}

/// What one statement gave: its columns and rows, the rows it changed, and the rowid it inserted.
typealias StatementResult = (columns: [String], rows: [[DatabaseValue]], changes: Int, lastRowID: Int64)
