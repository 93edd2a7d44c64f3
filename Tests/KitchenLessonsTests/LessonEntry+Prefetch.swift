import Foundation
import Synchronization
import Testing
@testable import KitchenLessons

/// The tutor parses the learner's current lesson on another thread at start (`LessonEntry.prefetch`).
@Suite("Lesson entries parsed ahead")
struct LessonEntryPrefetch {
    func lessonsFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appending(path: "kitchen-prefetch-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: fixturesURL.appending(path: "broken"), to: folder)
        return folder.path
    }

    @Test("a lesson asked for while its prefetch runs waits for it, from any thread, and is the lesson parsing gives")
    func prefetchedIsParsed() throws {
        let folder = try lessonsFolder()
        let index = folder + "/index.json"
        _ = LessonLoader().loadDirectory(folder, index: index)
        // The second load takes the summaries from the index: the entries are not parsed yet.
        let catalog = LessonLoader().loadDirectory(folder, index: index)
        let parsed = try #require(LessonLoader().loadDirectory(folder).lesson("good-one"))
        let entry = try #require(catalog.entries.first { $0.id == "good-one" })
        entry.prefetch()
        entry.prefetch()
        let results = Mutex<[Lesson?]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            let lesson = entry.lesson
            results.withLock { $0.append(lesson) }
        }
        let lessons = results.withLock { $0 }
        #expect(lessons.count == 4)
        for lesson in lessons {
            #expect(lesson?.id == parsed.id)
            #expect(lesson?.steps.map(\.id) == parsed.steps.map(\.id))
            #expect(lesson?.steps.map(\.text) == parsed.steps.map(\.text))
            #expect(lesson?.setup.fixtureSQL == parsed.setup.fixtureSQL)
        }
    }

    @Test("a prefetch of a lesson file broken since the index was written gives no lesson, and asking again reads the file again")
    func prefetchOfBrokenFile() throws {
        let folder = try lessonsFolder()
        let index = folder + "/index.json"
        _ = LessonLoader().loadDirectory(folder, index: index)
        let catalog = LessonLoader().loadDirectory(folder, index: index)
        let entry = try #require(catalog.entries.first { $0.id == "good-one" })
        let original = try String(contentsOfFile: folder + "/01-good.yaml", encoding: .utf8)
        try "format: 1\nid: [unclosed\n".write(toFile: folder + "/01-good.yaml", atomically: true, encoding: .utf8)
        entry.prefetch()
        #expect(entry.lesson == nil)
        try original.write(toFile: folder + "/01-good.yaml", atomically: true, encoding: .utf8)
        #expect(entry.lesson?.id == "good-one")
    }
}
