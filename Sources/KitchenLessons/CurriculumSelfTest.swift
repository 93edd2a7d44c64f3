import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The self-test of many lessons at once. Lessons are independent (each builds its own databases
/// from its own setup), so they run on every core; within a lesson the steps stay in order, since
/// step N's database is step N-1's plus one solution and is built once and reused.
///
/// Outcomes come back in the order of `lessons`, whatever order the lessons finished in, so the
/// report reads the same as a run on one core.
public struct CurriculumSelfTest {
    /// How many lessons run at once.
    public var workers: Int

    public init(workers: Int = CurriculumSelfTest.onlineCores) {
        self.workers = max(1, workers)
    }

    public static var onlineCores: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    public func run(_ lessons: [Lesson], registryServices: [String: any Sendable] = [:]) -> [LessonSelfTest.Outcome] {
        let workers = min(workers, lessons.count)
        if workers <= 1 {
            return lessons.flatMap { LessonSelfTest().run($0, registryServices: registryServices) }
        }
        // Every lesson's setup first, on every core: how large its database is says how long the
        // lesson will take, and the lesson keeps it for its steps.
        let graders = Graders(lessons.map { Grader(lesson: $0) })
        let setupBytes = Mutex<[Int: Int]>([:])
        let nextSetup = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let index = nextSetup.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < lessons.count else { return }
                let bytes = (try? graders.all[index].databases.setup().count) ?? 0
                setupBytes.withLock { $0[index] = bytes }
            }
        }
        // The biggest lessons first, so that no core is left with a long one at the end.
        let sizes = setupBytes.withLock { $0 }
        let costs = lessons.indices.map { Self.cost(of: lessons[$0], setupBytes: sizes[$0] ?? 0) }
        let queue = lessons.indices.sorted { costs[$0] > costs[$1] }
        let next = Atomic<Int>(0)
        let results = Mutex<[Int: [LessonSelfTest.Outcome]]>([:])
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let position = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard position < queue.count else { return }
                let index = queue[position]
                let outcomes = LessonSelfTest().run(graders.all[index], registryServices: registryServices)
                results.withLock { $0[index] = outcomes }
            }
        }
        return results.withLock { done in lessons.indices.flatMap { done[$0] ?? [] } }
    }

    /// A rough measure of a lesson's self-test work: every step grades its solution, each wrong
    /// answer and an empty answer. Grading routes starts a server in process and sends it probe
    /// requests (some hashing passwords with bcrypt), about ten times the work of grading SQL.
    static func cost(of lesson: Lesson) -> Int {
        lesson.steps.reduce(0) { total, step in
            let gradings = 2 + step.wrongAnswers.count
            return total + gradings * (step.check.answerKind == .routes ? 10 : 1)
        }
    }

    /// `cost(of:)` for a lesson whose setup database is `setupBytes` long: grading copies,
    /// compares and varies that database (its hidden variant and tie-order copies rewrite every
    /// table), so a lesson over a 5 MB table of 120,000 rows costs several times one over a few
    /// hundred rows.
    static func cost(of lesson: Lesson, setupBytes: Int) -> Int {
        cost(of: lesson) * (1 + setupBytes / (1 << 20))
    }
}

/// The lessons' graders, shared by the workers: each grader is used by one worker at a time
/// (its setup by one, then its steps by one), never by two at once.
private final class Graders: @unchecked Sendable {
    let all: [Grader]

    init(_ all: [Grader]) {
        self.all = all
    }
}
