import Foundation
import KitchenSQL
import Testing
@testable import KitchenLessons

/// The small pantry every grading test runs on: two categories and six items, with the
/// constraints the `sql-error` tests provoke (NOT NULL, UNIQUE, CHECK, FOREIGN KEY).
let pantrySetup = """
    CREATE TABLE categories (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
    CREATE TABLE items (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      price REAL NOT NULL CHECK (price > 0),
      category_id INTEGER REFERENCES categories(id)
    );
    INSERT INTO categories (id, name) VALUES (1, 'Mains'), (2, 'Drinks');
    INSERT INTO items (id, name, price, category_id) VALUES
      (1, 'Pizza', 12, 1), (2, 'Soup', 6.5, 1), (3, 'Tea', 3, 2),
      (4, 'Pasta', 11, 1), (5, 'Juice', 4.25, 2), (6, 'Salad', 8, 1);
    """

/// Indents every line of `text` by `spaces`, for nesting SQL or options in YAML.
func indented(_ text: String, by spaces: Int) -> String {
    let pad = String(repeating: " ", count: spaces)
    return text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
}

/// One step's YAML, ready to go under `steps:`. `check` holds the check's keys, one per line.
func stepYAML(id: String = "only", check: String, solution: String, wrong: [(answer: String, expect: String, message: String?)] = [("SELECT 1", "x", nil)], setup: String? = nil) -> String {
    var yaml = """
          - id: \(id)
            title: Step \(id)
            text: Some text.
            task: Do the thing.
            check:
        \(indented(check, by: 6))
            hints:
              - A first hint.
              - A second hint.
            solution: |
        \(indented(solution, by: 6))
            wrong:

        """
    for entry in wrong {
        yaml += "      - answer: |\n\(indented(entry.answer, by: 10))\n        expect: \(entry.expect)\n"
        if let message = entry.message { yaml += "        message: \(message)\n" }
    }
    if let setup { yaml += "    setup: |\n\(indented(setup, by: 6))\n" }
    return yaml
}

/// A whole lesson's YAML on the pantry (or on `setup`), with `variant` SQL if given.
func lessonYAML(id: String = "pantry", steps: [String], setup: String = pantrySetup, variant: String? = nil) -> String {
    var yaml = """
        format: 1
        id: \(id)
        title: The pantry
        summary: A small pantry for tests.
        setup:
          sql: |
        \(indented(setup, by: 4))

        """
    if let variant { yaml += "  variant: |\n\(indented(variant, by: 4))\n" }
    return yaml + "steps:\n" + steps.joined()
}

/// Parses a lesson the way the loader does.
func parseLesson(_ yaml: String, file: String = "test.yaml") throws -> Lesson {
    try LessonLoader().parse(yaml, file: file, fixtures: fixturesURL.appending(path: "broken/fixtures").path)
}

/// A grader for a one-step lesson on the pantry with the given check and reference solution.
func grader(check: String, solution: String, variant: String? = nil, setup: String = pantrySetup,
            wrong: [(answer: String, expect: String, message: String?)] = [("SELECT 1", "x", nil)]) throws -> Grader {
    let lesson = try parseLesson(lessonYAML(steps: [stepYAML(check: check, solution: solution, wrong: wrong)], setup: setup, variant: variant))
    return Grader(lesson: lesson)
}

extension Grader {
    /// Grades `text` as the answer to step `index` (the first by default).
    func grade(_ text: String, step index: Int = 0) -> Verdict {
        grade(Answer(text), step: index)
    }
}

/// The lesson `NAME.yaml` in the fixture folder `NAME` (with its own `fixtures/`).
func fixtureLesson(_ name: String) throws -> Lesson {
    let folder = fixturesURL.appending(path: name).path
    return try LessonLoader().load(file: folder + "/\(name).yaml", fixtures: folder + "/fixtures")
}

/// The folder of fixture lessons copied into the test bundle.
var fixturesURL: URL {
    Bundle.module.resourceURL!.appending(path: "Fixtures")
}

/// A fresh empty folder for one test.
func temporaryFolder(_ name: String = #function) throws -> String {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    let path = FileManager.default.temporaryDirectory.appending(path: "kitchen-lessons-\(safe)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Counts the lines of `text` that start with `prefix`.
func lines(of text: String, startingWith prefix: String) -> [String] {
    text.split(separator: "\n").map(String.init).filter { $0.hasPrefix(prefix) }
}

/// The 1-based number of the first line of `text` that starts with `prefix`.
func lineNumber(of prefix: String, in text: String) -> Int? {
    text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix(prefix) }.map { $0 + 1 }
}

/// The learner's progress (Foundation has a `Progress` of its own).
typealias LearnerProgress = KitchenLessons.Progress
