#if canImport(Glibc)
import Glibc
#endif

/// Threads of their own for SQLite work, so a slow statement never blocks NIO's event loops or
/// the cooperative pool that every connection's task runs on.
///
/// A statement can run for up to the sandbox's time limit (a runaway recursive CTE runs that long
/// every time). The pool grows a thread whenever work arrives and none is idle, up to
/// `maximumThreads`, so a few runaways in flight leave threads for everyone else; idle threads
/// wait for the next job and are reused.
final class DatabaseThreads: @unchecked Sendable {
    /// Reads for every server of the process: each thread borrows a read connection of its own.
    static let readers = DatabaseThreads(name: "kitchen-read", maximumThreads: 24)
    /// Writes: one thread, because SQLite has one writer per database anyway; a write waiting
    /// for it never holds a read thread.
    static let writer = DatabaseThreads(name: "kitchen-write", maximumThreads: 1)

    typealias Job = @Sendable () -> Void

    // Everything below is guarded by `mutex`.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var queue: [Job] = []
    private var head = 0
    private var waiting = 0
    private var threads = 0
    let maximumThreads: Int
    /// For reading stack dumps.
    let name: String
    /// Added to the threads' nice value (on Linux `setpriority(PRIO_PROCESS, 0, …)` sets the calling thread's).
    let niceness: Int32 = 5

    init(name: String, maximumThreads: Int) {
        self.name = name
        self.maximumThreads = maximumThreads
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        pthread_cond_init(condition, nil)
    }

    // The two pools are process-wide `static let`s and live until the process ends.

    /// Runs `body` on one of the pool's threads and returns its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            submit { continuation.resume(with: Result(catching: body)) }
        }
    }

    func submit(_ job: @escaping Job) {
        pthread_mutex_lock(mutex)
        queue.append(job)
        let pending = queue.count - head
        let spawn = waiting < pending && threads < maximumThreads
        if spawn { threads += 1 } else if waiting > 0 { pthread_cond_signal(condition) }
        pthread_mutex_unlock(mutex)
        if spawn { startThread() }
    }

    private func nextJob() -> Job {
        pthread_mutex_lock(mutex)
        while head == queue.count {
            waiting += 1
            pthread_cond_wait(condition, mutex)
            waiting -= 1
        }
        let job = queue[head]
        head += 1
        if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 1024 {
            queue.removeFirst(head)
            head = 0
        }
        pthread_mutex_unlock(mutex)
        return job
    }

    private func work() {
        while true {
            nextJob()()
        }
    }

    private func startThread() {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        defer { pthread_attr_destroy(&attributes) }
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let status = pthread_create(&thread, &attributes, { context in
            let pool = Unmanaged<DatabaseThreads>.fromOpaque(context!).takeRetainedValue()
            // Below the event loops and the cooperative pool: a thread spinning in a runaway
            // query must not delay the threads that accept and answer every other request.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, pool.niceness)
            pool.work()
            return nil
        }, context)
        if status != 0 {
            // No thread: the job waits for one that exists (there is always at least one once
            // the first started; if even that failed, run it here rather than never).
            Unmanaged<DatabaseThreads>.fromOpaque(context).release()
            pthread_mutex_lock(mutex)
            threads -= 1
            let none = threads == 0
            var job: Job?
            if none && head < queue.count {
                job = queue[head]
                head += 1
            }
            pthread_mutex_unlock(mutex)
            job?()
        }
    }
}
