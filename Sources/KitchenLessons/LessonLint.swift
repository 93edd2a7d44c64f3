import KitchenSQL

/// The checks of `kitchen lessons lint` that need the database, worded for the lesson's author:
/// the fixture and setup SQL run (under the sandbox, like every lesson statement), each step's
/// setup runs, each solution passes its own check, and each probe holds after the solution.
public enum LessonLint {
    public static func deepProblems(of lesson: Lesson, services: [String: any Sendable] = [:]) -> [LessonProblem] {
        let grader = Grader(lesson: lesson)
        grader.services = services
        do { _ = try grader.databases.setup() } catch let problem as LessonProblem {
            return [problem]
        } catch {
            return [LessonProblem(file: lesson.file, line: nil, message: "\(error)")]
        }
        var problems: [LessonProblem] = []
        for (index, step) in lesson.steps.enumerated() {
            do {
                let answer = Answer(step.solution)
                let verdict = try grader.verdict(for: answer, step: index, probes: false)
                if !verdict.passed {
                    problems.append(LessonProblem(file: lesson.file, line: step.line, message: "step '\(step.id)': the solution does not pass its own check; a learner giving it would read: \(verdict.explanation)"))
                    continue
                }
                if let failure = try grader.probeFailure(answer, step: index) {
                    problems.append(LessonProblem(file: lesson.file, line: failure.probe.line, message: "step '\(step.id)': the solution fails this probe: after the solution, \(failure.probe.sql.trimmed) \(failure.probe.expectation), but \(failure.reason)"))
                }
            } catch let problem as LessonProblem {
                problems.append(problem)
            } catch {
                problems.append(LessonProblem(file: lesson.file, line: step.line, message: "step '\(step.id)' cannot be graded: \(error)"))
            }
        }
        return problems
    }
}
