import KitchenLessons
import KitchenShell
import KitchenSQL
import KitchenSupport

/// How the tutor shows a lesson run's outcomes at the prompt.
extension Tutor {
    func render(_ outcome: LessonOutcome) {
        guard let session else { return }
        let style = session.style
        let output = session.output
        switch outcome {
        case .warning(let message):
            session.errors.writeLine(style.yellow("Warning: ") + message)
        case .failure(let message):
            session.reportFailure(message)
        case .menu(let entries, let problems):
            showMenu(entries, problems: problems)
        case .suggestStart(let first):
            output.writeLine("\nStart with " + style.cyan(".lesson \(first.id)") + ", or type SQL to explore. .help lists every command.")
        case .resuming(let lesson):
            output.writeLine(style.bold("Welcome back!") + " Resuming \(lesson.title).")
        case .noLessonOpen:
            if let playground { panel?.serve(path: playground.path, spec: playground.spec) }
        case .opened(let lesson, let database):
            follow(lesson, database: database)
        case .stepEntered:
            logPositionAtStepStart = panel?.server.log.latest?.id ?? 0
        case .step(let view):
            showStep(view)
        case .leavingUnpassedStep:
            output.writeLine(style.dim("(You have not passed this step yet; .back returns to it.)"))
        case .databaseSetUpForStep:
            output.writeLine(style.dim("(The database is set up for this step.)"))
        case .databaseReset(let number):
            output.writeLine("The database is back to the start of step \(number).")
        case .passed(let verdict, let isLastStep):
            output.writeLine(style.green("✓ " + verdict.summary) + " Step passed!")
            for line in verdict.details { output.writeLine(line.terminalSafe) }
            output.writeLine(style.dim(isLastStep ? "That was the last step of this lesson: .next to finish." : "Type .next for the next step."))
        case .stillPassing(let verdict):
            output.writeLine(style.green("✓ " + verdict.summary))
            for line in verdict.details { output.writeLine(line.terminalSafe) }
        case .failedCheck(let verdict):
            session.recordFailure()
            output.writeLine(style.yellow("✗ " + verdict.summary))
            for line in verdict.details { output.writeLine(line.terminalSafe) }
        case .notYet(let verdict):
            output.writeLine(style.yellow(verdict.oneLine.terminalSafeLine))
        case .hint(let number, let count, let text, let automatic):
            // `code` in a hint renders as in the prose (no raw backticks).
            let markdown = MarkdownTerminal(color: session.settings.color, width: session.settings.terminalWidth ?? 80)
            output.writeLine(style.dim(automatic ? "Hint: " : "Hint \(number)/\(count): ") + markdown.inline(fillingPlaceholders(text)))
        case .hintAvailable:
            output.writeLine(style.dim("Stuck? .hint gives a hint."))
        case .hintWithheld(let reason):
            output.writeLine(reason)
        case .solution(let text):
            output.writeLine(style.cyan(text.terminalSafe))
        case .lessonFinished(let lesson, let passed, let next):
            output.writeLine(style.green("That was the last step of \(lesson.title)") + " (\(passed)/\(lesson.steps.count) passed).")
            if let next { output.writeLine("Next: " + style.cyan(".lesson \(next.id)") + " — \(next.title).") }
        case .progressReport(let entries, let passed, let total):
            showProgress(entries, passed: passed, total: total)
        }
    }

    /// Points the prompt at the lesson's database, and the server at it with the lesson's API
    /// and the learner's routes for it.
    func follow(_ lesson: Lesson, database: Connection) {
        guard let session else { return }
        session.connection = database
        // `.eqp on` changes what every statement prints: a lesson starts without it. Display
        // preferences (.mode, .headers, .timer, .limit) carry over.
        if session.settings.showQueryPlan {
            session.settings.showQueryPlan = false
            session.output.writeLine(session.style.dim("(.eqp is off again for this lesson; .eqp on shows query plans.)"))
        }
        do {
            panel?.serve(path: try home.lessonDatabase(lesson.id), spec: lesson.server ?? playground?.spec, routesFile: try home.routesFile(lesson.id),
                       instanceArguments: ["--lesson", lesson.id])
        } catch {
            session.reportFailure("\(error)")
        }
    }

    func showProgress(_ entries: [MenuEntry], passed: Int, total: Int) {
        guard let session else { return }
        for entry in entries {
            let failed = entry.failedChecks > 0 ? session.style.dim(entry.failedChecks == 1 ? ", 1 failed check" : ", \(entry.failedChecks) failed checks") : ""
            session.output.writeLine("\(entry.title): \(entry.passed)/\(entry.steps) steps" + failed)
        }
        session.output.writeLine(session.style.bold("In all: \(passed)/\(total) steps."))
    }

    func showMenu(_ entries: [MenuEntry], problems: [LessonProblem]) {
        guard let session else { return }
        let style = session.style
        session.output.writeLine(style.bold("Lessons"))
        // Numbers right-aligned, so the titles start in one column past lesson 9.
        let numberWidth = String(entries.map(\.number).max() ?? 0).count
        for entry in entries {
            let mark = entry.passed == entry.steps ? style.green("✓") : (entry.passed > 0 ? style.yellow("◐") : " ")
            let here = entry.isCurrent ? style.cyan(" ← you are here") : ""
            let number = String(repeating: " ", count: numberWidth - String(entry.number).count) + "\(entry.number)."
            session.output.writeLine(" \(mark) \(number) \(entry.title) " + style.dim("(\(entry.id), \(entry.passed)/\(entry.steps))") + here)
        }
        for problem in problems {
            session.output.writeLine(style.red(" ✗ ") + "\(problem)")
        }
    }

    func showStep(_ view: StepView) {
        guard let session else { return }
        let style = session.style
        let markdown = MarkdownTerminal(color: session.settings.color, width: session.settings.terminalWidth ?? 80)
        let passed = view.passed ? style.green(" ✓") : ""
        session.output.writeLine()
        session.output.writeLine(style.bold("\(view.lesson.title) · step \(view.index + 1)/\(view.lesson.steps.count): \(view.step.title)".terminalSafeLine) + passed)
        session.output.writeLine()
        session.output.writeLine(markdown.render(fillingPlaceholders(view.step.text)))
        session.output.writeLine()
        session.output.writeLine(markdown.render("**Task:** " + fillingPlaceholders(view.step.task.trimmed)))
        for line in view.step.check.presentation { session.output.writeLine(line.terminalSafe) }
        if view.isFirstOfCourse {
            session.output.writeLine(style.dim("Kitchen checks each statement you run and tells you when the step is done; .check explains what is missing, .hint helps."))
        }
        session.output.flush()
    }

    /// Lesson text with `{{server}}` filled in with the running server's address
    /// (`http://127.0.0.1:PORT` while it is stopped), the one way every front end fills it.
    func fillingPlaceholders(_ text: String) -> String {
        // Only text that shows the address waits for a server start still under way.
        guard ServerPlaceholder.appears(in: text) else { return text }
        return ServerPlaceholder.filling(text, serverURL: session.flatMap { panel?.startedURL($0) } ?? panel?.server.url)
    }

    func updatePrompt() {
        guard let lesson = run.lesson, let session else { return }
        session.promptLabel = "kitchen[\(lesson.id) \(run.stepIndex + 1)/\(lesson.steps.count)]"
    }

    // MARK: Commands

    func commands() -> [DotCommand] {
        func command(_ name: String, arguments: [DotCommand.Argument] = [], summary: String,
                     event: @escaping ([String]) -> LessonEvent) -> DotCommand {
            DotCommand(name, arguments: arguments, group: "Lessons", summary: summary) { [unowned self] _, words in
                try handle(event(words))
                return .done
            }
        }
        return [
            command("lessons", summary: "List the lessons and your progress") { _ in .showMenu },
            command("lesson", arguments: [.text("ID"), .text("STEP", optional: true)],
                    summary: "Open a lesson (by id or number) where you left it, or at STEP") { .open($0[0], step: $0.count > 1 ? $0[1] : nil) },
            command("step", summary: "Show the current step again") { _ in .showStep },
            command("next", summary: "Go to the next step") { _ in .next },
            command("back", summary: "Go to the previous step") { _ in .back },
            command("check", summary: "Check your answer and explain what is missing") { _ in .check },
            command("answer", arguments: [.text("TEXT", rest: true)], summary: "Answer a question step") { .answer($0[0]) },
            command("hint", summary: "Show a hint (each one says a little more)") { _ in .hint },
            command("solution", summary: "Show the reference solution (after a few tries)") { _ in .solution },
            command("reset", summary: "Put the database back as it was at the start of this step") { _ in .reset },
            command("progress", summary: "Show what you have passed") { _ in .showProgress },
        ]
    }
}
