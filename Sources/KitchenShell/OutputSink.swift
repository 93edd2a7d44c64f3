/// Where the shell writes. The engine never prints; whoever drives it decides where bytes go
/// (a file descriptor in the `kitchen` binary, a buffer in tests).
public protocol OutputSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer)
    func flush()
}

extension OutputSink {
    public func write(_ text: String) {
        var text = text
        text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    public func writeLine(_ text: String = "") {
        write(text + "\n")
    }
}

/// Collects everything written, for tests and for graders that need the rendered text.
public final class CapturedOutput: OutputSink {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public func write(_ bytes: UnsafeRawBufferPointer) {
        self.bytes.append(contentsOf: bytes)
    }

    public func flush() {}

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public func clear() { bytes.removeAll(keepingCapacity: true) }
}

/// A byte buffer in front of a sink, so rendering a million rows costs a few large writes
/// instead of millions of small ones.
struct ByteWriter: ~Copyable {
    private var buffer: [UInt8] = []
    private let sink: any OutputSink
    private static let flushThreshold = 64 * 1024

    init(sink: any OutputSink) {
        self.sink = sink
        buffer.reserveCapacity(Self.flushThreshold + 4096)
    }

    mutating func append(_ byte: UInt8) {
        buffer.append(byte)
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushThreshold { flush() }
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { buffer.append(contentsOf: $0) }
        if buffer.count >= Self.flushThreshold { flush() }
    }

    mutating func append(repeating byte: UInt8, count: Int) {
        guard count > 0 else { return }
        buffer.append(contentsOf: repeatElement(byte, count: count))
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { sink.write($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    deinit {
        if !buffer.isEmpty { buffer.withUnsafeBytes { sink.write($0) } }
    }
}
