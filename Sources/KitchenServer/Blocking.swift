import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs async work from the synchronous prompt loop and waits for it.
///
/// The prompt is a plain loop on the main thread (libedit blocks in read()); the server and the
/// HTTP client are async. The work runs as a detached task on the cooperative pool while the
/// main thread waits on a semaphore, so there is no deadlock.
public enum Blocking {
    public static func run<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let result = Mutex<Result<T, any Error>?>(nil)
        let semaphore = Semaphore()
        Task.detached {
            let outcome: Result<T, any Error>
            do { outcome = .success(try await work()) } catch { outcome = .failure(error) }
            result.withLock { $0 = outcome }
            semaphore.signal()
        }
        semaphore.wait()
        return try result.withLock { $0! }.get()
    }
}

/// A POSIX semaphore, for waiting on the main thread without Foundation.
final class Semaphore: @unchecked Sendable {
    private var semaphore = sem_t()

    init() { sem_init(&semaphore, 0, 0) }
    deinit { sem_destroy(&semaphore) }

    func signal() { sem_post(&semaphore) }

    func wait() {
        while sem_wait(&semaphore) != 0 && errno == EINTR {}
    }
}
