import ArgumentParser
import KitchenLessons
import KitchenServer
import KitchenSupport
#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `kitchen check LESSON STEP`: grade one answer without the prompt, for teachers and CI.
/// Exit status: 0 pass, 1 fail, 2 bad input.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Grade an answer to one step (exit 0 pass, 1 fail, 2 bad input).",
        discussion: "The answer is what the step asks for, read from FILE or from standard input with `--answer -`: SQL, requests (request lines as typed at the prompt, or a .http file's text), route definitions, or a choice's letter or text."
    )

    @OptionGroup var lessons: LessonsOptions
    @Argument(help: "The lesson id.") var lesson: String
    @Argument(help: "The step: its number (from 1) or its id.") var step: String
    @Option(help: ArgumentHelp("Read the answer from FILE, or - for standard input.", valueName: "FILE")) var answer: String = "-"
    @Option(help: "How to report the verdict.") var format: OutputFormat = .text

    func run() throws {
        let found = try LessonLookup.lesson(lesson, in: lessons.resolved)
        let foundStep = try LessonLookup.step(step, of: found)
        let index = found.index(of: foundStep.id)!
        let text: String
        do {
            text = answer == "-" ? readAll() : try FileReading.read(answer)
        } catch {
            throw LessonLookup.badInput("cannot read the answer: \(error)")
        }
        let verdict = Grader(lesson: found).grade(Answer(text), step: index)
        switch format {
        case .text:
            print((verdict.passed ? "PASS " : "FAIL ") + "\(found.id)/\(foundStep.id): " + verdict.summary)
            for line in verdict.details { print(line) }
        case .json:
            struct Report: Encodable {
                var lesson: String, step: String, stepNumber: Int, passed: Bool, summary: String, details: [String], explanation: String
            }
            let report = Report(lesson: found.id, step: foundStep.id, stepNumber: index + 1, passed: verdict.passed,
                                summary: verdict.summary, details: verdict.details, explanation: verdict.explanation)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        case .junit:
            var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"kitchen check\" tests=\"1\" failures=\"\(verdict.passed ? 0 : 1)\">\n"
            xml += "  <testcase classname=\"\(JUnit.escape(found.id))\" name=\"\(JUnit.escape(foundStep.id))\">"
            if !verdict.passed {
                xml += "<failure message=\"\(JUnit.escape(verdict.summary))\">\(JUnit.escape(verdict.explanation))</failure>"
            }
            print(xml + "</testcase>\n</testsuite>")
        }
        if !verdict.passed { throw ExitCode.failure }
    }

    func readAll() -> String {
        var lines: [String] = []
        while let line = readLine(strippingNewline: false) { lines.append(line) }
        return lines.joined()
    }
}

func printError(_ message: String) {
    var standardError = StandardError()
    print(message, to: &standardError)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        var string = string
        string.withUTF8 { bytes in _ = Glibc.write(2, bytes.baseAddress, bytes.count) }
    }
}
