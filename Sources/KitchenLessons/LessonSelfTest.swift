import KitchenSQL
import KitchenSupport

/// Proves a lesson both ways, as rustlings' `dev check` does: every reference passes, every
/// known-wrong answer fails with the explanation its author expects, and an empty answer fails.
public struct LessonSelfTest {
    public struct Outcome: Sendable {
        public var lessonID: String
        public var stepID: String
        public var file: String
        public var line: Int
        /// Empty when the step proved itself.
        public var problems: [String]
        public var seconds: Double

        public var passed: Bool { problems.isEmpty }
    }

    public init() {}

    public func run(_ lesson: Lesson, registryServices: [String: any Sendable] = [:]) -> [Outcome] {
        run(Grader(lesson: lesson), registryServices: registryServices)
    }

    /// `run(_:)` with a grader of the lesson made beforehand (its databases may be built already).
    public func run(_ grader: Grader, registryServices: [String: any Sendable] = [:]) -> [Outcome] {
        let lesson = grader.lesson
        grader.services = registryServices
        let clock = ContinuousClock()
        var outcomes: [Outcome] = []
        // The setup failing breaks every step; say it once per step so each shows up red.
        var setupProblem: String?
        do { _ = try grader.databases.setup() } catch { setupProblem = "\(error)" }
        for (index, step) in lesson.steps.enumerated() {
            let started = clock.now
            var problems: [String] = []
            if let setupProblem {
                problems.append(setupProblem)
            } else {
                do {
                    let reference = try grader.verdict(for: Answer(step.solution), step: index)
                    if !reference.passed {
                        problems.append("the solution does not pass its own check: \(reference.explanation)")
                    }
                } catch {
                    problems.append("\(error)")
                }
                for wrong in step.wrongAnswers {
                    let verdict = grader.grade(Answer(wrong.answer), step: index)
                    if verdict.passed {
                        problems.append("line \(wrong.line): the wrong answer passes: \(wrong.answer.trimmed)")
                    } else if !verdict.explanation.lowercased().contains(wrong.expect.lowercased()) {
                        problems.append("line \(wrong.line): the wrong answer fails, but its explanation does not mention \"\(wrong.expect)\": \(verdict.explanation)")
                    }
                }
                if grader.grade(Answer(""), step: index).passed {
                    problems.append("an empty answer passes")
                }
                do {
                    let context = try grader.databases.context(forStep: index)
                    problems += try step.check.selfTest(in: context)
                } catch {
                    problems.append("\(error)")
                }
            }
            let elapsed = clock.now - started
            outcomes.append(Outcome(lessonID: lesson.id, stepID: step.id, file: lesson.file, line: step.line, problems: problems,
                                    seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
        }
        return outcomes
    }
}
