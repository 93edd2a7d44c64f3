import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// A limit on how long a client may take to send one whole request. The idle timeout alone does
/// not stop a client that sends a byte every second (each byte resets it); this does.
///
/// Two handlers share one `Deadline`: the first sits before the HTTP parser and starts the clock
/// when the first byte of a request arrives; the second sits after it and stops the clock when the
/// request is complete.
final class Deadline: @unchecked Sendable {
    // Touched only on the channel's event loop.
    var awaitingRequest = true
    var timer: Scheduled<Void>?
    let seconds: Int64

    init(seconds: Int64) {
        self.seconds = seconds
    }
}

final class DeadlineStart: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    let deadline: Deadline

    init(_ deadline: Deadline) {
        self.deadline = deadline
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if deadline.awaitingRequest {
            deadline.awaitingRequest = false
            let channel = context.channel
            deadline.timer = context.eventLoop.scheduleTask(in: .seconds(deadline.seconds)) {
                // Too slow: the connection is closed; other clients were never waiting on it.
                channel.close(promise: nil)
            }
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline.timer?.cancel()
        context.fireChannelInactive()
    }
}

final class DeadlineStop: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    let deadline: Deadline

    init(_ deadline: Deadline) {
        self.deadline = deadline
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) {
            deadline.timer?.cancel()
            deadline.timer = nil
            deadline.awaitingRequest = true
        }
        context.fireChannelRead(data)
    }
}
