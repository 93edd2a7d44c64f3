import KitchenSQL

/// Grades answers to a lesson's steps. It adds the author's message when an answer is one of the
/// step's known-wrong answers, and turns a broken step into a clear failure rather than a crash.
public final class Grader {
    public let databases: LessonDatabases
    public var lesson: Lesson { databases.lesson }
    /// Services for later check kinds, copied into every grading context.
    public var services: [String: any Sendable] = [:]

    public init(lesson: Lesson, policy: SandboxPolicy = .standard) {
        self.databases = LessonDatabases(lesson: lesson, policy: policy)
    }

    public func grade(_ answer: Answer, step index: Int) -> Verdict {
        let step = lesson.steps[index]
        do {
            let context = try databases.context(forStep: index)
            context.services = services
            var verdict = try step.check.grade(answer, in: context)
            if !verdict.passed, let known = step.wrongAnswers.first(where: { step.check.isSameAnswer(Answer($0.answer), answer) }), let message = known.message {
                verdict.details.append(message)
            }
            return verdict
        } catch let problem as LessonProblem {
            return .fail("This step is broken, not your answer: \(problem)")
        } catch {
            return .fail("This step could not be graded: \(error)")
        }
    }
}
