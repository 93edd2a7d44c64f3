import KitchenSQL

/// `sql-state`: after the answer's statements, the database must hold what it holds after the
/// reference's. The step's `queries` are compared first (their messages are the most specific);
/// then the whole database (its normalised schema and every table's rows), unless `tables` limits
/// the comparison to some tables or `scope: queries` to the queries alone. Then the same on the
/// hidden variant (`variantVerdict`), unless the step says `variant: same`.
public struct SQLStateCheck: Check {
    public var queries: [String]
    public var tables: [String]
    /// False when only the queries are compared (`scope: queries`).
    public var wholeDatabase: Bool
    /// False with `variant: same`: the answer is not replayed on the hidden variant.
    public var checkVariant: Bool

    public init(queries: [String], tables: [String], wholeDatabase: Bool = true, checkVariant: Bool = true) {
        self.queries = queries
        self.tables = tables
        self.wholeDatabase = wholeDatabase
        self.checkVariant = checkVariant
    }

    public static let kind = CheckKind(name: "sql-state", options: ["queries", "tables", "scope", "variant"]) { options in
        let scope = try options.choice("scope", ["database", "queries"]) ?? "database"
        let queries = try options.strings("queries") ?? []
        if scope == "queries" && queries.isEmpty {
            throw options.problem("'scope: queries' compares only the step's queries, so the check needs 'queries'", key: "scope")
        }
        let variant = try options.choice("variant", ["check", "same"]) ?? "check"
        return SQLStateCheck(queries: queries, tables: try options.strings("tables") ?? [], wholeDatabase: scope == "database", checkVariant: variant == "check")
    }

    public func grade(_ answer: Answer, in context: GradingContext) throws -> Verdict {
        guard !answer.isEmpty else {
            return .fail("No answer yet: run the statements that change the database.")
        }
        let learnerDatabase = try context.freshCopy()
        let learner = AnswerRun.run(answer, on: learnerDatabase)
        if let verdict = SQLVerdicts.failed(learner) { return verdict }
        let referenceDatabase = try context.freshCopy()
        let reference = AnswerRun.run(context.reference, on: referenceDatabase)
        if let error = reference.error {
            throw LessonProblem(file: context.lesson.file, line: context.step.line, message: "the solution of step '\(context.step.id)' fails: \(error.message)")
        }
        if let differences = try compare(learner: learnerDatabase, reference: referenceDatabase, start: try context.freshCopy()) {
            return .fail("Not yet: the database does not hold what it should after your statements.", differences)
        }
        if let verdict = try orderByChance(answer, reference: referenceDatabase, in: context) { return verdict }
        if let verdict = try tiesByChance(answer, reference: referenceDatabase, in: context) { return verdict }
        if checkVariant, let verdict = try variantVerdict(answer, in: context) { return verdict }
        return .pass("Correct: the database now holds exactly what it should.")
    }

    /// The answer once more with unordered rows read the other way round: `DELETE … WHERE id IN
    /// (SELECT id … LIMIT 3)` without ORDER BY picks today's three rows by chance. Only when the
    /// reference leaves the same database that way.
    func orderByChance(_ answer: Answer, reference: Connection, in context: GradingContext) throws -> Verdict? {
        let stable = try context.memo.value(for: "sql-state-reference-reversed-stable") {
            let reversed = try context.freshCopy()
            try reversed.readUnorderedRowsReversed()
            guard AnswerRun.run(context.reference, on: reversed).error == nil else { return false }
            return try compare(learner: reversed, reference: reference) == nil
        }
        guard stable else { return nil }
        let learnerDatabase = try context.freshCopy()
        try learnerDatabase.readUnorderedRowsReversed()
        if let error = AnswerRun.run(answer, on: learnerDatabase).error {
            return .fail("Your statements fail when SQLite reads the rows in another order: \(error.message)")
        }
        guard let differences = try compare(learner: learnerDatabase, reference: reference, start: try context.freshCopy()) else { return nil }
        return .fail("Your statements pick their rows by chance: without ORDER BY, SQLite promises no order, and when it reads the rows another way your statements change other rows. Say ORDER BY.",
                     [RowOrderByChance.explanation] + differences)
    }

    /// The answer once more on a copy of the step's data holding the same rows stored the other
    /// way round (`TieOrderCopy`): `DELETE … WHERE class_id IN (SELECT id FROM classes ORDER BY
    /// price LIMIT 2)`, where two classes tie on price and the task orders them by title, deletes
    /// today's rows only because the tied rows are stored in title order. Only for an answer with
    /// an ORDER BY (the run above covers one without), and only when the reference leaves the same
    /// rows there as here: not when it leans on ties itself, nor when it inserts rows without
    /// their ids (an INTEGER PRIMARY KEY is no rowid on that copy, so such a row gets no id).
    func tiesByChance(_ answer: Answer, reference: Connection, in context: GradingContext) throws -> Verdict? {
        guard !RowOrderByChance.namesRowid(answer), RowOrderByChance.ordersRows(answer.text) else { return nil }
        let referenceOnCopy: [UInt8]? = try context.memo.value(for: "sql-state-reference-ties") {
            let copy = try context.freshTieOrderCopy()
            guard AnswerRun.run(context.reference, on: copy).error == nil else { return nil }
            let sameRowsStoredBackwards = try Connection.inMemory(copying: try TieOrderCopy.make(from: try reference.serialize(), policy: context.policy),
                                                                  policy: context.policy)
            guard try compare(learner: copy, reference: sameRowsStoredBackwards) == nil else { return nil }
            return try copy.serialize()
        }
        guard let referenceOnCopy else { return nil }
        let learnerDatabase = try context.freshTieOrderCopy()
        if let error = AnswerRun.run(answer, on: learnerDatabase).error {
            return .fail("Your statements fail when the same rows are stored in another order: \(error.message)")
        }
        let referenceDatabase = try Connection.inMemory(copying: referenceOnCopy, policy: context.policy)
        guard let differences = try compare(learner: learnerDatabase, reference: referenceDatabase, start: try context.freshTieOrderCopy()) else { return nil }
        return .fail("Your statements pick their rows by chance: rows that tie on your ORDER BY (the same values in every column it names) come out in any order, and with the same rows stored in another order your statements change other rows. Add a tie-break to ORDER BY: the column the task orders equal rows by.",
                     [RowOrderByChance.tieExplanation] + differences)
    }

    /// The answer replayed on the hidden variant must leave it as the reference does there: an
    /// `UPDATE … WHERE id IN (3, 5, 7)` for "every drink" changes other rows once ids and rows
    /// differ.
    ///
    /// When the reference itself names rows by id (the task said "order 5", or "look up the
    /// category's id first" and the reference writes `2`), an answer that computes the id
    /// (`(SELECT id FROM categories WHERE name = 'Soups')`) is right too, but lands elsewhere on
    /// renumbered ids. So the reference is first run on the variant before renumbering, its ids
    /// then moved as the renumbering moves them; if that equals the reference run after the
    /// renumbering, the reference does not depend on ids and the answer is compared there.
    /// Otherwise it is compared on the variant with the step's ids (other rows, other values).
    func variantVerdict(_ answer: Answer, in context: GradingContext) throws -> Verdict? {
        guard let kept = try context.memo.value(for: "sql-state-variant", { try Self.variantReference(context) }) else { return nil }
        let learnerDatabase = try Connection.inMemory(copying: kept.start, policy: context.policy)
        let learner = AnswerRun.run(answer, on: learnerDatabase)
        let referenceDatabase = try Connection.inMemory(copying: kept.reference, policy: context.policy)
        let intro = "Your statements give the right database for today's rows, but not on a hidden variant of the data (same tables, other rows\(kept.renumbered ? ", other ids" : "")): the statements must work for any data. Do they name rows by their ids or values instead of by the condition the task gives?"
        if let error = learner.error {
            return .fail(intro, ["On the variant, your SQL fails: \(error.message)"])
        }
        let start = try Connection.inMemory(copying: kept.start, policy: context.policy)
        if let differences = try compare(learner: learnerDatabase, reference: referenceDatabase, start: start) {
            return .fail(intro, differences)
        }
        return nil
    }

    /// What the learner's answer is replayed on (`start`) and the database the reference leaves
    /// there; nil when the reference fails on the variant (no ruling).
    struct VariantReference: Sendable {
        var start: [UInt8]
        var reference: [UInt8]
        var renumbered: Bool
    }

    static func variantReference(_ context: GradingContext) throws -> VariantReference? {
        var policy = context.policy
        policy.timeLimit = max(policy.timeLimit, 30)
        let before = try HiddenVariant.beforeRenumbering(from: context.startDatabase, extraSQL: context.lesson.setup.variantSQL,
                                                         policy: policy, lesson: context.lesson).serialize()
        func open(_ bytes: [UInt8]) throws -> Connection { try HiddenVariant.scratchCopy(of: bytes, policy: policy) }
        // The reference with the step's ids, its ids moved afterwards.
        let movedAfter = try open(before)
        let plan = try movedAfter.trusted { try HiddenVariant.planRenumbering(in: movedAfter) }
        guard AnswerRun.run(context.reference, on: movedAfter).error == nil else { return nil }
        try movedAfter.trusted { try HiddenVariant.applyRenumbering(plan, in: movedAfter) }
        // The reference on the renumbered variant.
        let renumberedStart = try open(before)
        try renumberedStart.trusted { try HiddenVariant.renumberRowids(in: renumberedStart) }
        let renumberedBytes = try renumberedStart.serialize()
        let onRenumbered = try open(renumberedBytes)
        // The start chosen, with its parent that has no children (`addChildlessParents`, as the
        // variant every other check uses has), and the reference run there.
        func kept(_ start: [UInt8], renumbered: Bool) throws -> VariantReference? {
            let database = try open(start)
            try database.trusted { try HiddenVariant.addChildlessParents(in: database) }
            let startBytes = try database.serialize()
            guard AnswerRun.run(context.reference, on: database).error == nil else { return nil }
            return VariantReference(start: startBytes, reference: try database.serialize(), renumbered: renumbered)
        }
        if AnswerRun.run(context.reference, on: onRenumbered).error == nil,
           try DatabaseComparison().differences(learner: movedAfter, reference: onRenumbered, start: nil) == nil {
            return try kept(renumberedBytes, renumbered: true)
        }
        return try kept(before, renumbered: false)
    }

    /// Nil when both databases agree on what this check looks at. With `start` (the database
    /// before any statement), a change to a table the step does not touch is named as such.
    public func compare(learner: Connection, reference: Connection, start: Connection? = nil) throws -> [String]? {
        let diff = ResultDiff()
        for query in queries {
            let expected = try Self.fetch(query, on: reference)
            let actual: ResultSet
            do {
                actual = try Self.fetch(query, on: learner)
            } catch let error as DatabaseError {
                return ["After your statements, this query fails (\(error.message)): \(query)"]
            }
            if let differences = diff.differences(expected: expected, actual: actual) {
                return ["After your statements, \(query) gives a different result:"] + differences
            }
        }
        guard wholeDatabase else { return nil }
        return try DatabaseComparison(tables: tables).differences(learner: learner, reference: reference, start: start)
    }

    static func fetch(_ query: String, on connection: Connection) throws -> ResultSet {
        try DatabaseComparison.fetch(query, on: connection)
    }
}
