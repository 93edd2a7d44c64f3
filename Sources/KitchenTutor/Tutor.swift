import KitchenLessons
import KitchenServer
import KitchenServerChecks
import KitchenShell
import KitchenSQL
import KitchenSupport

/// The tutor at the prompt: a thin front for `LessonRun`. It turns the lesson dot-commands and
/// what the learner does at the prompt (statements, requests, routes) into events, and renders
/// the outcomes. What following a lesson means lives in `LessonRun`.
public final class Tutor {
    public let run: LessonRun
    let home: KitchenHome
    /// The request log's last id when the step began: later requests count for HTTP checks.
    var logPositionAtStepStart = 0
    weak var session: ShellSession?
    /// The mini-server, when it runs; it follows the learner's lesson database.
    public var panel: ServerPanel?
    /// What the server serves when no lesson is open.
    public var playground: Playground?

    public init(catalog: LessonLoader.Catalog, home: KitchenHome, config: TeacherConfig) {
        self.home = home
        // The run asks the tutor for the server's side of things; the tutor owns the run.
        final class Owner { weak var tutor: Tutor? }
        let owner = Owner()
        let environment = LessonEnvironment(
            openDatabase: { lesson in
                let path = try home.lessonDatabase(lesson.id)
                let existed = FileReading.exists(path)
                return (try Connection(path: path), existed)
            },
            learnerRoutes: { (owner.tutor?.panel?.learnerRoutes ?? []).map(\.source).joined(separator: "\n") },
            gradingServices: { () -> [String: any Sendable] in
                guard let live = owner.tutor?.liveRequests() else { return [:] }
                return [HTTPChecks.liveLogService: live, HTTPChecks.learnerRoutesService: owner.tutor?.panel?.learnerRoutes ?? []]
            },
            requestsSinceStepStart: { owner.tutor?.liveRequests()?.count ?? 0 }
        )
        run = LessonRun(catalog: catalog, config: config, store: ProgressStore(home: home.path), environment: environment)
        owner.tutor = self
    }

    /// The requests the server received since the step began, from any client.
    func liveRequests() -> [LoggedRequest]? {
        guard let log = panel?.server.log else { return nil }
        let start = logPositionAtStepStart
        return log.entries().filter { $0.id > start }
    }

    public var lesson: Lesson? { run.lesson }
    public var progress: Progress { run.progress }

    // MARK: Wiring

    /// Adds the lesson commands to `session` and starts recording its statements.
    public func attach(to session: ShellSession) {
        self.session = session
        for command in commands() { session.commands.add(command) }
        session.statementObservers.append { [weak self] statement in
            self?.send(.statementRan(sql: statement.sql, failed: statement.error != nil))
        }
        // On a multiple-choice step a line that is just an option's letter (or number) is the answer.
        session.lineHandlers.insert({ [weak self] _, lines in
            guard let self, lines.count == 1, let answer = run.choiceAnswer(in: lines[0]) else { return .notMine }
            send(.answer(answer))
            return .handled
        }, at: 0)
        session.errorAdvisors.append { [weak self] input in self?.run.answerAdvice(for: input) }
        panel?.onRequestSent = { [weak self] request, _ in
            self?.send(.requestSent(request.text))
        }
        session.promptObservers.append { [weak self] in self?.send(.backAtPrompt) }
        panel?.onRoutesChanged = { [weak self] _ in
            self?.send(.routesChanged)
        }
    }

    /// Loads progress (reporting a corrupt file) and resumes, or shows the menu.
    public func start() {
        send(.start)
        session?.output.flush()
    }

    /// Hands `event` to the lesson run and renders what comes back. Command errors are thrown
    /// as the prompt's `CommandError`.
    func handle(_ event: LessonEvent) throws {
        let outcomes: [LessonOutcome]
        do {
            outcomes = try run.handle(event)
        } catch let error as LessonRunError {
            throw CommandError(error.description)
        }
        for outcome in outcomes { render(outcome) }
        updatePrompt()
    }

    /// For events the learner did not type as a command: nothing to refuse.
    func send(_ event: LessonEvent) {
        do { try handle(event) } catch { session?.reportFailure("\(error)") }
    }
}
