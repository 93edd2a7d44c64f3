import ArgumentParser
import KitchenLessons
import KitchenServer
import KitchenServerChecks
import KitchenSQL
import KitchenSupport
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `kitchen lessons …`: list, show, lint and test lessons.
struct LessonsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lessons",
        abstract: "List, show, lint and test the lessons.",
        subcommands: [List.self, Show.self, Lint.self, Test.self],
        defaultSubcommand: List.self
    )
}

/// `kitchen check --format`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, junit
}

/// `kitchen lessons list --format`: a list has no JUnit form.
enum ListFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `kitchen lessons test --format`: results for people or for CI.
enum TestReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, junit
}

extension LessonsCommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the lessons with your progress.")

        @OptionGroup var lessons: LessonsOptions
        @Option(help: "How to print the list.") var format: ListFormat = .text

        func run() throws {
            let catalog = LessonLoader(registry: HTTPChecks.registry).loadDirectory(lessons.resolved)
            let home = try KitchenHome.resolve()
            let progress = ProgressStore(home: home.path).load().progress
            struct Entry: Encodable {
                var id: String, title: String, summary: String, steps: Int, passed: Int, requires: [String]
            }
            let entries = catalog.lessons.map {
                Entry(id: $0.id, title: $0.title, summary: $0.summary, steps: $0.steps.count, passed: progress.lesson($0.id).passed.count, requires: $0.requires)
            }
            if format == .json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(entries), as: UTF8.self))
            } else {
                let width = entries.map(\.id.count).max() ?? 0
                for (number, entry) in entries.enumerated() {
                    let mark = entry.passed == entry.steps ? "✓" : (entry.passed > 0 ? "◐" : " ")
                    print("\(mark) \(number + 1). \(entry.id.padded(to: width))  \(entry.title) (\(entry.passed)/\(entry.steps) steps)")
                }
            }
            for problem in catalog.problems {
                printError("lesson not loaded: \(problem)")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Print a lesson, or one step of it.")

        @OptionGroup var lessons: LessonsOptions
        @Argument(help: "The lesson id.") var lesson: String
        @Argument(help: "A step: its number (from 1) or its id.") var step: String?
        @Flag(help: "Print the reference solution alone, raw, for piping into `kitchen check`.") var solution = false

        func run() throws {
            let found = try LessonLookup.lesson(lesson, in: lessons.resolved)
            if solution {
                guard let step else { throw LessonLookup.badInput("--solution needs a STEP") }
                print(try LessonLookup.step(step, of: found).solution.trimmingTrailingNewlines())
                return
            }
            if let step {
                let found = try LessonLookup.step(step, of: found)
                let text = ServerPlaceholder.filling(found.text.trimmingTrailingNewlines(), serverURL: nil)
                let task = ServerPlaceholder.filling(found.task, serverURL: nil)
                print("# \(found.title)\n\n\(text)\n\nTask: \(task)")
                // No server runs here, so the address keeps PORT for its port; say what that is.
                if ServerPlaceholder.appears(in: found.text, found.task) { print("\n(\(ServerPlaceholder.noteWithoutServer))") }
                return
            }
            print("# \(found.title)\n\n\(found.summary)\n")
            for (index, step) in found.steps.enumerated() {
                print("\(index + 1). \(step.title) (\(step.id), \(step.checkKind))")
            }
        }
    }

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lint",
            abstract: "Validate lesson files: structure, setup SQL, and that every solution passes.")

        @OptionGroup var lessons: LessonsOptions
        @Argument(help: "Lesson files to check (default: every lesson).") var files: [String] = []

        func run() throws {
            var problems: [LessonProblem] = []
            var loaded: [Lesson] = []
            if files.isEmpty {
                let catalog = LessonLoader(registry: HTTPChecks.registry).loadDirectory(lessons.resolved)
                problems += catalog.problems
                loaded = catalog.lessons
            } else {
                for file in files {
                    let folder = file.contains("/") ? String(file[..<file.lastIndex(of: "/")!]) : "."
                    do {
                        loaded.append(try LessonLoader(registry: HTTPChecks.registry).load(file: file, fixtures: folder + "/fixtures"))
                    } catch let problem as LessonProblem {
                        problems.append(problem)
                    }
                }
            }
            for lesson in loaded {
                problems += LessonLint.deepProblems(of: lesson)
            }
            problems = problems.flatMap(\.all)
            for problem in problems { print(problem) }
            print("\(loaded.count + problems.filter { p in !loaded.contains { $0.file == p.file } }.count) lesson file(s) checked, \(problems.count) problem(s)")
            if !problems.isEmpty { throw ExitCode.failure }
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Prove every step: its solution passes, its known-wrong answers fail as expected, an empty answer fails.")

        @OptionGroup var lessons: LessonsOptions
        @Argument(help: "Lesson ids (default: all).") var ids: [String] = []
        @Option(help: "How to report: for people, or JUnit XML for CI.") var format: TestReportFormat = .text

        func run() throws {
            let catalog = LessonLoader(registry: HTTPChecks.registry).loadDirectory(lessons.resolved)
            var selected = catalog.lessons
            if !ids.isEmpty {
                selected = try ids.map { id in
                    guard let lesson = catalog.lesson(id) else { throw LessonLookup.badInput("no lesson '\(id)'") }
                    return lesson
                }
            }
            // Every hash made while proving lessons is thrown away; the lowest cost makes the same
            // kind of hash in a fraction of the time (lessons that hash passwords run ~30 times faster).
            BcryptFunctions.setCost(BcryptFunctions.fastestCost)
            let outcomes = CurriculumSelfTest().run(selected)
            let loadFailures = ids.isEmpty ? catalog.problems : []
            let failed = outcomes.filter { !$0.passed }.count + loadFailures.count
            let passed = outcomes.count - outcomes.filter { !$0.passed }.count
            if format == .junit {
                print(JUnit.report(outcomes: outcomes, loadProblems: loadFailures))
            } else {
                for problem in loadFailures.flatMap(\.all) { print("FAIL \(problem)") }
                for outcome in outcomes {
                    if outcome.passed {
                        print("ok   \(outcome.lessonID)/\(outcome.stepID)")
                    } else {
                        print("FAIL \(outcome.lessonID)/\(outcome.stepID) (\(outcome.file):\(outcome.line))")
                        for problem in outcome.problems {
                            print("     " + problem.split(separator: "\n").joined(separator: "\n     "))
                        }
                    }
                }
                print("\(passed) passed, \(failed) failed")
            }
            if failed > 0 { throw ExitCode.failure }
        }
    }
}

/// Finding a lesson and a step from command-line words; unknown ones are bad input (exit 2).
enum LessonLookup {
    static func lesson(_ id: String, in directory: String) throws -> Lesson {
        let catalog = LessonLoader(registry: HTTPChecks.registry).loadDirectory(directory)
        if let lesson = catalog.lesson(id) { return lesson }
        if let problem = catalog.problems.first(where: { $0.file.contains(id) }) {
            throw badInput("lesson '\(id)' did not load: \(problem)")
        }
        throw badInput("no lesson '\(id)'. Lessons: \(catalog.lessons.map(\.id).joined(separator: ", "))")
    }

    static func step(_ reference: String, of lesson: Lesson) throws -> Step {
        guard let step = lesson.step(reference) else {
            throw badInput("lesson '\(lesson.id)' has no step '\(reference)'; it has steps 1–\(lesson.steps.count): \(lesson.steps.map(\.id).joined(separator: ", "))")
        }
        return step
    }

    static func badInput(_ message: String) -> RuntimeError {
        RuntimeError(message)
    }
}

/// JUnit XML, which CI systems read.
enum JUnit {
    static func report(outcomes: [LessonSelfTest.Outcome], loadProblems: [LessonProblem]) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let failures = outcomes.filter { !$0.passed }.count + loadProblems.count
        xml += "<testsuite name=\"kitchen lessons test\" tests=\"\(outcomes.count + loadProblems.count)\" failures=\"\(failures)\">\n"
        for problem in loadProblems {
            xml += "  <testcase classname=\"\(escape(problem.file))\" name=\"load\"><failure message=\"\(escape(problem.message))\">\(escape(problem.description))</failure></testcase>\n"
        }
        for outcome in outcomes {
            xml += "  <testcase classname=\"\(escape(outcome.lessonID))\" name=\"\(escape(outcome.stepID))\" time=\"\(outcome.seconds)\">"
            if !outcome.passed {
                xml += "<failure message=\"\(escape(outcome.problems.first ?? ""))\">\(escape(outcome.problems.joined(separator: "\n")))</failure>"
            }
            xml += "</testcase>\n"
        }
        return xml + "</testsuite>"
    }

    static func escape(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;").replacing("\"", with: "&quot;")
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while text.hasSuffix("\n") || text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}
