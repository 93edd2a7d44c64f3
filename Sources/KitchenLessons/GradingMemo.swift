import Synchronization

/// What grading one step computes again and again with the same result: the reference's own
/// answers to the same requests on the same start database. Kept for the life of the step's
/// `LessonDatabases` (one lesson's grader), so the self-test's solution, wrong answers and empty
/// answer, and a learner's repeated `.check`s, each pay for the reference once.
///
/// Only what depends on nothing but the step (its start database, its reference, the request)
/// belongs here; anything the learner's answer touches must never be kept.
public final class GradingMemo: Sendable {
    private let values = Mutex<[String: any Sendable]>([:])

    public init() {}

    /// The value kept under `key`, made by `make` the first time (a failure is not kept).
    public func value<T: Sendable>(for key: String, _ make: () throws -> T) rethrows -> T {
        // Looked up first, then cast: `nil as? T` succeeds when T is itself an Optional, which
        // would hand back a nil that was never made. A made nil is kept boxed, as a value.
        if let kept = values.withLock({ $0[key] }), let value = kept as? T { return value }
        let made = try make()
        values.withLock { $0[key] = made as any Sendable }
        return made
    }

    /// How many values are kept (for tests).
    public var count: Int { values.withLock { $0.count } }
}
