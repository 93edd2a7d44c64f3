import KitchenSupport

/// One rule for every kind of help on a step: hints and the solution.
///
/// - Hints that only point the way are shown on request (`.hint`), one more each time, and one
///   more after each failed check.
/// - A hint that gives the whole solution away *is* the solution: it is shown only when the
///   teacher's solution policy (`kitchen.yaml`) lets `.solution` show it.
/// - A failed check counts towards unlocking the solution only when there was an attempt: a
///   statement run, a request received or a route defined for the step (`.check` on an empty
///   answer explains what to do and counts for nothing).
public struct StepHelp: Sendable {
    public let config: TeacherConfig

    public init(config: TeacherConfig) {
        self.config = config
    }

    /// Nil when the solution (and hints that contain it) may be shown; otherwise why not.
    public func solutionRefusal(passed: Bool, failedChecks: Int) -> String? {
        config.solutionRefusal(passed: passed, attempts: failedChecks)
    }

    /// The hint to show after `shown` hints, or why there is none.
    public func nextHint(of step: Step, shown: Int, passed: Bool, failedChecks: Int) -> Result<(number: Int, text: String), LessonRunError> {
        guard !step.hints.isEmpty else { return .failure(LessonRunError("this step has no hints")) }
        let index = min(shown, step.hints.count - 1)
        let text = step.hints[index]
        if Self.revealsSolution(text, of: step), let refusal = solutionRefusal(passed: passed, failedChecks: failedChecks) {
            return .failure(LessonRunError(Self.withheldMessage(refusal: refusal, config: config)))
        }
        return .success((index + 1, text))
    }

    /// Whether `hint` contains the step's whole reference solution.
    public static func revealsSolution(_ hint: String, of step: Step) -> Bool {
        let solution = plain(step.solution)
        guard !solution.isEmpty else { return false }
        let text = plain(hint)
        if step.check.answerKind == .text {
            // A choice's solution is a letter: it is given away by the answer command itself.
            return text.contains(".answer " + solution)
        }
        return text.contains(solution)
    }

    /// Lower case, code marks and runs of space folded, trailing semicolons dropped.
    static func plain(_ text: String) -> String {
        var words = text.lowercased().replacing("`", with: "").split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        while words.hasSuffix(";") || words.hasSuffix(" ") { words.removeLast() }
        return words
    }

    static func withheldMessage(refusal: String, config: TeacherConfig) -> String {
        let reason: String
        switch config.solutions {
        case .locked: reason = "your teacher has locked solutions for this course"
        case .afterPass: reason = "it is shown once you pass the step"
        case .afterAttempts: reason = refusal.replacing(" Try .hint first.", with: "").replacing("The solution unlocks", with: "it unlocks")
        }
        return "The next hint gives the solution away, so it follows the solution's rule: \(reason)"
    }
}
