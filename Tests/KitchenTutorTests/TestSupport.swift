import Foundation
import KitchenLessons
import KitchenSQL
import Testing

/// A lesson run on a temporary Kitchen home, driven without a terminal.
final class RunFixture {
    let folder: String
    let home: KitchenHome
    let catalog: LessonLoader.Catalog

    init(lesson: String = pantryLesson, name: String = #function) throws {
        folder = NSTemporaryDirectory() + "kitchen-run-\(name.filter(\.isLetter))-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/lessons", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/home", withIntermediateDirectories: true)
        try lesson.write(toFile: folder + "/lessons/pantry.yaml", atomically: true, encoding: .utf8)
        home = KitchenHome(path: folder + "/home")
        catalog = LessonLoader().loadDirectory(folder + "/lessons")
        #expect(catalog.problems.isEmpty, "\(catalog.problems)")
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    /// A new run over the same home, as after a restart.
    func makeRun(config: TeacherConfig = TeacherConfig()) -> LessonRun {
        let home = self.home
        let environment = LessonEnvironment(openDatabase: { lesson in
            let path = try home.lessonDatabase(lesson.id)
            let existed = FileManager.default.fileExists(atPath: path)
            return (try Connection(path: path), existed)
        })
        return LessonRun(catalog: catalog, config: config, store: ProgressStore(home: home.path), environment: environment)
    }
}

extension LessonRun {
    /// Handles each event in turn; returns every outcome.
    @discardableResult
    func send(_ events: LessonEvent...) throws -> [LessonOutcome] {
        try events.flatMap { try handle($0) }
    }

    /// Runs `sql` on the learner's database, as the prompt would, and records it.
    @discardableResult
    func run(_ sql: String) throws -> [LessonOutcome] {
        var failed = false
        do { try database?.execute(sql) } catch { failed = true }
        return try handle(.statementRan(sql: sql, failed: failed))
    }
}

/// Names of outcomes, for compact expectations.
func names(_ outcomes: [LessonOutcome]) -> [String] {
    outcomes.map { outcome in
        switch outcome {
        case .warning: "warning"
        case .failure: "failure"
        case .menu: "menu"
        case .suggestStart: "suggestStart"
        case .resuming: "resuming"
        case .noLessonOpen: "noLessonOpen"
        case .opened: "opened"
        case .stepEntered(let index): "stepEntered(\(index))"
        case .step(let view): "step(\(view.step.id))"
        case .leavingUnpassedStep: "leavingUnpassedStep"
        case .databaseSetUpForStep: "databaseSetUpForStep"
        case .databaseReset(let number): "databaseReset(\(number))"
        case .passed: "passed"
        case .stillPassing: "stillPassing"
        case .failedCheck: "failedCheck"
        case .notYet: "notYet"
        case .hint(let number, _, _, let automatic): automatic ? "autoHint(\(number))" : "hint(\(number))"
        case .hintAvailable: "hintAvailable"
        case .hintWithheld: "hintWithheld"
        case .solution: "solution"
        case .lessonFinished: "lessonFinished"
        case .progressReport: "progressReport"
        }
    }
}

func hintText(_ outcomes: [LessonOutcome]) -> String? {
    for case .hint(_, _, let text, _) in outcomes { return text }
    return nil
}

func withheldReason(_ outcomes: [LessonOutcome]) -> String? {
    for case .hintWithheld(let reason) in outcomes { return reason }
    return nil
}

/// A small lesson with SQL, state and choice steps; its first step's last hint is the solution.
/// A second table (`shelves`) is there to tell the step's table from another one.
let pantryLesson = """
    format: 1
    id: pantry
    title: The pantry
    summary: A small pantry for tests.
    setup:
      sql: |
        CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, price REAL NOT NULL CHECK (price > 0));
        CREATE TABLE shelves (id INTEGER PRIMARY KEY, label TEXT);
        INSERT INTO items (id, name, price) VALUES (1, 'Pizza', 12), (2, 'Soup', 6.5), (3, 'Tea', 3), (4, 'Pasta', 11);
        INSERT INTO shelves VALUES (1, 'top');
    steps:
      - id: cheap
        title: Cheap items
        text: Items under **10**.
        task: Show the name and price of every item that costs less than 10.
        check:
          kind: sql-result
        hints:
          - Use WHERE.
          - Compare the price with 10.
          - "Type exactly: `SELECT name, price FROM items WHERE price < 10;`"
        solution: SELECT name, price FROM items WHERE price < 10;
        wrong:
          - answer: SELECT name FROM items WHERE price < 10;
            expect: wrong number of columns
      - id: add-coffee
        title: Add coffee
        text: Add a drink.
        task: Add Coffee, price 2.5.
        check:
          kind: sql-state
          queries:
            - SELECT name, price FROM items ORDER BY name
        hints: [INSERT INTO items.]
        solution: INSERT INTO items (name, price) VALUES ('Coffee', 2.5);
        wrong:
          - answer: INSERT INTO items (name, price) VALUES ('Coffee', 3);
            expect: different result
      - id: concept
        title: A question
        text: Think.
        task: Which part keeps the data?
        check:
          kind: choice
          options: [The menu, The pantry, The kitchen]
        hints: [Ingredients., Type `.answer b`.]
        solution: The pantry
        wrong:
          - answer: a
            expect: not the right answer

    """
