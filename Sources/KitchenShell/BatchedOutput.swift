import Dispatch
import KitchenSupport
import Synchronization

/// An `OutputSink` that gathers what is written and passes it on to another sink in batches: the
/// first write after a quiet spell starts a short wait (`delay`), and everything written during
/// it goes on in one write when it ends. `kitchen serve` prints one line per request through
/// it, as nginx buffers its access log: under load a write per request was one system call per
/// request more than the response itself needs (400,000 of them in a 10-second `wrk` run), while
/// a learner watching the terminal still sees each line within `delay` (10 ms).
///
/// What is pending never grows past `limit` bytes: a writer that would pass it writes the batch
/// itself, at once. `flush()` writes what is pending now (before the process exits).
public final class BatchedOutput: OutputSink, Sendable {
    private struct Pending {
        var bytes: [UInt8] = []
        /// A write of the batch is due (scheduled after `delay`).
        var isScheduled = false
    }

    private let sink: any OutputSink & Sendable
    private let pending = Mutex(Pending())
    /// Serializes writes to `sink`, so batches never interleave or overtake each other.
    private let writing = Mutex(())
    private let queue = DispatchQueue(label: "kitchen.batched-output")
    public let delay: Duration
    public let limit: Int

    public init(_ sink: any OutputSink & Sendable, delay: Duration = .milliseconds(10), limit: Int = 256 * 1024) {
        self.sink = sink
        self.delay = delay
        self.limit = limit
    }

    public func write(_ bytes: UnsafeRawBufferPointer) {
        enum Next { case nothing, schedule, writeNow }
        let next = pending.withLock { pending -> Next in
            pending.bytes.append(contentsOf: bytes)
            if pending.bytes.count >= limit { return .writeNow }
            if pending.isScheduled { return .nothing }
            pending.isScheduled = true
            return .schedule
        }
        switch next {
        case .nothing: break
        case .writeNow: flush()
        case .schedule:
            queue.asyncAfter(deadline: .now() + .nanoseconds(Int(delay.nanoseconds))) { [self] in
                pending.withLock { $0.isScheduled = false }
                flush()
            }
        }
    }

    /// Writes everything pending now, on the calling thread.
    public func flush() {
        writing.withLock { _ in
            let batch = pending.withLock { pending -> [UInt8] in
                let batch = pending.bytes
                pending.bytes.removeAll(keepingCapacity: true)
                return batch
            }
            if !batch.isEmpty { batch.withUnsafeBytes { sink.write($0) } }
            sink.flush()
        }
    }
}
