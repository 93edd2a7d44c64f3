/// The output of EXPLAIN QUERY PLAN, as a tree of steps.
///
/// See <https://www.sqlite.org/eqp.html>.
public struct QueryPlan: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        public var id: Int
        public var parent: Int
        public var detail: String

        public init(id: Int, parent: Int, detail: String) {
            self.id = id
            self.parent = parent
            self.detail = detail
        }
    }

    public var steps: [Step]

    public init(steps: [Step]) {
        self.steps = steps
    }

    /// True when some step finds rows through an index: a `SEARCH` using an index or the integer
    /// primary key, or a `SCAN … USING INDEX` that walks an index in order (for ORDER BY). A `SCAN`
    /// of a *covering* index still reads every entry, so it does not count. With a name, only that
    /// index counts.
    public func usesIndex(named name: String? = nil) -> Bool {
        steps.contains { step in
            let detail = step.detail
            let searches = detail.hasPrefix("SEARCH ") && (detail.contains(" INDEX ") || detail.contains("PRIMARY KEY"))
            let walksInOrder = detail.hasPrefix("SCAN ") && detail.contains(" USING INDEX ")
            guard searches || walksInOrder else { return false }
            guard let name else { return true }
            return detail.contains("INDEX \(name) ") || detail.hasSuffix("INDEX \(name)")
        }
    }

    /// True when some step reads a whole table (`SCAN table` without an index).
    public var hasFullScan: Bool {
        steps.contains { $0.detail.hasPrefix("SCAN ") && !$0.detail.contains("INDEX") }
    }

    /// The plan drawn as a tree, like the sqlite3 shell's `.eqp on`.
    public var rendered: String {
        var lines = ["QUERY PLAN"]
        func draw(parent: Int, prefix: String) {
            let children = steps.filter { $0.parent == parent }
            for (index, child) in children.enumerated() {
                let last = index == children.count - 1
                lines.append(prefix + (last ? "`--" : "|--") + child.detail)
                draw(parent: child.id, prefix: prefix + (last ? "   " : "|  "))
            }
        }
        draw(parent: 0, prefix: "")
        return lines.joined(separator: "\n")
    }
}

extension Connection {
    /// The query plan of `sql` (its first statement), without running it.
    public func queryPlan(for sql: String) throws -> QueryPlan {
        let statement = try prepare("EXPLAIN QUERY PLAN " + sql)
        var steps: [QueryPlan.Step] = []
        while try statement.step() {
            let row = statement.currentRow
            guard case .integer(let id) = row[0], case .integer(let parent) = row[1] else { continue }
            steps.append(.init(id: Int(id), parent: Int(parent), detail: row[3].textValue ?? ""))
        }
        return QueryPlan(steps: steps)
    }
}
