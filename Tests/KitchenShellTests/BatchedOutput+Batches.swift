import Synchronization
import Testing
@testable import KitchenShell

/// A sink that remembers each write it was given, as the batches `BatchedOutput` passes on, and
/// when it was given: the test's own task may be scheduled late on a loaded machine, the write's
/// moment is what `BatchedOutput` promises.
private final class RecordingSink: OutputSink, Sendable {
    private let writes = Mutex<[(text: String, at: ContinuousClock.Instant)]>([])

    func write(_ bytes: UnsafeRawBufferPointer) {
        let text = String(decoding: bytes, as: UTF8.self)
        let now = ContinuousClock.now
        writes.withLock { $0.append((text, now)) }
    }

    func flush() {}

    var all: [String] { writes.withLock { $0.map(\.text) } }
    var firstWrittenAt: ContinuousClock.Instant? { writes.withLock { $0.first?.at } }
}

@Suite("BatchedOutput: kitchen serve's request lines, batched yet prompt")
struct BatchedOutputTests {
    @Test("a burst of lines reaches the sink in one write, in order, once the delay has passed")
    func burstIsOneWrite() async throws {
        let sink = RecordingSink()
        let output = BatchedOutput(sink, delay: .milliseconds(500))
        for number in 1...1000 { output.write("GET /menu?limit=\(number) 200 0.1 ms\n") }
        #expect(sink.all.isEmpty, "nothing is written during the delay")
        try await waitFor { !sink.all.isEmpty }
        try await Task.sleep(for: .milliseconds(600))
        #expect(sink.all.count == 1, "\(sink.all.count) writes for 1,000 lines")
        #expect(sink.all.joined() == (1...1000).map { "GET /menu?limit=\($0) 200 0.1 ms\n" }.joined())
    }

    @Test("a single line is written within the delay, without a flush or a second line")
    func loneLineArrives() async throws {
        let sink = RecordingSink()
        let output = BatchedOutput(sink, delay: .milliseconds(10))
        let started = ContinuousClock.now
        output.write("GET / 200 0.1 ms\n")
        try await waitFor { !sink.all.isEmpty }
        #expect(sink.all == ["GET / 200 0.1 ms\n"])
        // Measured at the sink, not when this task wakes: a loaded machine can starve the test's
        // task for seconds (it once woke after 30), but not the write, which is due after 10 ms.
        let written = try #require(sink.firstWrittenAt)
        #expect(written - started < .seconds(5), "written \(written - started) after the line")
    }

    @Test("flush writes what is pending at once; past the limit a writer flushes itself")
    func flushAndLimit() {
        let sink = RecordingSink()
        let output = BatchedOutput(sink, delay: .seconds(60), limit: 100)
        output.write("first\n")
        output.flush()
        #expect(sink.all == ["first\n"])
        let long = String(repeating: "x", count: 120) + "\n"
        output.write(long)
        #expect(sink.all == ["first\n", long], "a batch over the limit does not wait for the delay")
        output.flush()
        #expect(sink.all.count == 2, "an empty flush writes nothing")
    }

    private func waitFor(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while !condition(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(2)) }
    }
}
