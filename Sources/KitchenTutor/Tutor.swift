import KitchenLessons
import KitchenServer
import KitchenShell
import KitchenSQL
#if canImport(Glibc)
import Glibc
#endif

/// The tutor at the prompt: it walks the learner through lessons, keeps their lesson database
/// and progress in the Kitchen home, and grades each step.
///
/// Every statement the learner runs is recorded as the step's answer and checked quietly; the
/// learner is told as soon as the step passes, and `.check` explains what is still missing.
public final class Tutor {
    public let catalog: LessonLoader.Catalog
    public let config: TeacherConfig
    let store: ProgressStore
    let home: String
    public private(set) var progress: Progress
    private var graders: [String: Grader] = [:]
    /// Hints shown so far for the current step.
    private var hintsShown = 0
    /// The request log's last id when the step began: later requests count for http checks.
    private var logPositionAtStepStart = 0
    public private(set) var lesson: Lesson?
    public private(set) var stepIndex = 0
    weak var session: ShellSession?
    /// The mini-server, when it runs; it follows the learner's lesson database.
    public var panel: ServerPanel?
    /// What the server serves when no lesson is open.
    public var playground: (path: String, spec: ServerSpec?)?

    public init(catalog: LessonLoader.Catalog, home: String, config: TeacherConfig) {
        self.catalog = catalog
        self.home = home
        self.config = config
        self.store = ProgressStore(home: home)
        self.progress = Progress()
    }

    // MARK: Wiring

    /// Adds the lesson commands to `session` and starts recording its statements.
    public func attach(to session: ShellSession) {
        self.session = session
        for command in commands() { session.commands.add(command) }
        session.statementObservers.append { [weak self] statement in
            self?.learnerRan(statement)
        }
        panel?.onRequestSent = { [weak self] request, _ in
            self?.learnerSent(request)
        }
        panel?.onRoutesChanged = { [weak self] _ in
            self?.learnerChangedRoutes()
        }
    }

    /// Loads progress (reporting a corrupt file) and resumes, or shows the menu.
    public func start() {
        guard let session else { return }
        let loaded = store.load()
        progress = loaded.progress
        if let problem = loaded.problem { warn(problem) }
        for problem in catalog.problems { warn("lesson not loaded: \(problem)") }
        if let current = progress.currentLesson, let lesson = catalog.lesson(current) {
            session.output.writeLine(session.style.bold("Welcome back!") + " Resuming \(lesson.title).")
            open(lesson, resetDatabase: false)
        } else {
            if let playground { panel?.serve(path: playground.path, spec: playground.spec) }
            showMenu()
            if let first = catalog.lessons.first {
                session.output.writeLine("\nStart with " + session.style.cyan(".lesson \(first.id)") + ", or type SQL to explore. .help lists every command.")
            }
        }
        session.output.flush()
    }

    // MARK: Moving around

    func open(_ lesson: Lesson, at index: Int? = nil, resetDatabase: Bool) {
        guard let session else { return }
        let lessonProgress = progress.lesson(lesson.id)
        let resumeIndex = lessonProgress.currentStep.flatMap(lesson.index(of:))
            ?? lesson.steps.firstIndex { !lessonProgress.passed.contains($0.id) } ?? 0
        let target = index ?? resumeIndex
        let grader = grader(for: lesson)
        do {
            let path = databasePath(for: lesson)
            let existed = FileReading.exists(path)
            let connection = try Connection(path: path)
            self.lesson = lesson
            try? connection.trusted { try connection.execute("PRAGMA journal_mode = WAL") }
            session.connection = connection
            mkdir(home + "/routes", 0o755)
            panel?.serve(path: path, spec: lesson.server ?? playground?.spec, routesFile: home + "/routes/" + lesson.id + ".routes")
            if resetDatabase || !existed || target != resumeIndex {
                try connection.restore(from: grader.databases.start(ofStep: target))
            }
        } catch {
            failure("cannot open lesson \(lesson.id): \(error)")
            return
        }
        progress.currentLesson = lesson.id
        enter(step: target, announce: true, keepAnswer: !resetDatabase && target == resumeIndex)
    }

    /// Makes `index` the current step and shows it.
    func enter(step index: Int, announce: Bool, keepAnswer: Bool) {
        guard let lesson else { return }
        stepIndex = index
        hintsShown = 0
        logPositionAtStepStart = panel?.server.log.latest?.id ?? 0
        var lessonProgress = progress.lesson(lesson.id)
        if lessonProgress.currentStep != lesson.steps[index].id || !keepAnswer {
            lessonProgress.answer = []
            lessonProgress.answerFailedLast = false
        }
        lessonProgress.currentStep = lesson.steps[index].id
        progress.lessons[lesson.id] = lessonProgress
        save()
        updatePrompt()
        if announce { showStep() }
    }

    func move(by offset: Int) throws {
        guard let lesson, let session else { throw CommandError("no lesson is open; .lessons lists them") }
        let target = stepIndex + offset
        if target >= lesson.steps.count {
            let passed = progress.lesson(lesson.id).passed.count
            session.output.writeLine(session.style.green("That was the last step of \(lesson.title)") + " (\(passed)/\(lesson.steps.count) passed).")
            if let next = nextLesson(after: lesson) {
                session.output.writeLine("Next: " + session.style.cyan(".lesson \(next.id)") + " — \(next.title).")
            }
            return
        }
        guard target >= 0 else { throw CommandError("this is the first step") }
        if offset > 0, !progress.hasPassed(lesson.id, step: lesson.steps[stepIndex].id) {
            session.output.writeLine(session.style.dim("(You have not passed this step yet; .back returns to it.)"))
        }
        try resetDatabase(to: target)
        session.output.writeLine(session.style.dim("(The database is set up for this step.)"))
        enter(step: target, announce: true, keepAnswer: false)
    }

    func resetDatabase(to index: Int) throws {
        guard let lesson, let session else { return }
        try session.connection.restore(from: grader(for: lesson).databases.start(ofStep: index))
    }

    // MARK: Grading

    /// Records a statement the learner ran and checks the step quietly.
    func learnerRan(_ statement: ExecutedStatement) {
        guard let lesson, let session else { return }
        let step = lesson.steps[stepIndex]
        guard step.check.answerKind == .sql else { return }
        var lessonProgress = progress.lesson(lesson.id)
        // A failed statement stays in the answer only while it is the last one: an sql-error step
        // wants exactly that failure, other steps just move past it.
        if lessonProgress.answerFailedLast == true, !lessonProgress.answer.isEmpty { lessonProgress.answer.removeLast() }
        lessonProgress.answer.append(statement.sql)
        lessonProgress.answerFailedLast = statement.error != nil
        if lessonProgress.answer.count > 200 { lessonProgress.answer.removeFirst(lessonProgress.answer.count - 200) }
        progress.lessons[lesson.id] = lessonProgress
        guard !lessonProgress.passed.contains(step.id) else {
            save()
            return
        }
        let verdict = grade(currentAnswer(), step: stepIndex)
        if verdict.passed {
            markPassed(verdict)
        } else {
            save()
        }
    }

    /// Records a request the learner sent from the prompt and checks an HTTP step quietly.
    func learnerSent(_ request: PromptRequest) {
        guard let lesson else { return }
        let step = lesson.steps[stepIndex]
        guard step.check.answerKind == .http else { return }
        var lessonProgress = progress.lesson(lesson.id)
        lessonProgress.answer.append(request.text)
        if lessonProgress.answer.count > 50 { lessonProgress.answer.removeFirst(lessonProgress.answer.count - 50) }
        progress.lessons[lesson.id] = lessonProgress
        guard !lessonProgress.passed.contains(step.id) else {
            save()
            return
        }
        let verdict = grade(currentAnswer(), step: stepIndex)
        if verdict.passed { markPassed(verdict) } else { save() }
    }

    /// Checks a route step quietly when the learner defines, replaces or removes a route.
    func learnerChangedRoutes() {
        guard let lesson, lesson.steps[stepIndex].check.answerKind == .routes else { return }
        guard !progress.hasPassed(lesson.id, step: lesson.steps[stepIndex].id) else { return }
        let verdict = grade(currentAnswer(), step: stepIndex)
        if verdict.passed { markPassed(verdict) }
    }

    /// Grades with the live request log at hand, so a request sent with curl counts.
    func grade(_ answer: Answer, step index: Int) -> Verdict {
        guard let lesson else { return .fail("no lesson is open") }
        let grader = grader(for: lesson)
        if let log = panel?.server.log {
            let start = logPositionAtStepStart
            grader.services[HTTPChecks.liveLogService] = log.entries().filter { $0.id > start }
        }
        return grader.grade(answer, step: index)
    }

    func currentAnswer() -> Answer {
        guard let lesson else { return Answer("") }
        let entries = progress.lesson(lesson.id).answer
        if lesson.steps[stepIndex].check.answerKind == .routes {
            return Answer((panel?.learnerRoutes ?? []).map(\.source).joined(separator: "\n"))
        }
        if lesson.steps[stepIndex].check.answerKind == .http {
            return Answer(entries.joined(separator: "\n###\n"))
        }
        return Answer(entries.map { $0.trimmingTrailingSemicolons() + ";" }.joined(separator: "\n"))
    }

    func check(_ answer: Answer) {
        guard let lesson, let session else { return }
        let step = lesson.steps[stepIndex]
        let verdict = grade(answer, step: stepIndex)
        if verdict.passed {
            if progress.hasPassed(lesson.id, step: step.id) {
                session.output.writeLine(session.style.green("✓ " + verdict.summary))
                for line in verdict.details { session.output.writeLine(line.terminalSafe) }
            } else {
                markPassed(verdict)
            }
            return
        }
        var lessonProgress = progress.lesson(lesson.id)
        lessonProgress.attempts[step.id, default: 0] += 1
        progress.lessons[lesson.id] = lessonProgress
        save()
        session.recordFailure()
        session.output.writeLine(session.style.yellow("✗ " + verdict.summary))
        for line in verdict.details { session.output.writeLine(line.terminalSafe) }
        let attempts = lessonProgress.attempts[step.id] ?? 0
        if hintsShown < min(attempts, step.hints.count) {
            session.output.writeLine(session.style.dim("Hint: ") + step.hints[hintsShown].terminalSafe)
            hintsShown += 1
        } else if hintsShown < step.hints.count {
            session.output.writeLine(session.style.dim("Stuck? .hint gives a hint."))
        }
    }

    private func markPassed(_ verdict: Verdict) {
        guard let lesson, let session else { return }
        let step = lesson.steps[stepIndex]
        var lessonProgress = progress.lesson(lesson.id)
        if !lessonProgress.passed.contains(step.id) { lessonProgress.passed.append(step.id) }
        progress.lessons[lesson.id] = lessonProgress
        save()
        session.output.writeLine(session.style.green("✓ " + verdict.summary) + " Step passed!")
        for line in verdict.details { session.output.writeLine(line.terminalSafe) }
        let next = stepIndex + 1 < lesson.steps.count ? "Type .next for the next step." : "That was the last step of this lesson: .next to finish."
        session.output.writeLine(session.style.dim(next))
        updatePrompt()
    }

    func grader(for lesson: Lesson) -> Grader {
        if let grader = graders[lesson.id] { return grader }
        let grader = Grader(lesson: lesson)
        graders[lesson.id] = grader
        return grader
    }

    // MARK: Display

    func showMenu() {
        guard let session else { return }
        let style = session.style
        session.output.writeLine(style.bold("Lessons"))
        for (number, lesson) in catalog.lessons.enumerated() {
            let passed = progress.lesson(lesson.id).passed.count
            let mark = passed == lesson.steps.count ? style.green("✓") : (passed > 0 ? style.yellow("◐") : " ")
            let here = progress.currentLesson == lesson.id ? style.cyan(" ← you are here") : ""
            session.output.writeLine(" \(mark) \(number + 1). \(lesson.title) " + style.dim("(\(lesson.id), \(passed)/\(lesson.steps.count))") + here)
        }
        for problem in catalog.problems {
            session.output.writeLine(style.red(" ✗ ") + "\(problem)")
        }
    }

    func showStep() {
        guard let lesson, let session else { return }
        let step = lesson.steps[stepIndex]
        let style = session.style
        let markdown = MarkdownTerminal(color: session.settings.color, width: session.settings.terminalWidth ?? 80)
        let passed = progress.hasPassed(lesson.id, step: step.id) ? style.green(" ✓") : ""
        session.output.writeLine()
        session.output.writeLine(style.bold("\(lesson.title) · step \(stepIndex + 1)/\(lesson.steps.count): \(step.title)".terminalSafeLine) + passed)
        session.output.writeLine()
        session.output.writeLine(markdown.render(step.text))
        session.output.writeLine()
        session.output.writeLine(markdown.render("**Task:** " + step.task.trimmed))
        for line in step.check.presentation { session.output.writeLine(line.terminalSafe) }
        if step.check.answerKind == .sql && stepIndex == 0 && lesson.id == catalog.lessons.first?.id {
            session.output.writeLine(style.dim("Kitchen checks each statement you run and tells you when the step is done; .check explains what is missing, .hint helps."))
        }
        session.output.flush()
    }

    func updatePrompt() {
        guard let lesson, let session else { return }
        session.promptLabel = "kitchen[\(lesson.id) \(stepIndex + 1)/\(lesson.steps.count)]"
    }

    func nextLesson(after lesson: Lesson) -> Lesson? {
        guard let index = catalog.lessons.firstIndex(where: { $0.id == lesson.id }), index + 1 < catalog.lessons.count else { return nil }
        return catalog.lessons[index + 1]
    }

    // MARK: Storage

    func databasePath(for lesson: Lesson) -> String {
        let folder = home + "/lessons"
        mkdir(folder, 0o755)
        return folder + "/" + lesson.id + ".db"
    }

    func save() {
        do { try store.save(progress) } catch { warn("progress not saved: \(error)") }
    }

    func warn(_ message: String) {
        session?.errors.writeLine((session?.style.yellow("Warning: ") ?? "Warning: ") + message)
    }

    func failure(_ message: String) {
        session?.reportFailure(message)
    }

    // MARK: Commands

    func commands() -> [DotCommand] {
        [
            DotCommand("lessons", group: "Lessons", summary: "List the lessons and your progress") { [unowned self] _, _ in
                showMenu()
                return .done
            },
            DotCommand("lesson", arguments: [.text("ID")], group: "Lessons", summary: "Open a lesson (by id or number) where you left it") { [unowned self] _, arguments in
                let wanted = arguments[0]
                let found = catalog.lesson(wanted) ?? Int(wanted).flatMap { $0 >= 1 && $0 <= catalog.lessons.count ? catalog.lessons[$0 - 1] : nil }
                guard let found else {
                    throw CommandError("no lesson \(wanted). Lessons: \(catalog.lessons.map(\.id).joined(separator: ", ")).")
                }
                open(found, resetDatabase: false)
                return .done
            },
            DotCommand("step", group: "Lessons", summary: "Show the current step again") { [unowned self] _, _ in
                guard lesson != nil else { throw CommandError("no lesson is open; .lessons lists them") }
                showStep()
                return .done
            },
            DotCommand("next", group: "Lessons", summary: "Go to the next step") { [unowned self] _, _ in
                try move(by: 1)
                return .done
            },
            DotCommand("back", group: "Lessons", summary: "Go to the previous step") { [unowned self] _, _ in
                try move(by: -1)
                return .done
            },
            DotCommand("check", group: "Lessons", summary: "Check your answer and explain what is missing") { [unowned self] _, _ in
                guard let lesson else { throw CommandError("no lesson is open; .lessons lists them") }
                let step = lesson.steps[stepIndex]
                if step.check.answerKind == .text {
                    throw CommandError("this step is answered with .answer, e.g. .answer b")
                }
                check(currentAnswer())
                return .done
            },
            DotCommand("answer", arguments: [.text("TEXT", rest: true)], group: "Lessons", summary: "Answer a question step") { [unowned self] _, arguments in
                guard let lesson else { throw CommandError("no lesson is open; .lessons lists them") }
                guard lesson.steps[stepIndex].check.answerKind == .text else {
                    throw CommandError("this step is answered by running SQL; .check grades it")
                }
                check(Answer(arguments[0]))
                return .done
            },
            DotCommand("hint", group: "Lessons", summary: "Show a hint (each one says a little more)") { [unowned self] session, _ in
                guard let lesson else { throw CommandError("no lesson is open; .lessons lists them") }
                let hints = lesson.steps[stepIndex].hints
                let shown = min(hintsShown, hints.count - 1)
                session.output.writeLine(session.style.dim("Hint \(shown + 1)/\(hints.count): ") + hints[shown].terminalSafe)
                hintsShown = min(hintsShown + 1, hints.count)
                return .done
            },
            DotCommand("solution", group: "Lessons", summary: "Show the reference solution (after a few tries)") { [unowned self] session, _ in
                guard let lesson else { throw CommandError("no lesson is open; .lessons lists them") }
                let step = lesson.steps[stepIndex]
                let record = progress.lesson(lesson.id)
                if let refusal = config.solutionRefusal(passed: record.passed.contains(step.id), attempts: record.attempts[step.id] ?? 0) {
                    throw CommandError(refusal)
                }
                session.output.writeLine(session.style.cyan(step.solution.trimmed.terminalSafe))
                return .done
            },
            DotCommand("reset", group: "Lessons", summary: "Put the database back as it was at the start of this step") { [unowned self] session, _ in
                guard let lesson else { throw CommandError("no lesson is open; .lessons lists them") }
                try resetDatabase(to: stepIndex)
                var record = progress.lesson(lesson.id)
                record.answer = []
                record.answerFailedLast = false
                progress.lessons[lesson.id] = record
                save()
                session.output.writeLine("The database is back to the start of step \(stepIndex + 1).")
                return .done
            },
            DotCommand("progress", group: "Lessons", summary: "Show what you have passed") { [unowned self] session, _ in
                var total = 0, passed = 0
                for lesson in catalog.lessons {
                    let record = progress.lesson(lesson.id)
                    total += lesson.steps.count
                    passed += record.passed.count
                    let attempts = record.attempts.values.reduce(0, +)
                    session.output.writeLine("\(lesson.title): \(record.passed.count)/\(lesson.steps.count) steps" + (attempts > 0 ? session.style.dim(", \(attempts) failed checks") : ""))
                }
                session.output.writeLine(session.style.bold("In all: \(passed)/\(total) steps."))
                return .done
            },
        ]
    }
}

extension String {
    var trimmed: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }

    func trimmingTrailingSemicolons() -> String {
        var text = trimmed
        while text.hasSuffix(";") { text.removeLast(); text = text.trimmed }
        return text
    }
}
