import KitchenSQL
import KitchenSupport

/// One way of grading an answer. Each check kind (`sql-result`, `choice`, …) parses its options
/// once, when the lesson loads, into a value of a type conforming to this protocol.
public protocol Check: Sendable {
    /// Grades `answer` against the step's reference, on fresh copies of the step's databases.
    func grade(_ answer: Answer, in context: GradingContext) throws -> Verdict

    /// Problems with the step itself that `kitchen lessons test` must report (for example a
    /// result that a hard-coded answer could reproduce). Empty when the step is sound.
    func selfTest(in context: GradingContext) throws -> [String]

    /// Lines shown with the task (a choice question's options).
    var presentation: [String] { get }

    /// How the learner answers: by running SQL, with `.answer TEXT`, or by sending HTTP requests.
    var answerKind: AnswerKind { get }

    /// Whether two answers are the same answer, for recognising a known-wrong one
    /// (a choice's letter and its text are the same answer).
    func isSameAnswer(_ first: Answer, _ second: Answer) -> Bool

    /// The database the next step starts from, when this step's solution is not SQL: each step
    /// starts from the setup plus every earlier step's solution, so a review posted in one step
    /// is on the page in the next. `bytes` is this step's start (step `index`, 0-based). Nil,
    /// the default: the solution is SQL, and runs as such.
    func databaseAfterSolution(_ solution: String, from bytes: [UInt8], lesson: Lesson, step index: Int, policy: SandboxPolicy) throws -> [UInt8]?
}

extension Check {
    public func selfTest(in context: GradingContext) throws -> [String] { [] }
    public var presentation: [String] { [] }
    public var answerKind: AnswerKind { .sql }
    public func isSameAnswer(_ first: Answer, _ second: Answer) -> Bool { first.normalized == second.normalized }
    public func databaseAfterSolution(_ solution: String, from bytes: [UInt8], lesson: Lesson, step index: Int, policy: SandboxPolicy) throws -> [UInt8]? { nil }
}

/// A named check kind and how to build it from a step's `check:` options.
public struct CheckKind: Sendable {
    public var name: String
    /// The option keys this kind accepts, besides `kind`.
    public var options: Set<String>
    public var make: @Sendable (CheckOptions) throws -> any Check

    public init(name: String, options: Set<String>, make: @escaping @Sendable (CheckOptions) throws -> any Check) {
        self.name = name
        self.options = options
        self.make = make
    }
}

/// The check kinds a loader knows. Later layers (HTTP, routes) register theirs.
public struct CheckRegistry: Sendable {
    public private(set) var kinds: [String: CheckKind] = [:]
    /// Checks the route definitions of a lesson's `server: routes:` (the route language lives in
    /// the server module): nil when they are fine, else the line within the text and the problem.
    public var routeValidator: (@Sendable (String) -> (line: Int, message: String)?)?

    public init(_ kinds: [CheckKind] = []) {
        for kind in kinds { register(kind) }
    }

    public mutating func register(_ kind: CheckKind) {
        kinds[kind.name] = kind
    }

    public var names: [String] { kinds.keys.sorted() }

    /// The SQL and concept checks.
    public static let standard = CheckRegistry([
        SQLResultCheck.kind, SQLStateCheck.kind, SQLPlanCheck.kind, SQLErrorCheck.kind, ChoiceCheck.kind,
    ])
}

/// A check's options as written in the lesson, with errors that point at the file and line.
public struct CheckOptions {
    let reader: YAMLReader

    public func string(_ key: String) throws -> String? { try reader.optionalString(key) }
    public func strings(_ key: String) throws -> [String]? { try reader.stringList(key) }
    public func bool(_ key: String) throws -> Bool? { try reader.bool(key) }
    public func number(_ key: String) throws -> Double? { try reader.double(key) }
    public func choice(_ key: String, _ values: [String]) throws -> String? { try reader.choice(key, values) }
    public func problem(_ message: String, key: String? = nil) -> LessonProblem {
        reader.problem(message, at: key.map { reader.line(of: $0) })
    }
}

/// The outcome of grading: pass or fail, always with an explanation.
public struct Verdict: Sendable, Equatable {
    public var passed: Bool
    public var summary: String
    public var details: [String]

    public init(passed: Bool, summary: String, details: [String] = []) {
        self.passed = passed
        self.summary = summary
        self.details = details
    }

    public static func pass(_ summary: String, _ details: [String] = []) -> Verdict {
        Verdict(passed: true, summary: summary, details: details)
    }

    public static func fail(_ summary: String, _ details: [String] = []) -> Verdict {
        Verdict(passed: false, summary: summary, details: details)
    }

    /// Summary and details as one text.
    public var explanation: String {
        ([summary] + details).joined(separator: "\n")
    }
}

/// How a step is answered.
public enum AnswerKind: Sendable, Equatable {
    /// SQL statements, run at the prompt (or given to `kitchen check`).
    case sql
    /// A choice or a short text, given with `.answer`.
    case text
    /// HTTP requests in the prompt's syntax, separated by lines of `###`.
    case http
    /// Route definitions (docs/routes.md): the learner's routes.
    case routes
}

/// A learner's answer: SQL statements, the text of a choice, or HTTP requests.
public struct Answer: Sendable, Equatable {
    public var text: String

    public init(_ text: String) {
        self.text = text
    }

    public var isEmpty: Bool { text.trimmed.isEmpty }

    /// The answer with case (outside quotes: 'Sorbet' and 'sorbet' are different answers), runs of
    /// white space and trailing semicolons folded, for recognising a known-wrong answer however it
    /// was typed.
    public var normalized: String {
        var folded = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
                folded.append(character)
            } else {
                if character == "'" || character == "\"" { quote = character }
                folded += character.lowercased()
            }
        }
        var words = folded.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        while words.hasSuffix(";") || words.hasSuffix(" ") { words.removeLast() }
        return words.replacing(" ;", with: ";").replacing("; ", with: ";")
    }
}
