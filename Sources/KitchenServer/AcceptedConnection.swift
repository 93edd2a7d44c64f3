import HummingbirdCore
import Logging
import NIOCore
import Synchronization

/// One accepted HTTP/1 connection, as Hummingbird's accept loop hands it to a task of its own.
///
/// NIO wraps each accepted connection in a `NIOAsyncChannel` whose writer must be finished before
/// it is released: otherwise NIO stops the whole process with "Deinited NIOAsyncWriter without
/// calling finish()". Handling the connection finishes it. But a connection that was accepted
/// and set up just as the server stops (its task cancelled while clients are still connecting)
/// can still sit in the accept stream's buffer, and NIO drops that buffer without handing the
/// connections out (swift-nio#2813). This box notices being released unhandled and closes the
/// connection itself, so stopping a server mid-accept closes those connections instead of
/// crashing, or leaving them open with nobody reading them.
final class AcceptedConnection: ServerChildChannelValue {
    let asyncChannel: HTTP1Channel.Value
    private let handled = Atomic<Bool>(false)

    var channel: any Channel { asyncChannel.channel }

    init(_ asyncChannel: HTTP1Channel.Value) {
        self.asyncChannel = asyncChannel
    }

    /// Hands the connection to its handler, which finishes and closes it.
    func handle(with http: HTTP1Channel, logger: Logger) async {
        handled.store(true, ordering: .relaxed)
        await http.handle(value: asyncChannel, logger: logger)
    }

    deinit {
        guard !handled.load(ordering: .relaxed) else { return }
        // `executeThenClose` with nothing to do finishes the writer and closes the channel; the
        // task keeps the channel alive until it has.
        Task { [asyncChannel] in
            try? await asyncChannel.executeThenClose { _, _ in }
        }
    }
}
