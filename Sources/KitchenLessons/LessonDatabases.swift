import KitchenSQL

/// The databases a lesson's steps start from, built on demand and kept as bytes:
/// the setup, then each step's start (the setup plus every earlier step's solution), and the
/// hidden variant of each.
public final class LessonDatabases {
    public let lesson: Lesson
    public let policy: SandboxPolicy
    private var setupBytes: [UInt8]?
    private var starts: [Int: [UInt8]] = [:]
    private var variants: [Int: [UInt8]] = [:]
    private var schemas: [Int: [UInt8]] = [:]
    private var memos: [Int: GradingMemo] = [:]
    /// For a step whose start is the previous step's plus nothing but plain indexes (the
    /// previous solution only created or dropped non-unique indexes): those statements.
    private var indexOnlyChanges: [Int: [String]] = [:]
    /// Databases derived from a step's start (its tie-order copies), by what they are and the
    /// step that owns them: the first of a run of steps that start from the same database.
    private var derived: [String: [UInt8]] = [:]

    public init(lesson: Lesson, policy: SandboxPolicy = .standard) {
        self.lesson = lesson
        var policy = policy
        // Building a fixture or a 100k-row table is Kitchen's work, not the learner's: more time.
        policy.timeLimit = max(policy.timeLimit, 30)
        self.policy = policy
    }

    /// The lesson's setup: the fixture, then its own SQL. Errors name the file and what failed.
    public func setup() throws -> [UInt8] {
        if let setupBytes { return setupBytes }
        let database = try Connection(path: ":memory:", policy: policy)
        // Lesson SQL runs under the same sandbox as the learner's: a lesson file is input too,
        // and an ATTACH in it must not write outside the sandbox during lint, test or the prompt.
        if let fixture = lesson.setup.fixtureSQL {
            do { try database.execute(fixture) } catch let error as DatabaseError {
                throw LessonProblem(file: "fixtures/\(lesson.setup.fixtureName ?? "?").sql", line: nil, message: "the fixture fails: \(error.message)\(error.sql.map { " in: \($0.prefix(120))" } ?? "")")
            }
        }
        if let sql = lesson.setup.sql {
            do { try database.execute(sql) } catch let error as DatabaseError {
                throw LessonProblem(file: lesson.file, line: Self.line(of: error, in: sql, blockAt: lesson.setup.sqlLine), message: "setup.sql fails: \(error.message)\(error.sql.map { " in: \($0.prefix(120))" } ?? "")")
            }
        }
        let bytes = try database.serialize()
        setupBytes = bytes
        return bytes
    }

    /// The database step `index` (0-based) starts from.
    public func start(ofStep index: Int) throws -> [UInt8] {
        if let cached = starts[index] { return cached }
        let previous = index == 0 ? try setup() : try start(ofStep: index - 1)
        let step = lesson.steps[index]
        var bytes = previous
        let needsWork = index > 0 || step.setupSQL != nil
        if needsWork {
            let database = try Connection.inMemory(copying: previous, policy: policy)
            let earlier = index > 0 ? lesson.steps[index - 1] : nil
            if let earlier, let after = try earlier.check.databaseAfterSolution(earlier.solution, from: previous, lesson: lesson, step: index - 1, policy: policy) {
                // Requests, sent to the lesson's server: what they changed is kept.
                if after != previous {
                    try database.restore(from: after)
                } else if step.setupSQL == nil {
                    indexOnlyChanges[index] = []
                }
            } else if let earlier {
                // Earlier solutions may fail on purpose (an sql-error step); their effect is what counts.
                let run = AnswerRun.run(Answer(earlier.solution), on: database)
                if step.setupSQL == nil, run.error == nil || run.writes.isEmpty, run.writes.allSatisfy(Self.changesOnlyAnIndex) {
                    indexOnlyChanges[index] = run.writes
                }
            }
            if let sql = step.setupSQL {
                do { try database.execute(sql) } catch let error as DatabaseError {
                    throw LessonProblem(file: lesson.file, line: step.line, message: "the setup of step '\(step.id)' fails: \(error.message)")
                }
            }
            bytes = try database.serialize()
        }
        starts[index] = bytes
        return bytes
    }

    /// The hidden variant of step `index`'s start database.
    ///
    /// When the step starts from the previous one's database plus plain indexes (an index
    /// lesson's CREATE INDEX, a question step that changes nothing), its variant is the previous
    /// variant with the same statements run on it: the same rows, ids and indexes as a variant
    /// made from scratch (a non-unique index changes neither which copied rows are kept nor how
    /// rows are renumbered), without renumbering a large table once per step.
    public func variant(ofStep index: Int) throws -> [UInt8] {
        if let cached = variants[index] { return cached }
        let start = try start(ofStep: index)
        var bytes: [UInt8]?
        if let changes = indexOnlyChanges[index] {
            let previous = try variant(ofStep: index - 1)
            if changes.isEmpty {
                bytes = previous
            } else if let database = try? Connection.inMemory(copying: previous, policy: policy),
                      (try? changes.forEach { try database.execute($0) }) != nil {
                bytes = try database.serialize()
            }
        }
        let made = try bytes ?? HiddenVariant.make(from: start, extraSQL: lesson.setup.variantSQL, policy: policy, lesson: lesson)
        variants[index] = made
        return made
    }

    /// A `CREATE INDEX` (not UNIQUE: a unique one would change which rows a variant keeps) or a
    /// `DROP INDEX`.
    static func changesOnlyAnIndex(_ sql: String) -> Bool {
        let words = SQLToken.tokenize(sql).prefix(2).map(\.keyword)
        return words == ["CREATE", "INDEX"] || words == ["DROP", "INDEX"]
    }

    /// Step `index`'s start database with its schema but no rows (and the planner's statistics),
    /// for checks that only read query plans: a plan depends on the schema, not on the rows.
    public func schemaOnly(ofStep index: Int) throws -> [UInt8] {
        if let cached = schemas[index] { return cached }
        let source = try Connection.inMemory(copying: try start(ofStep: index), policy: policy)
        let empty = try Connection(path: ":memory:", policy: policy)
        try source.trusted {
            try empty.trusted {
                try empty.execute("PRAGMA foreign_keys = OFF")
                let objects = try source.fetchAll("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type = 'table' DESC, rowid")
                for object in objects {
                    if let sql = object[0].textValue { try empty.execute(sql) }
                }
                let hasStatistics = try !source.fetchAll("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'").isEmpty
                if hasStatistics {
                    try empty.execute("ANALYZE sqlite_schema")
                    for row in try source.fetchAll("SELECT tbl, idx, stat FROM sqlite_stat1") {
                        let statement = try empty.prepare("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)")
                        try statement.bind(row)
                        try statement.step()
                    }
                }
                try empty.execute("PRAGMA foreign_keys = ON")
            }
        }
        let bytes = try empty.serialize()
        schemas[index] = bytes
        return bytes
    }

    public func context(forStep index: Int) throws -> GradingContext {
        let start = try start(ofStep: index)
        let context = GradingContext(lesson: lesson, step: lesson.steps[index], startDatabase: start, policy: .standard) { [self] in
            try variant(ofStep: index)
        }
        context.makeSchemaOnly = { [self] in try schemaOnly(ofStep: index) }
        context.makeTieOrderCopy = { [self] in
            try derived("tie-order-copy", ofStep: index) { try TieOrderCopy.make(from: try self.start(ofStep: $0), policy: policy) }
        }
        context.makeTieOrderVariant = { [self] in
            try derived("tie-order-variant", ofStep: index) { try TieOrderCopy.make(from: try variant(ofStep: $0), policy: policy) }
        }
        // Only the step being graded keeps its memo: the kept reference servers hold whole database
        // copies, and SQLite's heap limit is one for the whole process, so memos of steps left
        // behind would starve every other connection (a curriculum run ends in SQLITE_NOMEM).
        if let memo = memos[index] { context.memo = memo } else { memos = [index: context.memo] }
        return context
    }

    /// The first step of the run of steps that start from the same database as step `index`
    /// (the steps between ran solutions that changed nothing: a question, a query, an HTTP
    /// request), so what is derived from that database is made once for all of them.
    func firstStepWithSameStart(as index: Int) throws -> Int {
        var first = index
        while first > 0 {
            _ = try start(ofStep: first)
            guard indexOnlyChanges[first]?.isEmpty == true else { break }
            first -= 1
        }
        return first
    }

    /// The database `kind` made by `make` from step `first`'s start, kept for every step that
    /// starts from the same database.
    private func derived(_ kind: String, ofStep index: Int, _ make: (Int) throws -> [UInt8]) throws -> [UInt8] {
        let first = try firstStepWithSameStart(as: index)
        let key = "\(kind) \(first)"
        if let kept = derived[key] { return kept }
        let made = try make(first)
        derived[key] = made
        return made
    }

    /// The file line of a failing statement inside a block scalar (`sql: |`) that starts on the
    /// line after `blockAt`.
    static func line(of error: DatabaseError, in text: String, blockAt: Int?) -> Int? {
        guard let blockAt else { return nil }
        guard let offset = error.inputOffset else { return blockAt }
        let before = Array(text.utf8).prefix(offset)
        return blockAt + 1 + before.filter { $0 == 0x0A }.count
    }
}
