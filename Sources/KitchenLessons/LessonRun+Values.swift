import KitchenSQL

/// What the learner does, as a lesson run sees it. A front end (the prompt's tutor, a test, any
/// other interface) turns its input into these and hands them to `LessonRun.handle(_:)`.
public enum LessonEvent: Sendable, Equatable {
    /// Kitchen starts: load the progress and resume the lesson the learner was in.
    case start
    /// `.lessons`: the lesson list with the learner's progress.
    case showMenu
    /// `.lesson ID`: open a lesson (by id or number) where the learner left it. `step` (a number
    /// from 1 or a step id) jumps straight to that step instead (`.lesson ID STEP`).
    case open(String, step: String? = nil)
    /// `.step`: show the current step again.
    case showStep
    /// `.next` and `.back`.
    case next
    case back
    /// A statement ran at the prompt; SQL steps record it as part of the answer.
    case statementRan(sql: String, failed: Bool)
    /// A request was sent from the prompt (its text); HTTP steps record it.
    case requestSent(String)
    /// The learner defined, replaced or removed a route; route steps are graded on the spot.
    case routesChanged
    /// The prompt is back after any input (a command, SQL, a request, an empty line): requests
    /// other clients sent meanwhile (curl, a browser) count for an HTTP step.
    case backAtPrompt
    /// `.check`: grade the recorded answer and explain what is missing.
    case check
    /// `.answer TEXT`: the answer of a question step. (A front end may also send a bare option
    /// letter typed on a choice step as this event: see `LessonRun.isChoiceStep`.)
    case answer(String)
    /// `.hint`, `.solution`, `.reset`, `.progress`.
    case hint
    case solution
    case reset
    case showProgress
}

/// What a lesson run answers: values for a front end to render. It never prints.
public enum LessonOutcome {
    /// Something went wrong that the learner should know about, but the run goes on.
    case warning(String)
    /// Something the learner asked for failed (a lesson database that cannot be opened).
    case failure(String)
    /// The lesson list, with the learner's progress and the lessons that did not load.
    case menu([MenuEntry], problems: [LessonProblem])
    /// Nothing to resume: where to begin (the first lesson, as the index knows it: not parsed).
    case suggestStart(LessonEntry)
    /// Kitchen started inside a lesson and picks it up again.
    case resuming(Lesson)
    /// No lesson is open: the front end serves its default dataset.
    case noLessonOpen
    /// A lesson was opened on `database` (the learner's own copy): the front end points the
    /// prompt and the server at it.
    case opened(Lesson, database: Connection)
    /// A step became current (the front end notes, for example, where the request log stands).
    case stepEntered(index: Int)
    /// Show the step: its text, task and presentation.
    case step(StepView)
    /// Moving on from a step that is not passed yet.
    case leavingUnpassedStep
    /// The database was set up for the step the learner moved to.
    case databaseSetUpForStep
    /// `.reset`: the database is back to the start of this step (number from 1).
    case databaseReset(stepNumber: Int)
    /// The step passed just now. `isLastStep`: it was the lesson's last step.
    case passed(Verdict, isLastStep: Bool)
    /// `.check` on a step passed earlier: the answer still passes.
    case stillPassing(Verdict)
    /// `.check` found the answer wrong (or missing).
    case failedCheck(Verdict)
    /// A statement, request or route that is a plausible attempt at the step (the rule is in
    /// LessonRun+Attempts.swift) was graded on its own and does not pass yet: the front end
    /// shows `verdict.oneLine`. Exploration gets no outcome at all.
    case notYet(Verdict)
    /// A hint. `automatic`: shown because a check failed, not because the learner asked.
    case hint(number: Int, of: Int, text: String, automatic: Bool)
    /// Hints are left for the asking.
    case hintAvailable
    /// No further hint may be shown now, and why.
    case hintWithheld(String)
    /// The reference solution.
    case solution(String)
    /// `.next` past the last step.
    case lessonFinished(Lesson, passed: Int, next: Lesson?)
    /// `.progress`: one line per lesson, then the totals.
    case progressReport([MenuEntry], passed: Int, total: Int)
}

/// A lesson in the menu or the progress report.
public struct MenuEntry: Sendable, Equatable {
    public var id: String
    public var title: String
    public var number: Int
    public var steps: Int
    public var passed: Int
    /// Failed checks over all its steps.
    public var failedChecks: Int
    public var isCurrent: Bool
}

/// A step to show.
public struct StepView {
    public var lesson: Lesson
    public var index: Int
    public var step: Step
    public var passed: Bool
    /// The course's very first SQL step, where Kitchen says how grading works.
    public var isFirstOfCourse: Bool
}

/// A command that makes no sense now (no lesson open, the wrong kind of step…), with what to do.
public struct LessonRunError: Error, CustomStringConvertible, Equatable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }

    static let noLesson = LessonRunError("no lesson is open; .lessons lists them")
}

/// What a lesson run needs from the world around it. Everything that touches files, the server
/// or the terminal stays with the front end; tests give in-memory stand-ins.
public struct LessonEnvironment {
    /// Opens the learner's own database for `lesson` (creating it when missing) and says whether
    /// it existed before.
    public var openDatabase: (Lesson) throws -> (connection: Connection, existed: Bool)
    /// The learner's routes, as text: the answer of route steps.
    public var learnerRoutes: () -> String
    /// Services handed to checks while grading (the live request log, …), by key.
    public var gradingServices: () -> [String: any Sendable]
    /// How many requests the server received since the step began, from any client: a request
    /// sent with curl is an attempt at an HTTP step too.
    public var requestsSinceStepStart: () -> Int

    public init(openDatabase: @escaping (Lesson) throws -> (connection: Connection, existed: Bool),
                learnerRoutes: @escaping () -> String = { "" },
                gradingServices: @escaping () -> [String: any Sendable] = { [:] },
                requestsSinceStepStart: @escaping () -> Int = { 0 }) {
        self.openDatabase = openDatabase
        self.learnerRoutes = learnerRoutes
        self.gradingServices = gradingServices
        self.requestsSinceStepStart = requestsSinceStepStart
    }
}
