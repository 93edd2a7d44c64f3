import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// A limit on how long a client may take to send one whole request. The idle timeout alone does
/// not stop a client that sends a byte every second (each byte resets it); this does.
///
/// Two handlers share one `Deadline`: the first sits before the HTTP parser and starts the clock
/// when the first byte of a request arrives; the second sits after it and stops the clock when the
/// request is complete.
///
/// The timer is lazy: starting and stopping the clock only note the time, and a timer, once
/// scheduled, checks when it fires whether the request then in progress is over its time, and
/// schedules itself again for that request's own deadline if not. Scheduling and cancelling a
/// timer for every request was ~2% of the server's CPU under `wrk` (keep-alive requests arrive
/// thousands of times a second; the timer fires once per `seconds` at most).
final class Deadline: @unchecked Sendable {
    // Touched only on the channel's event loop.
    var awaitingRequest = true
    /// When the first byte of the request in progress arrived; nil between requests.
    var requestStarted: NIODeadline?
    var timer: Scheduled<Void>?
    let seconds: Int64

    init(seconds: Int64) {
        self.seconds = seconds
    }

    /// A request's first byte arrived.
    func start(on eventLoop: any EventLoop, closing channel: any Channel) {
        let now = NIODeadline.now()
        requestStarted = now
        if timer == nil { schedule(at: now + .seconds(seconds), on: eventLoop, closing: channel) }
    }

    /// The request is complete: the clock stops; a scheduled timer finds nothing to stop.
    func stop() {
        requestStarted = nil
    }

    private func schedule(at deadline: NIODeadline, on eventLoop: any EventLoop, closing channel: any Channel) {
        timer = eventLoop.scheduleTask(deadline: deadline) { [self] in
            timer = nil
            guard let started = requestStarted else { return }
            let due = started + .seconds(seconds)
            if NIODeadline.now() >= due {
                // Too slow: the connection is closed; other clients were never waiting on it.
                channel.close(promise: nil)
            } else {
                schedule(at: due, on: eventLoop, closing: channel)
            }
        }
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
            deadline.start(on: context.eventLoop, closing: context.channel)
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline.timer?.cancel()
        deadline.timer = nil
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
            deadline.stop()
            deadline.awaitingRequest = true
        }
        context.fireChannelRead(data)
    }
}
