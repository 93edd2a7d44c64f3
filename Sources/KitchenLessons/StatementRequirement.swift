import KitchenSupport
import Yams

/// A statement a step's answer must include, for steps about *how* the data got where it is, not
/// only where it is: a transaction step whose database is right but whose statements never ran
/// `COMMIT` (the tutor grades after every statement, so the right rows are visible to the
/// learner's own connection before COMMIT), or a rollback step answered without `ROLLBACK`.
///
/// A step's requirements are matched, in the order listed, against the answer's statements as
/// they ran on a fresh copy (a statement that failed does not count): each requirement must be
/// met by a statement after the one that met the requirement before it. A statement meets a
/// requirement when its first words are those of one of the requirement's alternatives, compared
/// as SQL tokens (keywords and names without case or quotes; comments and spacing ignored), so
/// `COMMIT` is met by `commit;` and by `COMMIT TRANSACTION`, and `INSERT INTO orders` by
/// `insert into "orders" (…)`.
public struct StatementRequirement: Sendable {
    /// The alternatives: each the first words of a statement that meets the requirement.
    public var alternatives: [String]
    /// The author's words for a learner whose statements miss it.
    public var message: String?
    public var line: Int

    public init(alternatives: [String], message: String? = nil, line: Int = 0) {
        self.alternatives = alternatives
        self.message = message
        self.line = line
    }

    /// The alternatives as one phrase: "COMMIT (or END)".
    var described: String {
        guard let first = alternatives.first else { return "" }
        let others = alternatives.dropFirst()
        return others.isEmpty ? first : "\(first) (or \(others.joined(separator: ", or ")))"
    }

    /// Whether `statement` begins with one of the alternatives' words.
    public func isMet(by statement: String) -> Bool {
        let tokens = SQLToken.tokenize(statement)
        return alternatives.contains { alternative in
            let wanted = SQLToken.tokenize(alternative)
            guard !wanted.isEmpty, tokens.count >= wanted.count else { return false }
            return zip(wanted, tokens).allSatisfy(Self.sameToken)
        }
    }

    static func sameToken(_ wanted: SQLToken, _ actual: SQLToken) -> Bool {
        if let name = wanted.name, let other = actual.name { return name == other }
        return wanted.kind == actual.kind && wanted.text == actual.text
    }

    /// The first requirement `statements` do not meet in order, with the requirement met before
    /// it (nil when it is the first); nil when all are met.
    public static func firstUnmet(_ requirements: [StatementRequirement], in statements: [String]) -> (missing: StatementRequirement, after: StatementRequirement?)? {
        var position = statements.startIndex
        var previous: StatementRequirement?
        for requirement in requirements {
            guard let found = statements[position...].firstIndex(where: requirement.isMet) else {
                return (requirement, previous)
            }
            position = statements.index(after: found)
            previous = requirement
        }
        return nil
    }

    /// The learner's explanation of a missing statement: the summary names what is missing, the
    /// details give the whole order and the author's message.
    static func verdict(missing: StatementRequirement, after previous: StatementRequirement?, all: [StatementRequirement]) -> Verdict {
        let order = all.map(\.described).joined(separator: ", then ")
        let place = previous.map { " after \($0.described)" } ?? ""
        return .fail("Not yet: the data is right, but your statements have no \(missing.described)\(place).",
                     ["This step asks for these statements, in this order: \(order)."] + (missing.message.map { [$0] } ?? []))
    }

    static func parse(_ node: Node, file: String, step: String) throws -> StatementRequirement {
        if case .scalar(let scalar) = node {
            // The short form: `- COMMIT`.
            return try make([scalar.string], message: nil, file: file, line: node.mark?.line ?? 0, step: step)
        }
        let entry = try YAMLReader(node, file: file, what: "a statement requirement")
        try entry.checkKeys(allowed: ["starts-with", "message"], what: "a statement requirement")
        guard let alternatives = try entry.stringList("starts-with") else {
            throw entry.problem("a statement requirement of step '\(step)' needs 'starts-with'")
        }
        return try make(alternatives, message: try entry.optionalString("message"), file: file, line: entry.line(of: "starts-with"), step: step)
    }

    private static func make(_ alternatives: [String], message: String?, file: String, line: Int, step: String) throws -> StatementRequirement {
        let cleaned = alternatives.map(\.trimmed)
        guard !cleaned.isEmpty, cleaned.allSatisfy({ !SQLToken.tokenize($0).isEmpty }) else {
            throw LessonProblem(file: file, line: line, message: "a statement requirement of step '\(step)' needs the first words of a statement, e.g. COMMIT")
        }
        return StatementRequirement(alternatives: cleaned, message: message, line: line)
    }
}
