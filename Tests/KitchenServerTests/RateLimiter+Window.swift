import Synchronization
import Testing
@testable import KitchenServer

/// A clock the test moves by hand, so a minute passes without waiting for it.
final class ManualClock: Sendable {
    private let seconds = Mutex<Double>(1000)
    func advance(by amount: Double) { seconds.withLock { $0 += amount } }
    var now: @Sendable () -> Double { { [self] in seconds.withLock { $0 } } }
}

@Suite("RateLimiter: an exact sliding window of 60 seconds")
struct RateLimiterTests {
    @Test("N requests pass, the next is refused with the seconds until the oldest leaves the window")
    func exactCount() {
        let clock = ManualClock()
        let limiter = RateLimiter(limit: 3, clock: clock.now)
        #expect(limiter.admit("a") == .allowed(remaining: 2))
        clock.advance(by: 10)
        #expect(limiter.admit("a") == .allowed(remaining: 1))
        clock.advance(by: 10)
        #expect(limiter.admit("a") == .allowed(remaining: 0))
        #expect(limiter.admit("a") == .refused(retryAfter: 40))
        clock.advance(by: 39.5)
        #expect(limiter.admit("a") == .refused(retryAfter: 1), "0.5 s left rounds up to 1")
        clock.advance(by: 0.5)
        // The first request (at 0) has left the window (now 60): one place is free, only one.
        #expect(limiter.admit("a") == .allowed(remaining: 0))
        #expect(limiter.admit("a") == .refused(retryAfter: 10))
    }

    @Test("refused requests do not count, clients are counted apart")
    func refusalsAndClients() {
        let clock = ManualClock()
        let limiter = RateLimiter(limit: 2, clock: clock.now)
        #expect(limiter.admit("a") == .allowed(remaining: 1))
        #expect(limiter.admit("a") == .allowed(remaining: 0))
        for _ in 0..<50 {
            clock.advance(by: 1)
            if case .allowed = limiter.admit("a") { Issue.record("let through while full") }
        }
        #expect(limiter.admit("b") == .allowed(remaining: 1), "another client has its own window")
        clock.advance(by: 10)
        // 60 s after the first two, both left the window; the 50 refusals left nothing behind.
        #expect(limiter.admit("a") == .allowed(remaining: 1))
    }

    @Test("a fixed window would let 2N through across a minute boundary; the sliding window lets N")
    func noBoundaryBurst() {
        let clock = ManualClock()
        let limiter = RateLimiter(limit: 5, clock: clock.now)
        clock.advance(by: 59)
        var allowed = 0
        for _ in 0..<5 { if case .allowed = limiter.admit("a") { allowed += 1 } }
        clock.advance(by: 2)
        for _ in 0..<5 { if case .allowed = limiter.admit("a") { allowed += 1 } }
        #expect(allowed == 5)
    }
}
