// Does ThreadSanitizer see Synchronization.Mutex? Two threads each add 1 to a plain class field
// 100,000 times, every access inside the same lock. The total is always 200000 (the lock works);
// a race report with `mutex` can only be the sanitizer not seeing the lock, since the same program
// with a pthread mutex (which ThreadSanitizer intercepts) reports nothing.
//
//   swiftc -sanitize=thread Tests/sanitizers/MutexVisibility.swift -o /tmp/mutex-visibility
//   /tmp/mutex-visibility mutex     # Swift 6.3.1 on Linux: "Swift access race", then "mutex 200000"
//   /tmp/mutex-visibility pthread   # no report, "pthread 200000"
//
// On Linux, Mutex locks with atomics and futex calls inside the Swift runtime, which is not
// instrumented, so ThreadSanitizer sees no happens-before edge between two holders of the lock.
// `make sanitize` runs this first and uses tsan-suppressions.txt while it still reports.
import Glibc
import Synchronization

final class Counter: @unchecked Sendable { var value = 0 }

let which = CommandLine.arguments.dropFirst().first ?? "mutex"
let counter = Counter()
let mutex = Mutex(())
nonisolated(unsafe) var plain = pthread_mutex_t()
pthread_mutex_init(&plain, nil)

func work() {
    for _ in 0..<100_000 {
        if which == "mutex" {
            mutex.withLock { _ in counter.value += 1 }
        } else {
            pthread_mutex_lock(&plain); counter.value += 1; pthread_mutex_unlock(&plain)
        }
    }
}

var threads: [pthread_t] = []
for _ in 0..<2 {
    var thread = pthread_t()
    pthread_create(&thread, nil, { _ in work(); return nil }, nil)
    threads.append(thread)
}
for thread in threads { pthread_join(thread, nil) }
print(which, counter.value)
