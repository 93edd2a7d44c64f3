import KitchenSQL

/// What a check needs to grade one step: the step, its start database, the hidden variant and
/// the reference answer. Copies are cheap (`sqlite3_deserialize` of bytes held in memory).
public final class GradingContext: @unchecked Sendable {
    public let lesson: Lesson
    public let step: Step
    public let policy: SandboxPolicy
    private let makeVariant: () throws -> [UInt8]
    private var variantBytes: [UInt8]?
    /// Services later layers provide to their checks (the request log, the server…), by key.
    public var services: [String: any Sendable] = [:]
    /// What grading this step keeps between gradings (the reference's answers).
    public var memo = GradingMemo()

    public init(lesson: Lesson, step: Step, startDatabase: [UInt8], policy: SandboxPolicy, variant: @escaping () throws -> [UInt8]) {
        self.lesson = lesson
        self.step = step
        self.startDatabase = startDatabase
        self.policy = policy
        self.makeVariant = variant
    }

    /// The database the step starts from, as bytes.
    public let startDatabase: [UInt8]

    public var reference: Answer { Answer(step.solution) }

    /// A fresh copy of the step's start database.
    public func freshCopy() throws -> Connection {
        try Connection.inMemory(copying: startDatabase, policy: policy)
    }

    var makeSchemaOnly: (() throws -> [UInt8])?

    /// A fresh copy of the step's database with its schema but no rows, for plan-only checks.
    /// Falls back to a full copy when no schema-only copy can be made.
    public func freshSchemaOnlyCopy() throws -> Connection {
        guard let makeSchemaOnly else { return try freshCopy() }
        return try Connection.inMemory(copying: try makeSchemaOnly(), policy: policy)
    }

    /// A fresh copy of the step's database with every table's rows stored the other way round
    /// (`TieOrderCopy`): rows that tie on an ORDER BY come out in another order there.
    public func freshTieOrderCopy() throws -> Connection {
        let bytes = try makeTieOrderCopy?() ?? memo.value(for: "tie-order-copy") { try TieOrderCopy.make(from: startDatabase, policy: policy) }
        return try Connection.inMemory(copying: bytes, policy: policy)
    }

    /// Where the step's tie-order copies come from when steps share them (`LessonDatabases`: a
    /// step that starts from the same database as the one before uses its copies); nil: made
    /// here and kept in the step's memo.
    var makeTieOrderCopy: (() throws -> [UInt8])?
    var makeTieOrderVariant: (() throws -> [UInt8])?

    /// A fresh copy of the hidden variant of the step's database.
    public func freshVariant() throws -> Connection {
        try Connection.inMemory(copying: try variant(), policy: policy)
    }

    /// The hidden variant with every table's rows stored the other way round (`TieOrderCopy`):
    /// its copied rows, whose numbers moved, make ties of their own.
    public func freshTieOrderVariant() throws -> Connection {
        let bytes = try makeTieOrderVariant?() ?? memo.value(for: "tie-order-variant") { try TieOrderCopy.make(from: try variant(), policy: policy) }
        return try Connection.inMemory(copying: bytes, policy: policy)
    }

    /// A fresh copy of the hidden variant before its ids are renumbered: the copied rows, moved
    /// numbers, the lesson's `variant` SQL and the parent with no children are there, but every
    /// row of the step's data keeps its id. A write route whose request names a row and a user
    /// (`PATCH /appointments/3` as patient 3, its owner) is asked there about the same row by its
    /// owner, with other rows beside it (a copy of appointment 3, also patient 3's), where the
    /// renumbered variant would only answer 403 to both.
    public func freshVariantWithStepIDs() throws -> Connection {
        let bytes = try memo.value(for: "variant-with-step-ids") {
            var policy = self.policy
            policy.timeLimit = max(policy.timeLimit, 30)
            let database = try HiddenVariant.beforeRenumbering(from: startDatabase, extraSQL: lesson.setup.variantSQL, policy: policy, lesson: lesson)
            try database.trusted { try HiddenVariant.addChildlessParents(in: database) }
            return try database.serialize()
        }
        return try Connection.inMemory(copying: bytes, policy: policy)
    }

    private func variant() throws -> [UInt8] {
        if variantBytes == nil { variantBytes = try makeVariant() }
        return variantBytes!
    }
}
