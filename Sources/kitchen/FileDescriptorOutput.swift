import KitchenShell
#if canImport(Glibc)
import Glibc
#endif

/// An `OutputSink` writing to a file descriptor (1 for stdout, 2 for stderr).
final class FileDescriptorOutput: OutputSink, @unchecked Sendable {
    let descriptor: Int32

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    func write(_ bytes: UnsafeRawBufferPointer) {
        guard var pointer = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = Glibc.write(descriptor, pointer, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                return // A closed pipe (| head) is not the learner's problem.
            }
            pointer += written
            remaining -= written
        }
    }

    func flush() {}
}
