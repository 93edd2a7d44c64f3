import Foundation
import Testing
@testable import KitchenLessons

/// The tutor's lesson index must show exactly what parsing every file would, and notice every
/// change to a lesson file or a fixture.
@Suite("Lesson index: a cache of the menu, invalidated by file changes")
struct LessonIndexInvalidation {
    /// A copy of the broken-lessons fixture folder (good lessons and every kind of problem).
    func lessonsFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appending(path: "kitchen-index-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: fixturesURL.appending(path: "broken"), to: folder)
        return folder.path
    }

    func menu(_ catalog: LessonLoader.Catalog) -> [String] {
        catalog.entries.map { "\($0.id) \($0.title) \($0.stepCount) \($0.fixtureName ?? "-") \($0.requires)" }
            + catalog.problems.map(\.description)
    }

    @Test("with or without the index, the menu and the problems are the same; the index is written once")
    func sameAsParsing() throws {
        let folder = try lessonsFolder()
        let index = folder + "/index.json"
        let parsed = LessonLoader().loadDirectory(folder)
        let first = LessonLoader().loadDirectory(folder, index: index)
        #expect(menu(first) == menu(parsed))
        let written = try #require(LessonIndex.read(index))
        let second = LessonLoader().loadDirectory(folder, index: index)
        #expect(menu(second) == menu(parsed))
        #expect(LessonIndex.read(index) == written)
        // Lessons parsed on demand are the lessons parsing gives.
        #expect(second.lessons.map(\.id) == parsed.lessons.map(\.id))
        #expect(second.lesson("good-one")?.steps.map(\.id) == parsed.lesson("good-one")?.steps.map(\.id))
    }

    @Test("the fixtures' server specs come from the index, as parsing gives them, and a changed spec file is read again")
    func serverSpecsFromTheIndex() throws {
        let folder = try lessonsFolder()
        let index = folder + "/index.json"
        let specFile = folder + "/fixtures/tiny.server.yaml"
        try "resources:\n  - path: /things\n    table: things\ninspection: false\n".write(toFile: specFile, atomically: false, encoding: .utf8)
        let parsed = try ServerSpec.load(file: specFile, lessonsDirectory: folder)
        let first = LessonLoader().loadDirectory(folder, index: index)
        #expect(first.serverSpecs["tiny"] == parsed)
        #expect(first.serverSpecs["tiny"]?.resources.map(\.table) == ["things"])
        // Kept in the index: what it holds is what the next load serves, with no parsing.
        var kept = try #require(LessonIndex.read(index))
        #expect(kept.serverSpecs?["tiny"] == parsed)
        kept.serverSpecs?["tiny"]?.resources[0].path = "/from-the-index"
        kept.write(to: index)
        #expect(LessonLoader().loadDirectory(folder, index: index).serverSpecs["tiny"]?.resources.first?.path == "/from-the-index")
        // Editing the spec file changes the fixtures folder's stamp: parsed again.
        usleep(20_000)
        try "resources:\n  - path: /stuff\n    table: things\n".write(toFile: specFile, atomically: false, encoding: .utf8)
        let edited = LessonLoader().loadDirectory(folder, index: index)
        #expect(edited.serverSpecs["tiny"]?.resources.first?.path == "/stuff")
        #expect(edited.serverSpecs["tiny"]?.inspection == true)
    }

    @Test("an unchanged file is not parsed again: the index's summary is what the menu shows")
    func indexIsUsed() throws {
        let folder = try lessonsFolder()
        let index = folder + "/index.json"
        _ = LessonLoader().loadDirectory(folder, index: index)
        var kept = try #require(LessonIndex.read(index))
        let position = try #require(kept.entries.firstIndex { $0.summary?.id == "good-one" })
        kept.entries[position].summary?.title = "Title from the index"
        kept.write(to: index)
        let catalog = LessonLoader().loadDirectory(folder, index: index)
        #expect(catalog.entries.first { $0.id == "good-one" }?.title == "Title from the index")
    }

    @Test("editing a lesson file, breaking it, or changing a fixture is seen at the next load")
    func changesAreSeen() throws {
        let folder = try lessonsFolder()
        let index = folder + "/index.json"
        _ = LessonLoader().loadDirectory(folder, index: index)
        let file = folder + "/01-good.yaml"
        let original = try String(contentsOfFile: file, encoding: .utf8)
        let titleLine = try #require(original.split(separator: "\n").first { $0.hasPrefix("title:") })

        // Same size, other text: the modification time tells (file times move in ticks of a few ms).
        usleep(20_000)
        let retitled = original.replacingOccurrences(of: String(titleLine), with: "title: " + String(repeating: "Z", count: titleLine.count - 7))
        try retitled.write(toFile: file, atomically: false, encoding: .utf8)
        var catalog = LessonLoader().loadDirectory(folder, index: index)
        #expect(catalog.entries.first { $0.id == "good-one" }?.title == String(repeating: "Z", count: titleLine.count - 7))

        try "format: 1\nid: [unclosed\n".write(toFile: file, atomically: true, encoding: .utf8)
        catalog = LessonLoader().loadDirectory(folder, index: index)
        #expect(!catalog.entries.contains { $0.file == "01-good.yaml" })
        #expect(catalog.problems.contains { $0.file == "01-good.yaml" })
        #expect(menu(catalog) == menu(LessonLoader().loadDirectory(folder)))

        try original.write(toFile: file, atomically: true, encoding: .utf8)
        catalog = LessonLoader().loadDirectory(folder, index: index)
        #expect(catalog.entries.contains { $0.file == "01-good.yaml" })

        // A fixture a lesson reads goes missing: that lesson no longer loads.
        let before = try #require(LessonIndex.read(index))
        try FileManager.default.removeItem(atPath: folder + "/fixtures/tiny.sql")
        catalog = LessonLoader().loadDirectory(folder, index: index)
        #expect(menu(catalog) == menu(LessonLoader().loadDirectory(folder)))
        #expect(!catalog.entries.contains { $0.file == "01-good.yaml" })
        #expect(LessonIndex.read(index) != before)
    }

    @Test("a corrupt or foreign index is ignored and replaced")
    func corruptIndex() throws {
        let folder = try lessonsFolder()
        let index = folder + "/index.json"
        try "{ not json".write(toFile: index, atomically: true, encoding: .utf8)
        let catalog = LessonLoader().loadDirectory(folder, index: index)
        #expect(menu(catalog) == menu(LessonLoader().loadDirectory(folder)))
        #expect(LessonIndex.read(index)?.directory == folder)
        let other = try lessonsFolder()
        #expect(menu(LessonLoader().loadDirectory(other, index: index)) == menu(LessonLoader().loadDirectory(other)))
        #expect(LessonIndex.read(index)?.directory == other)
    }
}
