import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOHTTPTypes
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Answers, on the connection's event loop, the requests whose answer is ready without waiting:
/// a GET or HEAD with no body to a route that caches its responses, when the response is cached
/// or the gate refuses the request (a bad `Host`, say). Every other request goes on to
/// Hummingbird, which runs it as a Swift task.
///
/// It sits last in each connection's pipeline, just before Hummingbird's async channel, so what
/// it writes passes through the same handlers as Hummingbird's responses (HTTP/1 encoding, `Date`
/// and HTTP/1.0's close in `HTTPConformance`, the idle timer, the wire tap), and the request log
/// gets the same entry (`KitchenResponder.respondAtOnce` shares every step with `respond`). Under
/// `wrk`, the hop to a task and back was ~38% of the server's CPU.
///
/// Responses leave in the order the requests came (HTTP/1.1 pipelining): a request is answered
/// here only when every request passed on before it on this connection has been answered;
/// otherwise it is passed on too, and Hummingbird answers them in order.
final class EventLoopResponder: ChannelDuplexHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let responder: KitchenResponder
    let answered: EventLoopAnswerCount
    /// The `Server` header Hummingbird adds to its responses (its `serverName`).
    let serverName: String

    // Touched only on the channel's event loop.
    /// The head of a GET or HEAD that may be answered here, held until its end arrives.
    private var held: HTTPRequest?
    /// Requests passed on to Hummingbird whose responses have not ended yet.
    private var passedOn = 0
    /// The connection is closing (a `Connection: close` request was answered, or passed on and
    /// read to its end): nothing more is read.
    private var closing = false
    /// A request passed on asked to close: reading stops after its end.
    private var closingAfterEnd = false
    private var needsFlush = false
    private var clientAddress: String??
    private var date: (second: Int, text: String) = (-1, "")

    init(responder: KitchenResponder, answered: EventLoopAnswerCount, serverName: String) {
        self.responder = responder
        self.answered = answered
        self.serverName = serverName
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if closing { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            if passedOn == 0, head.method == .get || head.method == .head {
                held = head
                return
            }
            passOn(head, context: context)
        case .body:
            // A GET with a body: Hummingbird reads it.
            if let head = held {
                held = nil
                passOn(head, context: context)
            }
            context.fireChannelRead(data)
        case .end:
            if let head = held {
                held = nil
                if answer(head, context: context) { return }
                passOn(head, context: context)
            }
            context.fireChannelRead(data)
            if closingAfterEnd { closing = true }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Hummingbird's responses; this handler's own writes start below it and are not seen here.
        if case .end = unwrapOutboundIn(data) { passedOn = max(0, passedOn - 1) }
        context.write(data, promise: promise)
    }

    private func passOn(_ head: HTTPRequest, context: ChannelHandlerContext) {
        passedOn += 1
        // Hummingbird stops reading after a request that asks to close; so does this handler.
        if Self.asksToClose(head) { closingAfterEnd = true }
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }

    /// Writes the response when `KitchenResponder` has one ready; false when it has not.
    private func answer(_ head: HTTPRequest, context: ChannelHandlerContext) -> Bool {
        let uri = URI(head.path ?? "")
        if clientAddress == nil { clientAddress = .some(context.channel.remoteAddress?.ipAddress) }
        let headers = KitchenResponder.headers(authority: head.authority, fields: head.headerFields)
        guard let response = responder.respondAtOnce(method: head.method.rawValue, path: uri.path, rawQuery: uri.query ?? "",
                                                     headers: headers, clientAddress: clientAddress ?? nil) else { return false }
        answered.add()
        var (status, fields) = KitchenResponder.head(of: response)
        // What Hummingbird adds to every response it writes.
        if !fields.contains(.contentLength) { fields[.contentLength] = String(response.body.count) }
        fields[.date] = currentDate()
        fields[.server] = serverName
        context.write(wrapOutboundOut(.head(HTTPResponse(status: status, headerFields: fields))), promise: nil)
        if !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: response.body))), promise: nil)
        }
        if Self.asksToClose(head) {
            closing = true
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.write(wrapOutboundOut(.end(nil)), promise: nil)
            needsFlush = true
        }
        return true
    }

    /// As Hummingbird decides it: the request's `Connection` header is `close`.
    static func asksToClose(_ head: HTTPRequest) -> Bool {
        head.headerFields[.connection] == "close"
    }

    private func currentDate() -> String {
        let second = time(nil)
        if second != date.second {
            date = (second, HTTPConformance.httpDate())
        }
        return date.text
    }
}

/// How many requests a server answered on its event loops, without a Swift task.
public final class EventLoopAnswerCount: Sendable {
    private let value = Atomic<Int>(0)

    public init() {}

    public var count: Int { value.load(ordering: .relaxed) }

    func add() { value.wrappingAdd(1, ordering: .relaxed) }
}
