import Foundation
import KitchenSupport
import Testing
@testable import KitchenLessons

@Suite("ProgressStore: atomic saves, and corrupt files set aside, never overwritten")
struct ProgressStorePersistence {
    func sampleProgress() -> LearnerProgress {
        var progress = LearnerProgress()
        progress.currentLesson = "select-basics"
        var lesson = LearnerProgress.LessonProgress()
        lesson.passed = ["whole-menu", "two-columns"]
        lesson.attempts = ["two-columns": 2, "aliases": 1]
        lesson.currentStep = "aliases"
        lesson.answer = ["SELECT name AS dish FROM menu_items", "SELECT 1"]
        lesson.answerFailedLast = true
        progress.lessons["select-basics"] = lesson
        progress.lessons["tour"] = LearnerProgress.LessonProgress()
        return progress
    }

    func files(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    @Test("what is saved loads back equal, without a problem")
    func roundTrip() throws {
        let home = try temporaryFolder()
        let store = ProgressStore(home: home)
        let progress = sampleProgress()
        try store.save(progress)
        let loaded = store.load()
        #expect(loaded.progress == progress)
        #expect(loaded.problem == nil)
        #expect(loaded.setAside == nil)
        #expect(loaded.progress.hasPassed("select-basics", step: "two-columns"))
        #expect(!loaded.progress.hasPassed("select-basics", step: "aliases"))
    }

    @Test("saving again replaces the file and leaves no temporary file behind")
    func saveReplaces() throws {
        let home = try temporaryFolder()
        let store = ProgressStore(home: home)
        try store.save(sampleProgress())
        var changed = sampleProgress()
        changed.currentLesson = "tour"
        try store.save(changed)
        #expect(store.load().progress.currentLesson == "tour")
        #expect(try files(in: home) == ["progress.json"])
    }

    @Test("saving progress the file already holds leaves the file alone; a change replaces it")
    func unchangedSaveSkipped() throws {
        let home = try temporaryFolder()
        let store = ProgressStore(home: home)
        func inode() throws -> Int {
            try #require(try FileManager.default.attributesOfItem(atPath: store.path)[.systemFileNumber] as? Int)
        }
        try store.save(sampleProgress())
        let first = try inode()
        // A rewrite renames a new file into place (a new inode); the same bytes need none.
        try store.save(sampleProgress())
        #expect(try inode() == first)
        var changed = sampleProgress()
        changed.currentLesson = "tour"
        try store.save(changed)
        #expect(try inode() != first)
        #expect(store.load().progress == changed)
        #expect(try files(in: home) == ["progress.json"])
    }

    @Test("the file is JSON a person can read: sorted keys, one per line")
    func readableJSON() throws {
        let home = try temporaryFolder()
        try ProgressStore(home: home).save(sampleProgress())
        let text = try String(contentsOfFile: home + "/progress.json", encoding: .utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["format"] as? Int == 1)
        #expect(object["currentLesson"] as? String == "select-basics")
        #expect(text.split(separator: "\n").count > 10)
    }

    @Test("no file means fresh progress and no problem")
    func missingFile() throws {
        let loaded = ProgressStore(home: try temporaryFolder()).load()
        #expect(loaded.progress == LearnerProgress())
        #expect(loaded.problem == nil)
    }

    @Test("a corrupt file is reported and set aside under a new name with its bytes intact")
    func corruptFileSetAside() throws {
        let home = try temporaryFolder()
        let garbage = Data("{\"format\": 1, \"lessons\": {\"tour\": ".utf8) + Data([0xFF, 0x00, 0x7B])
        try garbage.write(to: URL(fileURLWithPath: home + "/progress.json"))
        let loaded = ProgressStore(home: home).load()
        #expect(loaded.progress == LearnerProgress())
        let aside = try #require(loaded.setAside)
        #expect(aside != home + "/progress.json")
        #expect(aside.hasPrefix(home + "/progress.json.corrupt-"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: aside)) == garbage)
        let problem = try #require(loaded.problem)
        #expect(problem.contains("is not valid progress JSON"))
        #expect(problem.contains("It was kept as \(aside)"))
        #expect(!FileManager.default.fileExists(atPath: home + "/progress.json"))
    }

    @Test("saving after a corrupt file was set aside does not touch the set-aside copy")
    func saveAfterSetAside() throws {
        let home = try temporaryFolder()
        let garbage = Data("not json at all".utf8)
        try garbage.write(to: URL(fileURLWithPath: home + "/progress.json"))
        let store = ProgressStore(home: home)
        let aside = try #require(store.load().setAside)
        try store.save(sampleProgress())
        #expect(try Data(contentsOf: URL(fileURLWithPath: aside)) == garbage)
        #expect(store.load().progress == sampleProgress())
    }

    @Test("progress written by a newer Kitchen is set aside too, not read wrongly")
    func newerFormat() throws {
        let home = try temporaryFolder()
        let newer = Data("{\"format\": 2, \"lessons\": {}}".utf8)
        try newer.write(to: URL(fileURLWithPath: home + "/progress.json"))
        let loaded = ProgressStore(home: home).load()
        #expect(loaded.problem?.contains("written by a newer Kitchen (format 2)") == true)
        let aside = try #require(loaded.setAside)
        #expect(try Data(contentsOf: URL(fileURLWithPath: aside)) == newer)
    }

    @Test("two corrupt files in a row are both kept: the second never overwrites the first")
    func twoCorruptFilesBothKept() throws {
        let home = try temporaryFolder()
        let store = ProgressStore(home: home)
        let first = Data("first corrupt file".utf8)
        let second = Data("second corrupt file".utf8)
        try first.write(to: URL(fileURLWithPath: home + "/progress.json"))
        let firstAside = try #require(store.load().setAside)
        try second.write(to: URL(fileURLWithPath: home + "/progress.json"))
        let secondAside = try #require(store.load().setAside)
        #expect(firstAside != secondAside)
        #expect((try? Data(contentsOf: URL(fileURLWithPath: firstAside))) == first)
        
        #expect(try Data(contentsOf: URL(fileURLWithPath: secondAside)) == second)
    }

    @Test("a leftover temporary file from a killed save does not disturb loading")
    func leftoverTemporaryFile() throws {
        let home = try temporaryFolder()
        let store = ProgressStore(home: home)
        try store.save(sampleProgress())
        try Data("{\"format\": 1, \"less".utf8).write(to: URL(fileURLWithPath: home + "/progress.json.tmp-999999"))
        let loaded = store.load()
        #expect(loaded.problem == nil)
        #expect(loaded.progress == sampleProgress())
    }

    @Test("AtomicFile replaces the content whole and syncs it through a temporary file in the same folder")
    func atomicFile() throws {
        let home = try temporaryFolder()
        let path = home + "/data.bin"
        try AtomicFile.write(Array("old".utf8), to: path)
        try AtomicFile.write(Array("new content".utf8), to: path)
        #expect(try FileReading.read(path) == "new content")
        #expect(try files(in: home) == ["data.bin"])
        #expect(throws: FileReading.Failure.self) { try AtomicFile.write([1], to: home + "/missing-folder/x") }
    }
}
