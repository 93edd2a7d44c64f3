import KitchenSQL

/// Grades answers to a lesson's steps. It adds the author's message when an answer is one of the
/// step's known-wrong answers, checks that an accepted answer ran the statements the step
/// requires (`statements`), runs the step's behaviour probes after an answer the check accepts,
/// and turns a broken step into a clear failure rather than a crash.
public final class Grader {
    public let databases: LessonDatabases
    public var lesson: Lesson { databases.lesson }
    /// Services for later check kinds, copied into every grading context.
    public var services: [String: any Sendable] = [:]

    public init(lesson: Lesson, policy: SandboxPolicy = .standard) {
        self.databases = LessonDatabases(lesson: lesson, policy: policy)
    }

    public func grade(_ answer: Answer, step index: Int) -> Verdict {
        do {
            return try verdict(for: answer, step: index)
        } catch let problem as LessonProblem {
            return .fail("This step is broken, not your answer: \(problem)")
        } catch {
            return .fail("This step could not be graded: \(error)")
        }
    }

    /// The verdict, or the lesson's own problem (a failing setup or reference) thrown for authors.
    public func verdict(for answer: Answer, step index: Int, probes: Bool = true) throws -> Verdict {
        let step = lesson.steps[index]
        let context = try databases.context(forStep: index)
        context.services = services
        var verdict = try step.check.grade(answer, in: context)
        if verdict.passed, !step.statements.isEmpty {
            // The data is right; now ask whether it got there the way the step teaches.
            let ran = AnswerRun.run(answer, on: try context.freshCopy())
            let succeeded = ran.error == nil ? ran.statements : Array(ran.statements.dropLast())
            if let unmet = StatementRequirement.firstUnmet(step.statements, in: succeeded) {
                verdict = StatementRequirement.verdict(missing: unmet.missing, after: unmet.after, all: step.statements)
            }
        }
        if probes, verdict.passed, !step.probes.isEmpty {
            // The answer is right by the check's measure; now test what the database does.
            if let failure = try probeFailure(answer, step: index, context: context) {
                verdict = .fail("Not yet: the database does not behave as this step asks.", failure.lines)
            }
        }
        if !verdict.passed, let known = step.wrongAnswers.first(where: { step.check.isSameAnswer(Answer($0.answer), answer) }), let message = known.message {
            verdict.details.append(message)
        }
        return verdict
    }

    /// The first probe of step `index` that the database left by `answer` gets wrong.
    public func probeFailure(_ answer: Answer, step index: Int) throws -> (probe: BehaviourProbe, lines: [String], reason: String)? {
        try probeFailure(answer, step: index, context: try databases.context(forStep: index))
    }

    private func probeFailure(_ answer: Answer, step index: Int, context: GradingContext) throws -> (probe: BehaviourProbe, lines: [String], reason: String)? {
        let database = try context.freshCopy()
        _ = AnswerRun.run(answer, on: database)
        for probe in lesson.steps[index].probes {
            if let reason = probe.mismatch(on: database) { return (probe, probe.explanation(reason), reason) }
        }
        return nil
    }
}
