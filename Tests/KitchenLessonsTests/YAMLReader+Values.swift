import Foundation
import Testing
@testable import KitchenLessons

/// Lesson YAML is composed with Yams' basic resolver (no implicit types): what each key reads as
/// must not depend on that. Values are text converted by the reader; a quoted value is text.
@Suite("YAML reading: values, quoting and duplicate keys")
struct YAMLReaderValues {
    func spec(_ yaml: String) throws -> ServerSpec {
        let folder = try temporaryFolder()
        try yaml.write(toFile: folder + "/x.server.yaml", atomically: true, encoding: .utf8)
        return try ServerSpec.load(file: folder + "/x.server.yaml", lessonsDirectory: folder)
    }

    @Test("plain true/false, yes/no and on/off are booleans; a quoted one is text and refused", arguments: [
        ("false", false), ("no", false), ("off", false), ("False", false), ("true", true), ("yes", true), ("on", true),
    ])
    func booleans(written: String, value: Bool) throws {
        #expect(try spec("inspection: \(written)\n").inspection == value)
        #expect(throws: LessonProblem.self) { try spec("inspection: \"\(written)\"\n") }
    }

    @Test("numbers read as numbers whether YAML would call them int or float; quoted ones are refused")
    func numbers() throws {
        #expect(try TeacherConfig.parse("solution-attempts: 3\n", file: "k.yaml").solutionAttempts == 3)
        #expect(try TeacherConfig.parse("solution-attempts: 3.0\n", file: "k.yaml").solutionAttempts == 3)
        #expect(throws: LessonProblem.self) { try TeacherConfig.parse("solution-attempts: '3'\n", file: "k.yaml") }
    }

    @Test("format is read as YAML reads a whole number: 1, 01, 0x1 and +1 are format 1; 1_0 is 10; a quoted 1 is no number", arguments: [
        ("1", nil), ("01", nil), ("0x1", nil), ("+1", nil), ("1_0", "format 10 is not supported"), ("2", "format 2 is not supported"),
        ("-1", "format -1 is not supported"), ("\"1\"", "missing 'format: 1'"), ("one", "missing 'format: 1'"),
    ] as [(String, String?)])
    func format(written: String, problem: String?) throws {
        let yaml = lessonYAML(steps: [stepYAML(check: "kind: sql-result", solution: "SELECT 1;")])
            .replacingOccurrences(of: "format: 1\n", with: "format: \(written)\n")
        if let problem {
            let thrown = try #require(throws: LessonProblem.self) { try parseLesson(yaml) }
            #expect(thrown.message.contains(problem))
        } else {
            #expect(try parseLesson(yaml).id == "pantry")
        }
    }

    @Test("text that looks like another type (a date, null, 0x10, a number) is read as it is written")
    func textStaysText() throws {
        let lesson = try parseLesson(lessonYAML(steps: [stepYAML(check: "kind: sql-result", solution: "SELECT 1;")])
            .replacingOccurrences(of: "title: The pantry", with: "title: 2024-01-02")
            .replacingOccurrences(of: "summary: A small pantry for tests.", with: "summary: 0x10"))
        #expect(lesson.title == "2024-01-02")
        #expect(lesson.summary == "0x10")
        #expect(try spec("routes: 12\n").routes == "12")
        #expect(try spec("routes: null\n").routes == nil)
        #expect(try spec("routes: 'null'\n").routes == "null")
    }

    @Test("a key given twice is refused as invalid YAML, naming the key, also when the keys look like numbers")
    func duplicateKeys() throws {
        let yaml = lessonYAML(steps: [stepYAML(check: "kind: sql-result", solution: "SELECT 1;")])
            .replacingOccurrences(of: "title: The pantry\n", with: "title: The pantry\ntitle: Again\n")
        let problem = try #require(throws: LessonProblem.self) { try parseLesson(yaml) }
        #expect(problem.message.hasPrefix("not valid YAML"))
        #expect(problem.message.contains("title"))
        #expect(throws: (any Error).self) { try spec("secrets:\n  1234: abcdefghij\n  1234: abcdefghij\n") }
        #expect(try spec("secrets:\n  1234: abcdefghij\n  01234: abcdefghij\n").secrets.count == 2)
    }
}
