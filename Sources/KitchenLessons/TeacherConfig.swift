import KitchenSupport
import Yams

/// What a teacher decides for a class: when the reference solution may be shown, and which
/// fixture the playground (the dataset outside any lesson) is made from.
/// Read from `kitchen.yaml` in the lessons folder (shipped by the teacher), which wins over the
/// one in the Kitchen home.
public struct TeacherConfig: Sendable, Equatable {
    public enum SolutionPolicy: String, Sendable {
        /// After `solutionAttempts` failed checks, or once the step is passed.
        case afterAttempts = "after-attempts"
        /// Only once the step is passed.
        case afterPass = "after-pass"
        /// Never at the prompt.
        case locked
    }

    public var solutions: SolutionPolicy = .afterAttempts
    public var solutionAttempts = 3
    /// The fixture (`fixtures/NAME.sql`) the playground is made from; nil: the first lesson's.
    public var playground: String?

    public init(solutions: SolutionPolicy = .afterAttempts, solutionAttempts: Int = 3) {
        self.solutions = solutions
        self.solutionAttempts = solutionAttempts
    }

    /// The first config file found among `paths`, or the defaults.
    public static func load(from paths: [String]) throws -> TeacherConfig {
        for path in paths where FileReading.exists(path) {
            return try parse(try FileReading.read(path), file: path)
        }
        return TeacherConfig()
    }

    public static func parse(_ text: String, file: String) throws -> TeacherConfig {
        guard let node = try YAMLReader.compose(text) else { return TeacherConfig() }
        let reader = try YAMLReader(node, file: file, what: "the config")
        try reader.checkKeys(allowed: ["solutions", "solution-attempts", "playground"], what: "the config")
        var config = TeacherConfig()
        if let policy = try reader.choice("solutions", ["after-attempts", "after-pass", "locked"]) {
            config.solutions = SolutionPolicy(rawValue: policy)!
        }
        if let attempts = try reader.double("solution-attempts") {
            guard attempts >= 0, attempts == attempts.rounded() else {
                throw reader.problem("'solution-attempts' must be a whole number", at: reader.line(of: "solution-attempts"))
            }
            config.solutionAttempts = Int(attempts)
        }
        config.playground = try reader.optionalString("playground")
        return config
    }

    /// Nil when the solution may be shown; otherwise why not.
    public func solutionRefusal(passed: Bool, attempts: Int) -> String? {
        switch solutions {
        case .locked:
            return "Your teacher has locked solutions for this course."
        case .afterPass:
            return passed ? nil : "The solution is shown once you pass the step."
        case .afterAttempts:
            if passed || attempts >= solutionAttempts { return nil }
            let left = solutionAttempts - attempts
            return "The solution unlocks after \(solutionAttempts) failed checks (\(left) to go) or once you pass. Try .hint first."
        }
    }
}
