import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The `kitchen` executable built next to this test bundle.
let kitchenBinary: URL = {
    var starts: [URL] = [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
    if let executable = Bundle.main.executableURL { starts.append(executable.deletingLastPathComponent()) }
    for bundle in Bundle.allBundles { starts.append(bundle.bundleURL.deletingLastPathComponent()) }
    for start in starts {
        var folder = start.standardizedFileURL
        for _ in 0..<4 {
            let candidate = folder.appending(path: "kitchen")
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isFolder), !isFolder.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate.path) {
                return candidate
            }
            folder = folder.deletingLastPathComponent()
        }
    }
    fatalError("no kitchen executable found near \(starts.map(\.path)); build with `swift build --build-tests`")
}()

/// What a run of `kitchen` printed and how it ended.
struct Run {
    var status: Int32
    var output: String
    var errors: String

    var outputLines: [String] { output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
}

/// A sandbox for one test: a fresh Kitchen home and a lessons folder of our own.
final class Sandbox {
    let root: String
    var home: String { root + "/home" }
    var lessons: String { root + "/lessons" }

    init(_ name: String = #function) throws {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        root = FileManager.default.temporaryDirectory.appending(path: "kitchen-e2e-\(safe)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: lessons + "/fixtures", withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Writes a lesson file (or a fixture, `fixtures/NAME.sql`, or `kitchen.yaml`) into the lessons folder.
    func write(_ name: String, _ text: String, in folder: String? = nil) throws {
        try text.write(toFile: (folder ?? lessons) + "/" + name, atomically: true, encoding: .utf8)
    }

    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["KITCHEN_HOME"] = home
        environment["KITCHEN_LESSONS"] = nil
        environment["NO_COLOR"] = "1"
        return environment
    }

    /// A `kitchen` process with this sandbox's home, reading `input` from a file.
    func process(_ arguments: [String], input: String = "") throws -> (Process, Pipe, Pipe) {
        let inputPath = root + "/input-\(UUID().uuidString).txt"
        try input.write(toFile: inputPath, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = kitchenBinary
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        process.standardInput = FileHandle(forReadingAtPath: inputPath)
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        return (process, output, errors)
    }

    /// Runs `kitchen ARGUMENTS` to the end with `input` on standard input.
    @discardableResult
    func run(_ arguments: [String], input: String = "") throws -> Run {
        let (process, output, errors) = try process(arguments, input: input)
        try process.run()
        let collected = Collected(output: output, errors: errors)
        process.waitUntilExit()
        let (out, err) = collected.finish()
        return Run(status: process.terminationStatus, output: out, errors: err)
    }

    /// The learner at the prompt in batch mode, on this sandbox's lessons.
    @discardableResult
    func learn(_ lines: [String]) throws -> Run {
        try run(["--lessons", lessons], input: lines.joined(separator: "\n") + "\n")
    }

    /// progress.json as a JSON object.
    func progress() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: home + "/progress.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func lessonProgress(_ id: String) throws -> [String: Any] {
        try #require((try progress()["lessons"] as? [String: Any])?[id] as? [String: Any])
    }
}

/// Reads both pipes on their own threads so a chatty child never blocks.
final class Collected: @unchecked Sendable {
    private let group = DispatchGroup()
    private var out = Data(), err = Data()

    init(output: Pipe, errors: Pipe) {
        group.enter()
        group.enter()
        DispatchQueue.global().async { self.out = output.fileHandleForReading.readDataToEndOfFile(); self.group.leave() }
        DispatchQueue.global().async { self.err = errors.fileHandleForReading.readDataToEndOfFile(); self.group.leave() }
    }

    func finish() -> (String, String) {
        group.wait()
        return (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}

/// A small lesson that uses every check kind, on its own tiny pantry.
let pantryLesson = """
    format: 1
    id: pantry
    title: The pantry
    summary: A small pantry for tests.
    setup:
      sql: |
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
      variant: UPDATE items SET price = price - 1 WHERE price > 10;
    steps:
      - id: cheap
        title: Cheap items
        text: Items under **10**.
        task: Show the name and price of every item that costs less than 10.
        check:
          kind: sql-result
        hints:
          - Use WHERE.
          - WHERE price < 10
        solution: SELECT name, price FROM items WHERE price < 10;
        wrong:
          - answer: SELECT name FROM items WHERE price < 10;
            expect: wrong number of columns
            message: Two columns, name and price.
      - id: add-coffee
        title: Add coffee
        text: Add a drink.
        task: Add Coffee, price 2.5, in category 2.
        check:
          kind: sql-state
          queries:
            - SELECT name, price, category_id FROM items ORDER BY name
        hints: [INSERT INTO items.]
        solution: INSERT INTO items (name, price, category_id) VALUES ('Coffee', 2.5, 2);
        wrong:
          - answer: INSERT INTO items (name, price, category_id) VALUES ('Coffee', 3, 2);
            expect: different result
      - id: index
        title: An index
        text: Make it fast.
        task: Create an index so that looking items up by price uses it.
        check:
          kind: sql-plan
          query: SELECT name FROM items WHERE price = 3
        hints: [CREATE INDEX.]
        solution: CREATE INDEX items_price ON items(price);
        wrong:
          - answer: CREATE INDEX items_category ON items(category_id);
            expect: does not use
      - id: refuse
        title: A refusal
        text: Break the rule.
        task: Insert an item with a negative price.
        check:
          kind: sql-error
          error: CHECK
        hints: [price -1.]
        solution: INSERT INTO items (name, price) VALUES ('Bad', -1);
        wrong:
          - answer: INSERT INTO items (name, price) VALUES ('Good', 1);
            expect: without an error
      - id: concept
        title: A question
        text: Think.
        task: Which part keeps the data?
        check:
          kind: choice
          options: [The menu, The pantry]
        hints: [Ingredients.]
        solution: The pantry
        wrong:
          - answer: The menu
            expect: not the right answer

    """

/// The step ids of `pantryLesson`, in order.
let pantrySteps = ["cheap", "add-coffee", "index", "refuse", "concept"]

extension Sandbox {
    /// A sandbox holding the pantry lesson.
    static func pantry(_ name: String = #function) throws -> Sandbox {
        let sandbox = try Sandbox(name)
        try sandbox.write("pantry.yaml", pantryLesson)
        return sandbox
    }
}

/// How many times `needle` occurs in `text`.
func occurrences(of needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
}

/// The 1-based number of the first line of `text` that starts with `prefix`.
func lineNumber(of prefix: String, in text: String) -> Int? {
    text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix(prefix) }.map { $0 + 1 }
}
