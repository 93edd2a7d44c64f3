import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `limit N per minute`: an exact sliding window (a log of timestamps).
///
/// For each client it keeps the times of the requests it let through in the last 60 seconds. A
/// request is let through when fewer than N are in the log; otherwise it is refused, and the
/// answer says when the oldest one leaves the window (`Retry-After`, in whole seconds, rounded
/// up). Refused requests are not logged, so a client that keeps knocking gets in as soon as the
/// window has room. Exact, unlike a fixed window (2N requests across a minute boundary) or a
/// token bucket (which allows bursts after a rest); the cost is N timestamps per client.
public final class RateLimiter: Sendable {
    public enum Decision: Equatable, Sendable {
        /// Let through; this many more fit in the window now.
        case allowed(remaining: Int)
        /// Refused; try again after this many seconds.
        case refused(retryAfter: Int)
    }

    public let limit: Int
    public let windowSeconds: Double
    /// Seconds on a clock that never goes back; tests pass their own.
    let clock: @Sendable () -> Double
    /// Past this many clients, those idle longest are forgotten first.
    static let maximumClients = 10_000

    private let log = Mutex<[String: [Double]]>([:])

    public init(limit: Int, windowSeconds: Double = 60, clock: @escaping @Sendable () -> Double = RateLimiter.monotonicSeconds) {
        self.limit = limit
        self.windowSeconds = windowSeconds
        self.clock = clock
    }

    /// Counts a request from `client` and says whether it may be answered.
    public func admit(_ client: String) -> Decision {
        let now = clock()
        return log.withLock { log in
            var times = log[client] ?? []
            // Times are in order: drop those that have left the window.
            let start = times.firstIndex { now - $0 < windowSeconds } ?? times.count
            times.removeFirst(start)
            guard times.count < limit else {
                log[client] = times
                let wait = times[0] + windowSeconds - now
                return .refused(retryAfter: max(1, Int(wait.rounded(.up))))
            }
            times.append(now)
            if log[client] == nil && log.count >= Self.maximumClients { Self.forgetIdle(&log, now: now, window: windowSeconds) }
            log[client] = times
            return .allowed(remaining: limit - times.count)
        }
    }

    /// Drops clients with nothing left in the window, else the one idle longest.
    private static func forgetIdle(_ log: inout [String: [Double]], now: Double, window: Double) {
        log = log.filter { now - ($0.value.last ?? -.infinity) < window }
        if log.count >= maximumClients, let idlest = log.min(by: { ($0.value.last ?? 0) < ($1.value.last ?? 0) })?.key {
            log.removeValue(forKey: idlest)
        }
    }

    /// CLOCK_MONOTONIC in seconds: unaffected by changes to the wall clock.
    public static let monotonicSeconds: @Sendable () -> Double = {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
