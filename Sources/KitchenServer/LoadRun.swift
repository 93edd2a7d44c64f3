import AsyncHTTPClient
import Histogram
import KitchenSupport
import NIOCore
import NIOHTTP1
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What a load run measured. A value: the engine never prints; the prompt and `kitchen load`
/// draw it.
public struct LoadResult: Sendable {
    /// One bar of the latency histogram: requests that took more than the previous bar's
    /// `upToMicroseconds` and at most this one's.
    public struct Bar: Sendable, Equatable {
        public var upToMicroseconds: UInt64
        public var count: Int
    }

    public var plan: LoadPlan
    /// Requests that got an answer, whatever its status.
    public var answered: Int
    /// Answers by status code.
    public var statuses: [Int: Int]
    /// Requests that got no answer (refused connection, timeout), by reason.
    public var failures: [String: Int]
    public var elapsedSeconds: Double
    /// True when the time limit ended the run before every request was sent.
    public var stoppedByTimeLimit: Bool
    /// Latency percentiles of the answered requests, in microseconds (nil when none was).
    public var p50: UInt64?
    public var p95: UInt64?
    public var p99: UInt64?
    public var fastest: UInt64?
    public var slowest: UInt64?
    public var bars: [Bar]

    public var sent: Int { answered + failures.values.reduce(0, +) }

    /// Answered requests per second of the whole run.
    public var requestsPerSecond: Double { elapsedSeconds > 0 ? Double(answered) / elapsedSeconds : 0 }

    /// Answers with a status of 400 or more, by status.
    public var errorStatuses: [(status: Int, count: Int)] {
        statuses.filter { $0.key >= 400 }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// Runs a `LoadPlan`: `connections` workers, each with its own connection kept alive, take the
/// next request number until the plan's count is sent or its time limit passes. Each request is
/// timed from just before it is sent until its whole body is read; the times go into an
/// HdrHistogram (microseconds, three significant digits), which gives the percentiles.
public enum LoadRunner {
    public static func run(_ plan: LoadPlan) async throws -> LoadResult {
        try plan.validate()
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: plan.connections)
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(2), read: .seconds(Int64(plan.timeLimitSeconds)))
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let next = RequestCounter()
        let started = ContinuousClock.now
        let deadline = started + .seconds(plan.timeLimitSeconds)
        let workers = min(plan.connections, plan.requests)
        let partials = await withTaskGroup(of: Tally.self) { group in
            for _ in 0..<workers {
                group.addTask { await work(plan, client: client, next: next, deadline: deadline) }
            }
            var all: [Tally] = []
            for await tally in group { all.append(tally) }
            return all
        }
        let elapsed = ContinuousClock.now - started
        try? await client.shutdown()
        var total = Tally()
        for partial in partials { total.add(partial) }
        return total.result(plan: plan, elapsedSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                            stoppedByTimeLimit: total.answered + total.failureCount < plan.requests)
    }

    /// One worker's counts, merged at the end so workers never share a lock.
    struct Tally: Sendable {
        var latencies = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three)
        var answered = 0
        var statuses: [Int: Int] = [:]
        var failures: [String: Int] = [:]

        var failureCount: Int { failures.values.reduce(0, +) }

        mutating func add(_ other: Tally) {
            latencies.add(other.latencies)
            answered += other.answered
            statuses.merge(other.statuses, uniquingKeysWith: +)
            failures.merge(other.failures, uniquingKeysWith: +)
        }

        func result(plan: LoadPlan, elapsedSeconds: Double, stoppedByTimeLimit: Bool) -> LoadResult {
            let some = latencies.totalCount > 0
            return LoadResult(plan: plan, answered: answered, statuses: statuses, failures: failures, elapsedSeconds: elapsedSeconds,
                              stoppedByTimeLimit: stoppedByTimeLimit,
                              p50: some ? latencies.valueAtPercentile(50) : nil, p95: some ? latencies.valueAtPercentile(95) : nil,
                              p99: some ? latencies.valueAtPercentile(99) : nil, fastest: some ? latencies.min : nil,
                              slowest: some ? latencies.maxRecorded : nil, bars: some ? LoadRunner.bars(latencies) : [])
        }
    }

    static func work(_ plan: LoadPlan, client: HTTPClient, next: RequestCounter, deadline: ContinuousClock.Instant) async -> Tally {
        var tally = Tally()
        let base = "http://\(plan.host == "::1" ? "[::1]" : plan.host):\(plan.port)"
        let numbered = plan.target.contains(LoadPlan.numberPlaceholder)
        while ContinuousClock.now < deadline, case let number = next.take(), number < plan.requests {
            let target = numbered ? plan.target.replacing(LoadPlan.numberPlaceholder, with: String(number + 1)) : plan.target
            var request = HTTPClientRequest(url: base + target)
            request.method = HTTPMethod(rawValue: plan.method)
            for header in plan.headers { request.headers.add(name: header.name, value: header.value) }
            if let body = plan.body { request.body = .bytes(ByteBuffer(string: body)) }
            let sent = ContinuousClock.now
            do {
                let response = try await client.execute(request, deadline: NIODeadline.now() + .nanoseconds(Int64(nanoseconds(until: deadline))))
                // The body is read to the end: the time counts the whole answer, not its first bytes.
                for try await _ in response.body {}
                let took = ContinuousClock.now - sent
                let microseconds = UInt64(max(1, took.components.seconds * 1_000_000 + took.components.attoseconds / 1_000_000_000_000))
                _ = tally.latencies.record(microseconds)
                tally.answered += 1
                tally.statuses[Int(response.status.code), default: 0] += 1
            } catch {
                tally.failures[reason(error), default: 0] += 1
            }
        }
        return tally
    }

    static func nanoseconds(until deadline: ContinuousClock.Instant) -> Int {
        max(1, Int((deadline - ContinuousClock.now).nanoseconds))
    }

    /// A failure in a few words, so a thousand refused connections make one line.
    static func reason(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout: return "no answer before the time limit"
            case .connectTimeout: return "could not connect in time"
            case .remoteConnectionClosed: return "the server closed the connection"
            default: break
            }
        }
        let text = "\(error)"
        if text.lowercased().contains("refused") { return "connection refused (is the server running on that port?)" }
        return String(text.prefix(120))
    }

    /// Up to eight bars between the fastest and the slowest request, each twice (or so) as wide as
    /// the one before, so a long tail shows without squashing the bulk into one bar.
    static func bars(_ latencies: Histogram<UInt64>) -> [LoadResult.Bar] {
        let low = max(1, latencies.min), high = max(low, latencies.max)
        let count = 8
        // Edges grow geometrically from low to high.
        let ratio = high > low ? pow(Double(high) / Double(low), 1.0 / Double(count)) : 1
        var edges: [UInt64] = []
        for index in 1...count {
            let edge = index == count ? high : UInt64((Double(low) * pow(ratio, Double(index))).rounded(.up))
            if edge > (edges.last ?? 0) { edges.append(min(edge, high)) }
            if edge >= high { break }
        }
        if edges.last != high { edges.append(high) }
        var bars = edges.map { LoadResult.Bar(upToMicroseconds: $0, count: 0) }
        // Every recorded value lands in exactly one bar: the first whose edge it does not pass.
        for step in latencies.recordedValues() {
            let value = latencies.highestEquivalentForValue(step.value)
            let index = edges.firstIndex { value <= $0 } ?? edges.count - 1
            bars[index].count += Int(step.count)
        }
        return bars
    }
}

/// Hands out request numbers to the workers, each exactly once.
final class RequestCounter: Sendable {
    private let value = Atomic<Int>(0)

    /// The next number (0, 1, 2, …).
    func take() -> Int { value.wrappingAdd(1, ordering: .relaxed).oldValue }
}
