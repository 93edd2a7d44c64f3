/// A lesson: an ordered list of steps on one sandbox database. Loaded from a file in `lessons/`;
/// Kitchen holds no lesson knowledge of its own.
public struct Lesson: Sendable {
    public var id: String
    public var title: String
    public var summary: String
    public var requires: [String]
    public var setup: LessonSetup
    public var steps: [Step]
    /// What the mini-server serves while this lesson is open.
    public var server: ServerSpec?
    /// Where the lesson came from, for error messages.
    public var file: String
    /// The line of the lesson's `id:`.
    public var idLine: Int = 1

    public func step(_ reference: String) -> Step? {
        if let number = Int(reference), number >= 1, number <= steps.count { return steps[number - 1] }
        return steps.first { $0.id == reference }
    }

    public func index(of stepID: String) -> Int? {
        steps.firstIndex { $0.id == stepID }
    }
}

/// How the lesson's database is made: a shared fixture, then the lesson's own SQL.
public struct LessonSetup: Sendable {
    /// SQL text of the fixture file, already read.
    public var fixtureSQL: String?
    public var fixtureName: String?
    public var sql: String?
    /// SQL applied on top of the automatic perturbation to make the hidden variant.
    public var variantSQL: String?
    /// Lines of `sql:` and `variant:` in the lesson file, for error messages.
    public var sqlLine: Int?
    public var variantLine: Int?

    public init(fixtureSQL: String? = nil, fixtureName: String? = nil, sql: String? = nil, variantSQL: String? = nil) {
        self.fixtureSQL = fixtureSQL
        self.fixtureName = fixtureName
        self.sql = sql
        self.variantSQL = variantSQL
    }
}

public struct Step: Sendable {
    public var id: String
    public var title: String
    public var text: String
    public var task: String
    public var check: any Check
    public var checkKind: String
    public var hints: [String]
    public var solution: String
    public var wrongAnswers: [WrongAnswer]
    /// SQL run when the step starts, after the earlier steps' solutions.
    public var setupSQL: String?
    /// Statements run after a passing answer that must be refused or must succeed.
    public var probes: [BehaviourProbe] = []
    /// Statements the answer must include, in this order (a transaction's BEGIN and COMMIT).
    public var statements: [StatementRequirement] = []
    /// Where the step starts in its file, for error messages.
    public var line: Int
}

/// A known-wrong answer: it must fail, with an explanation containing `expect`.
public struct WrongAnswer: Sendable {
    public var answer: String
    public var expect: String
    /// The author's explanation for a learner who gives exactly this answer.
    public var message: String?
    public var line: Int
}
