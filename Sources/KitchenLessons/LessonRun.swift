import KitchenSQL
import KitchenSupport

/// Following a lesson, as a state machine: events in (`LessonEvent`), outcomes out
/// (`LessonOutcome`). It keeps the current lesson and step, the learner's recorded answer,
/// attempts, hints shown, and what passed; it grades and decides what help may be shown.
/// It never prints, and touches files only through its progress store.
///
/// Every statement, request or route change is recorded as the step's answer and graded on the
/// spot; a pass is reported at once, a plausible attempt that does not pass yet gets `.notYet`
/// (see LessonRun+Attempts.swift for the rule), and `.check` explains what is still missing.
public final class LessonRun {
    public let catalog: LessonLoader.Catalog
    public let help: StepHelp
    let store: ProgressStore
    let environment: LessonEnvironment
    public private(set) var progress = Progress()
    public private(set) var lesson: Lesson?
    public private(set) var stepIndex = 0
    /// The learner's own database for the open lesson.
    public private(set) var database: Connection?
    /// Hints shown so far for the current step.
    public private(set) var hintsShown = 0
    /// How many requests the current step had (from any client) when it was last graded on them.
    var requestsGraded = 0
    private var graders: [String: Grader] = [:]

    /// How many statements (or requests) of an answer are kept.
    static let keptStatements = 200
    static let keptRequests = 50

    public init(catalog: LessonLoader.Catalog, config: TeacherConfig, store: ProgressStore, environment: LessonEnvironment) {
        self.catalog = catalog
        self.help = StepHelp(config: config)
        self.store = store
        self.environment = environment
    }

    public var step: Step? { lesson.map { $0.steps[stepIndex] } }

    /// A question step: a front end may take a bare option letter as its answer.
    public var isChoiceStep: Bool { step?.check.answerKind == .text }

    /// Handles one event. Commands that make no sense now throw `LessonRunError`.
    public func handle(_ event: LessonEvent) throws -> [LessonOutcome] {
        switch event {
        case .start: return start()
        case .showMenu: return [menu()]
        case .open(let wanted, let step): return try open(wanted, step: step)
        case .showStep:
            guard lesson != nil else { throw LessonRunError.noLesson }
            return [.step(stepView())]
        case .next: return try move(by: 1)
        case .back: return try move(by: -1)
        case .statementRan(let sql, let failed): return recordStatement(sql, failed: failed)
        case .requestSent(let text): return recordRequest(text)
        case .routesChanged: return gradeRoutes()
        case .backAtPrompt: return gradeOutsideRequests()
        case .check:
            guard let step else { throw LessonRunError.noLesson }
            if step.check.answerKind == .text { throw LessonRunError("this step is a question: type the letter of your choice (or .answer and the letter)") }
            if step.check.answerKind == .http { requestsGraded = environment.requestsSinceStepStart() }
            return check(currentAnswer())
        case .answer(let text):
            guard let step else { throw LessonRunError.noLesson }
            guard step.check.answerKind == .text else { throw LessonRunError("this step is answered by running SQL; .check grades it") }
            return check(Answer(text))
        case .hint: return try hint()
        case .solution: return try solution()
        case .reset: return try reset()
        case .showProgress: return [progressReport()]
        }
    }

    // MARK: Starting and moving

    /// Progress a front end loaded ahead from this run's store (on another thread, while it
    /// started up): `.start` takes it instead of loading the file itself.
    public var loadedProgress: ProgressStore.Loaded?
    /// The progress as the store last read or wrote it.
    private var savedProgress: Progress?

    func start() -> [LessonOutcome] {
        let loaded = loadedProgress ?? store.load()
        loadedProgress = nil
        // A file read whole is what the store holds; one it could not read is never taken as saved.
        savedProgress = loaded.problem == nil ? loaded.progress : nil
        progress = loaded.progress
        var outcomes: [LessonOutcome] = loaded.problem.map { [.warning($0)] } ?? []
        outcomes += catalog.problems.map { .warning("lesson not loaded: \($0)") }
        if let current = progress.currentLesson, let lesson = catalog.lesson(current) {
            outcomes.append(.resuming(lesson))
            return outcomes + open(lesson, at: nil, resetDatabase: false)
        }
        outcomes += [.noLessonOpen, menu()]
        if let first = catalog.entries.first { outcomes.append(.suggestStart(first)) }
        return outcomes
    }

    func open(_ wanted: String, step wantedStep: String?) throws -> [LessonOutcome] {
        let found = catalog.lesson(wanted) ?? Int(wanted).flatMap { $0 >= 1 && $0 <= catalog.entries.count ? catalog.entries[$0 - 1].lesson : nil }
        guard let found else {
            throw LessonRunError("no lesson \(wanted). Lessons: \(catalog.entries.map(\.id).joined(separator: ", ")).")
        }
        var index: Int?
        if let wantedStep {
            guard let step = found.step(wantedStep) else {
                throw LessonRunError("\(found.id) has no step \(wantedStep); it has steps 1–\(found.steps.count)")
            }
            index = found.index(of: step.id)
        }
        return open(found, at: index, resetDatabase: false)
    }

    /// Opens `lesson` at `index` (default: where the learner left it, or the first step not passed).
    func open(_ lesson: Lesson, at index: Int?, resetDatabase: Bool) -> [LessonOutcome] {
        let record = progress.lesson(lesson.id)
        let resumeIndex = record.currentStep.flatMap(lesson.index(of:)) ?? lesson.steps.firstIndex { !record.passed.contains($0.id) } ?? 0
        let target = index ?? resumeIndex
        let opened: (connection: Connection, existed: Bool)
        do {
            opened = try environment.openDatabase(lesson)
            try? opened.connection.trusted { try opened.connection.execute("PRAGMA journal_mode = WAL") }
            if resetDatabase || !opened.existed || target != resumeIndex {
                try opened.connection.restore(from: grader(for: lesson).databases.start(ofStep: target))
            }
        } catch {
            return [.failure("cannot open lesson \(lesson.id): \(error)")]
        }
        self.lesson = lesson
        database = opened.connection
        progress.currentLesson = lesson.id
        return [.opened(lesson, database: opened.connection)]
            + enter(step: target, announce: true, keepAnswer: !resetDatabase && target == resumeIndex)
    }

    /// Makes `index` the current step and shows it.
    func enter(step index: Int, announce: Bool, keepAnswer: Bool) -> [LessonOutcome] {
        guard let lesson else { return [] }
        stepIndex = index
        hintsShown = 0
        requestsGraded = 0
        var record = progress.lesson(lesson.id)
        if record.currentStep != lesson.steps[index].id || !keepAnswer {
            record.answer = []
            record.answerFailedLast = false
        }
        record.currentStep = lesson.steps[index].id
        progress.lessons[lesson.id] = record
        var outcomes: [LessonOutcome] = [.stepEntered(index: index)] + save()
        if announce { outcomes.append(.step(stepView())) }
        return outcomes
    }

    func move(by offset: Int) throws -> [LessonOutcome] {
        guard let lesson else { throw LessonRunError.noLesson }
        let target = stepIndex + offset
        if target >= lesson.steps.count {
            return [.lessonFinished(lesson, passed: progress.lesson(lesson.id).passed.count, next: nextLesson(after: lesson))]
        }
        guard target >= 0 else { throw LessonRunError("this is the first step") }
        var outcomes: [LessonOutcome] = []
        if offset > 0, !progress.hasPassed(lesson.id, step: lesson.steps[stepIndex].id) {
            outcomes.append(.leavingUnpassedStep)
        }
        try restoreDatabase(toStep: target)
        // A question step does not use the database: saying it was set up would only puzzle.
        if lesson.steps[target].check.answerKind != .text { outcomes.append(.databaseSetUpForStep) }
        return outcomes + enter(step: target, announce: true, keepAnswer: false)
    }

    func restoreDatabase(toStep index: Int) throws {
        guard let lesson, let database else { return }
        try database.restore(from: grader(for: lesson).databases.start(ofStep: index))
    }

    func reset() throws -> [LessonOutcome] {
        guard let lesson else { throw LessonRunError.noLesson }
        try restoreDatabase(toStep: stepIndex)
        var record = progress.lesson(lesson.id)
        record.answer = []
        record.answerFailedLast = false
        progress.lessons[lesson.id] = record
        return save() + [.databaseReset(stepNumber: stepIndex + 1)]
    }

    // MARK: Recording and grading

    /// Records a statement the learner ran and grades the step quietly.
    func recordStatement(_ sql: String, failed: Bool) -> [LessonOutcome] {
        guard let lesson, let step, step.check.answerKind == .sql else { return [] }
        var record = progress.lesson(lesson.id)
        // A failed statement stays in the answer only while it is the last one: an sql-error step
        // wants exactly that failure, other steps just move past it.
        if record.answerFailedLast == true, !record.answer.isEmpty { record.answer.removeLast() }
        record.answer.append(sql)
        record.answerFailedLast = failed
        if record.answer.count > Self.keptStatements { record.answer.removeFirst(record.answer.count - Self.keptStatements) }
        progress.lessons[lesson.id] = record
        return gradeQuietly(attempt: isAttempt(sql: sql, failed: failed, at: step))
    }

    /// Records a request sent from the prompt and grades an HTTP step quietly.
    func recordRequest(_ text: String) -> [LessonOutcome] {
        guard let lesson, let step, step.check.answerKind == .http else { return [] }
        var record = progress.lesson(lesson.id)
        record.answer.append(text)
        if record.answer.count > Self.keptRequests { record.answer.removeFirst(record.answer.count - Self.keptRequests) }
        progress.lessons[lesson.id] = record
        defer { requestsGraded = environment.requestsSinceStepStart() }
        return gradeQuietly(attempt: isAttempt(request: text, at: step))
    }

    /// Grades the recorded answer unless the step already passed; saves either way. A wrong
    /// answer is reported (`.notYet`) only when what the learner just did was an `attempt`.
    func gradeQuietly(attempt: Bool) -> [LessonOutcome] {
        guard let lesson, let step, !progress.hasPassed(lesson.id, step: step.id) else { return save() }
        let verdict = grade(currentAnswer())
        if verdict.passed { return markPassed(verdict) }
        return save() + (attempt ? [.notYet(verdict)] : [])
    }

    /// Grades with the front end's services at hand (the live request log, so curl counts).
    func grade(_ answer: Answer) -> Verdict {
        guard let lesson else { return .fail("no lesson is open") }
        let grader = grader(for: lesson)
        grader.services = environment.gradingServices()
        return grader.grade(answer, step: stepIndex)
    }

    /// The answer recorded for the current step, as the step's check reads it.
    public func currentAnswer() -> Answer {
        guard let lesson, let step else { return Answer("") }
        let entries = progress.lesson(lesson.id).answer
        switch step.check.answerKind {
        case .routes: return Answer(environment.learnerRoutes())
        case .http: return Answer(entries.joined(separator: "\n###\n"))
        case .sql, .text: return Answer(entries.map { $0.trimmingTrailingSemicolons() + ";" }.joined(separator: "\n"))
        }
    }

    /// Whether the learner has tried anything for the step yet.
    func hasAttempt(_ answer: Answer) -> Bool {
        !answer.isEmpty || (step?.check.answerKind == .http && environment.requestsSinceStepStart() > 0)
    }

    func check(_ answer: Answer) -> [LessonOutcome] {
        guard let lesson, let step else { return [] }
        let verdict = grade(answer)
        if verdict.passed {
            return progress.hasPassed(lesson.id, step: step.id) ? [.stillPassing(verdict)] : markPassed(verdict)
        }
        var record = progress.lesson(lesson.id)
        if hasAttempt(answer) { record.attempts[step.id, default: 0] += 1 }
        progress.lessons[lesson.id] = record
        var outcomes = save() + [.failedCheck(verdict)]
        // Each failed check may bring the next hint, up to one per failed check.
        let failedChecks = record.attempts[step.id] ?? 0
        if hintsShown < min(failedChecks, step.hints.count),
           case .success(let hint) = help.nextHint(of: step, shown: hintsShown, passed: false, failedChecks: failedChecks) {
            outcomes.append(.hint(number: hint.number, of: step.hints.count, text: hint.text, automatic: true))
            hintsShown += 1
        } else if hintsShown < step.hints.count,
                  case .success = help.nextHint(of: step, shown: hintsShown, passed: false, failedChecks: failedChecks) {
            outcomes.append(.hintAvailable)
        }
        return outcomes
    }

    func markPassed(_ verdict: Verdict) -> [LessonOutcome] {
        guard let lesson, let step else { return [] }
        var record = progress.lesson(lesson.id)
        if !record.passed.contains(step.id) { record.passed.append(step.id) }
        progress.lessons[lesson.id] = record
        return save() + [.passed(verdict, isLastStep: stepIndex + 1 == lesson.steps.count)]
    }

    // MARK: Help

    func hint() throws -> [LessonOutcome] {
        guard let lesson, let step else { throw LessonRunError.noLesson }
        let record = progress.lesson(lesson.id)
        switch help.nextHint(of: step, shown: hintsShown, passed: record.passed.contains(step.id), failedChecks: record.attempts[step.id] ?? 0) {
        case .success(let hint):
            hintsShown = min(hintsShown + 1, step.hints.count)
            return [.hint(number: hint.number, of: step.hints.count, text: hint.text, automatic: false)]
        case .failure(let reason):
            return [.hintWithheld(reason.description)]
        }
    }

    func solution() throws -> [LessonOutcome] {
        guard let lesson, let step else { throw LessonRunError.noLesson }
        let record = progress.lesson(lesson.id)
        if let refusal = help.solutionRefusal(passed: record.passed.contains(step.id), failedChecks: record.attempts[step.id] ?? 0) {
            throw LessonRunError(refusal)
        }
        return [.solution(step.solution.trimmed)]
    }

    // MARK: Views

    func stepView() -> StepView {
        let lesson = lesson!
        let step = lesson.steps[stepIndex]
        return StepView(lesson: lesson, index: stepIndex, step: step, passed: progress.hasPassed(lesson.id, step: step.id),
                        isFirstOfCourse: step.check.answerKind == .sql && stepIndex == 0 && lesson.id == catalog.entries.first?.id)
    }

    func entries() -> [MenuEntry] {
        catalog.entries.enumerated().map { number, lesson in
            let record = progress.lesson(lesson.id)
            return MenuEntry(id: lesson.id, title: lesson.title, number: number + 1, steps: lesson.stepCount, passed: record.passed.count,
                             failedChecks: record.attempts.values.reduce(0, +), isCurrent: progress.currentLesson == lesson.id)
        }
    }

    func menu() -> LessonOutcome { .menu(entries(), problems: catalog.problems) }

    func progressReport() -> LessonOutcome {
        let all = entries()
        return .progressReport(all, passed: all.map(\.passed).reduce(0, +), total: all.map(\.steps).reduce(0, +))
    }

    func nextLesson(after lesson: Lesson) -> Lesson? {
        guard let index = catalog.entries.firstIndex(where: { $0.id == lesson.id }), index + 1 < catalog.entries.count else { return nil }
        return catalog.entries[index + 1].lesson
    }

    // MARK: Storage

    func grader(for lesson: Lesson) -> Grader {
        if let grader = graders[lesson.id] { return grader }
        let grader = Grader(lesson: lesson)
        graders[lesson.id] = grader
        return grader
    }

    func save() -> [LessonOutcome] {
        // Resuming a lesson saves progress that has not changed since it was loaded: nothing to
        // write, nor to encode to compare with the file (the encoding was ~4% of a start).
        if progress == savedProgress { return [] }
        do {
            try store.save(progress)
            savedProgress = progress
            return []
        } catch {
            return [.warning("progress not saved: \(error)")]
        }
    }
}

extension String {
    func trimmingTrailingSemicolons() -> String {
        var text = trimmed
        while text.hasSuffix(";") { text.removeLast(); text = text.trimmed }
        return text
    }
}
