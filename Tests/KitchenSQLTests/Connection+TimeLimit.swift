import Foundation
import Testing
@testable import KitchenSQL

@Suite("Connection: time limit and interrupts")
struct ConnectionTimeLimitTests {
    static let runaway = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"

    @Test("a runaway recursive CTE stops near the time limit with .timeLimit, and the next statement runs")
    func runawayStopsAtTheLimit() throws {
        let connection = try Connection()
        connection.policy.timeLimit = 0.3
        let started = monotonicSeconds()
        let error = try #require(failure(of: Self.runaway, on: connection))
        let elapsed = monotonicSeconds() - started
        #expect(elapsed >= 0.3, "stopped after \(elapsed) s, before the limit")
        #expect(elapsed < 1.5, "stopped after \(elapsed) s, long after the limit")
        #expect(error.sandboxReason == .timeLimit(seconds: 0.3))
        #expect(error.code == .interrupt)
        #expect(error.message.contains("0.3 s"))
        #expect(error.message.contains("time limit"))
        #expect(try scalar("SELECT 40 + 2", on: connection) == 42)
    }

    @Test("the default limit is 2 s and shows as whole seconds")
    func defaultLimit() throws {
        #expect(SandboxPolicy.standard.timeLimit == 2)
        let connection = try Connection()
        #expect(connection.policy.timeLimit == 2)
        #expect(Connection.describe(seconds: 2) == "2 s")
    }

    @Test("a statement slower than nothing but under the limit is not stopped")
    func underTheLimit() throws {
        let connection = try Connection()
        connection.policy.timeLimit = 5
        let count = try scalar("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000) SELECT count(*) FROM c", on: connection)
        #expect(count == 200_000)
    }

    @Test("time spent by the caller between rows does not count against the limit")
    func callerTimeIsNotCounted() throws {
        let connection = try Connection()
        connection.policy.timeLimit = 0.2
        let statement = try connection.prepare("SELECT value FROM (WITH RECURSIVE c(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM c WHERE value < 4) SELECT value FROM c)")
        var rows = 0
        while try statement.step() {
            rows += 1
            let until = monotonicSeconds() + 0.1
            while monotonicSeconds() < until {}
        }
        #expect(rows == 4)
    }

    @Test("interrupting from another thread stops the statement with .interrupted, and the next statement runs")
    func interruptFromAnotherThread() throws {
        let connection = try Connection()
        connection.policy.timeLimit = 30
        let interrupter = Interrupter(connection.interruptHandle, after: 0.3)
        let started = monotonicSeconds()
        let error = try #require(failure(of: Self.runaway, on: connection))
        let elapsed = monotonicSeconds() - started
        interrupter.stop()
        #expect(error.sandboxReason == .interrupted)
        #expect(error.code == .interrupt)
        #expect(error.message == "interrupted")
        #expect(elapsed < 5)
        #expect(try scalar("SELECT 'still alive'", on: connection) == "still alive")
    }

    @Test("an interrupt after a time-limit stop is reported as an interrupt, not a time limit")
    func interruptAfterTimeLimit() throws {
        let connection = try Connection()
        connection.policy.timeLimit = 0.2
        #expect(failure(of: Self.runaway, on: connection)?.sandboxReason == .timeLimit(seconds: 0.2))
        connection.policy.timeLimit = 30
        let interrupter = Interrupter(connection.interruptHandle, after: 0.2)
        let reason = failure(of: Self.runaway, on: connection)?.sandboxReason
        interrupter.stop()
        #expect(reason == .interrupted)
    }
}

/// Interrupts a connection from its own thread (not a Dispatch queue, whose few worker threads
/// the test runner may be using), starting after a delay and repeating every 50 ms until stopped:
/// SQLite forgets an interrupt that lands before the statement starts stepping.
final class Interrupter: @unchecked Sendable {
    private let lock = NSLock()
    private var running = true
    private var finished = false

    init(_ handle: InterruptHandle, after delay: Double) {
        Thread.detachNewThread { [self] in
            Thread.sleep(forTimeInterval: delay)
            while isRunning {
                handle.interrupt()
                Thread.sleep(forTimeInterval: 0.05)
            }
            lock.withLock { finished = true }
        }
    }

    private var isRunning: Bool { lock.withLock { running } }

    /// Stops interrupting and waits until the thread has made its last call.
    func stop() {
        lock.withLock { running = false }
        while !lock.withLock({ finished }) { Thread.sleep(forTimeInterval: 0.005) }
    }
}
