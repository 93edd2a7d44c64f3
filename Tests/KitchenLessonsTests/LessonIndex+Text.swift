import Foundation
import Testing
@testable import KitchenLessons

/// The lesson index's own text format: everything written is read back, and anything else
/// (cut short, edited, another format) reads as no index, so the lessons are parsed again.
@Suite("Lesson index text: round trip, and corrupt files read as none")
struct LessonIndexText {
    /// An index with every field set, and text that needs escaping.
    var full: LessonIndex {
        var spec = ServerSpec(resources: [.init(path: "/menu", table: "menu_items"), .init(path: "/orders", table: "orders")],
                              inspection: false, routes: "GET /a = SELECT 1\n\tPOST /b\\c", staticDirectory: "/x/site")
        spec.secrets = ["KEY": "a\tb\\n", "OTHER": "12345678"]
        spec.routesLine = 7
        spec.otherSiteDirectory = "/x/other"
        spec.sessions = .database
        var problem = LessonIndex.Entry(file: "02-bad.yaml", stamp: "9:1.2:3")
        problem.problemFile = "fixtures/tiny.server.yaml"
        problem.problemLine = 4
        problem.problemMessage = "unknown key 'x'\nsecond line"
        problem.moreProblems = [.init(file: "02-bad.yaml", line: nil, message: "more = trouble\\"), .init(file: "02-bad.yaml", line: 9, message: "")]
        var good = LessonIndex.Entry(file: "01-good.yaml", stamp: "1:2.3:4")
        good.summary = .init(id: "good-one", title: "Tabs\there", summary: "Line\nbreak \\ and \r", requires: ["a", "", "b-c"],
                             stepCount: 3, fixtureName: "tiny", idLine: 2)
        var plain = LessonIndex.Entry(file: "03-plain.yml", stamp: "-")
        plain.summary = .init(id: "plain", title: "P", summary: "S", requires: [], stepCount: 1, fixtureName: nil, idLine: 1)
        return LessonIndex(directory: "/lessons\twith tab", environment: "kitchen 1:2:3\nfixtures -", entries: [good, problem, plain],
                           serverSpecs: ["tiny": spec, "other": ServerSpec()])
    }

    @Test("every field of every record is read back as written")
    func roundTrip() throws {
        let index = full
        let read = try #require(LessonIndex(text: index.text))
        #expect(read == index)
        #expect(read.serverSpecs?["tiny"]?.secrets["KEY"] == "a\tb\\n")
        #expect(read.entries[0].summary?.requires == ["a", "", "b-c"])
        #expect(LessonIndex(text: LessonIndex(directory: "/d", environment: "e", entries: [], serverSpecs: [:]).text)?.entries == [])
    }

    @Test("the format covers every field: a new one must be written to the index too")
    func everyFieldIsWritten() {
        // If one of these fails, a field was added: write it in LessonIndex+Text.swift and set it in `full`.
        #expect(Mirror(reflecting: ServerSpec()).children.count == 8)
        #expect(Mirror(reflecting: ServerSpec.Resource(path: "", table: "")).children.count == 2)
        #expect(Mirror(reflecting: full.entries[0]).children.count == 7)
        #expect(Mirror(reflecting: full.entries[0].summary!).children.count == 7)
        #expect(Mirror(reflecting: full).children.count == 5)
    }

    @Test("a file cut short, edited, or of another format reads as no index")
    func corruptReadsAsNone() {
        let text = full.text
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(LessonIndex(text: String(text.dropLast())) == nil, "no final newline")
        for cut in stride(from: 0, to: text.count - 1, by: 7) {
            #expect(LessonIndex(text: String(text.prefix(cut))) == nil)
        }
        #expect(LessonIndex(text: "") == nil)
        #expect(LessonIndex(text: "{\"format\":1,\"entries\":[]}") == nil, "the JSON index of earlier Kitchens")
        #expect(LessonIndex(text: text.replacingOccurrences(of: "kitchen-lessons-index\t2", with: "kitchen-lessons-index\t3")) == nil)
        #expect(LessonIndex(text: text.replacingOccurrences(of: "\tdatabase\n", with: "\tdisk\n")) == nil)
        #expect(LessonIndex(text: text.replacingOccurrences(of: "\t3\t=tiny\t", with: "\tthree\t=tiny\t")) == nil)
        #expect(LessonIndex(text: text.replacingOccurrences(of: "=good-one", with: "good-one")) == nil)
        #expect(LessonIndex(text: text.replacingOccurrences(of: "\\t", with: "\\q")) == nil, "an unknown escape")
        lines.insert("unknown\t=x", at: 3)
        #expect(LessonIndex(text: lines.joined(separator: "\n")) == nil)
        lines.remove(at: 3)
        lines.insert("resource\t=/a\t=b", at: 3)
        #expect(LessonIndex(text: lines.joined(separator: "\n")) == nil, "a resource before any spec")
    }
}
