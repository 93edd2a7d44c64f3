import Dispatch
import Synchronization

extension LessonLoader {
    /// Loads `files` (names within `directory`) on every core: parsing the YAML of a curriculum is
    /// most of the tutor's start-up and of `kitchen lessons check`, and files are independent.
    /// The results come back in the order of `files`.
    func loadFiles(_ files: [String], in directory: String) -> [Result<Lesson, any Error>] {
        let workers = min(CurriculumSelfTest.onlineCores, files.count)
        let registry = self.registry
        let load = { @Sendable (file: String) -> Result<Lesson, any Error> in
            Result { try LessonLoader(registry: registry).load(file: directory + "/" + file, displayName: file, fixtures: directory + "/fixtures") }
        }
        if workers <= 1 { return files.map(load) }
        let next = Atomic<Int>(0)
        let results = Mutex<[Int: Result<Lesson, any Error>]>([:])
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < files.count else { return }
                let result = load(files[index])
                results.withLock { $0[index] = result }
            }
        }
        return results.withLock { done in files.indices.map { done[$0]! } }
    }
}
