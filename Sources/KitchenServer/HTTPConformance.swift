import NIOCore
import NIOHTTP1
#if canImport(Glibc)
import Glibc
#endif

/// The parts of HTTP/1.1 (RFC 9110, RFC 9112) that sit below the routes, in one handler per
/// connection, placed just after NIO's HTTP/1 parser, where the protocol version and parse errors
/// are still visible (Hummingbird's version-free request types come after it):
///
/// - `Expect: 100-continue` gets `100 Continue` at once, so clients such as curl send their body
///   without waiting a second for it; or `413` at once when the announced Content-Length is over
///   the limit, and the body is never read.
/// - An HTTP/1.0 request without `Connection: keep-alive` has its connection closed after the
///   response, as HTTP/1.0 clients expect.
/// - Every response carries `Date`, the parser's own error answers too; a header block over the
///   limit is answered 431 (Request Header Fields Too Large), not a bare 400.
final class HTTPConformance: ChannelDuplexHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    // Touched only on the channel's event loop.
    private var closeAfterResponse = false
    private var headersTooLarge = false
    /// True while the parts of a refused request (its body) are dropped.
    private var discarding = false
    let maximumBodyBytes: Int
    /// Told where requests end, so it knows where the next request line begins.
    let methodCheck: UnknownMethodCheck?

    /// Requests the parser has emitted whose final responses have not been written.
    private var unanswered = 0
    /// A refusal from `methodCheck` waits for the responses before it.
    private var refusalWaits = false
    private var context: ChannelHandlerContext?

    init(maximumBodyBytes: Int, methodCheck: UnknownMethodCheck? = nil) {
        self.maximumBodyBytes = maximumBodyBytes
        self.methodCheck = methodCheck
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        methodCheck?.conformance = self
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// `methodCheck` has a 501 for a request line the parser refused: it is written after the
    /// responses to every request before it, now if there are none.
    func refuseWhenAnswered() {
        if unanswered == 0 { methodCheck?.refuseDue() } else { refusalWaits = true }
    }

    /// The parser's error, held back by `methodCheck`, goes on after all.
    func passOn(_ error: any Error) {
        context?.fireErrorCaught(error)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if case .end = part { methodCheck?.parserEmitted(end: true) } else { methodCheck?.parserEmitted(end: false) }
        switch part {
        case .head(var head):
            unanswered += 1
            // HTTPTypes would keep one of several Host headers; RequestGate refuses the marker.
            let severalHosts = head.headers["host"].count > 1
            if severalHosts { head.headers.replaceOrAdd(name: "host", value: RequestGate.duplicateHostMarker) }
            if head.version.major == 1, head.version.minor == 0, !head.isKeepAlive {
                closeAfterResponse = true
            }
            if head.headers["expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                let length = head.headers["content-length"].first.flatMap { Int($0) } ?? 0
                if length > maximumBodyBytes {
                    refuseEarly(context: context, length: length)
                    return
                }
                let informational = HTTPResponseHead(version: .http1_1, status: .continue)
                context.writeAndFlush(wrapOutboundOut(.head(informational)), promise: nil)
            }
            if severalHosts {
                context.fireChannelRead(wrapInboundOut(.head(head)))
                return
            }
        case .body, .end:
            if discarding { return }
        }
        context.fireChannelRead(data)
    }

    /// Answers 413 before the body is sent, and closes the connection once that is written.
    private func refuseEarly(context: ChannelHandlerContext, length: Int) {
        discarding = true
        let body = ServerResponse.error(413, "the body would be \(length) bytes; the server takes at most \(maximumBodyBytes / 1024) KB").body
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.count))
        headers.add(name: "Connection", value: "close")
        headers.add(name: "Date", value: Self.httpDate())
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .payloadTooLarge, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let parserError = error as? HTTPParserError {
            if parserError == .headerOverflow { headersTooLarge = true }
            // An unknown method pipelined behind another request: the method check answers 501.
            if parserError == .invalidMethod, methodCheck?.parserRefusedMethod(error) == true { return }
        }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where head.status.code >= 200:
            if !head.headers.contains(name: "date") { head.headers.add(name: "Date", value: Self.httpDate()) }
            if headersTooLarge, head.status == .badRequest {
                head.status = .requestHeaderFieldsTooLarge
            }
            if closeAfterResponse, !head.headers.contains(name: "connection") {
                head.headers.add(name: "Connection", value: "close")
            }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end where closeAfterResponse:
            let channel = context.channel
            let written = promise ?? context.eventLoop.makePromise()
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
            context.writeAndFlush(data, promise: written)
        case .end:
            context.write(data, promise: promise)
            unanswered = max(0, unanswered - 1)
            if refusalWaits, unanswered == 0 {
                refusalWaits = false
                methodCheck?.refuseDue()
            }
        default:
            context.write(data, promise: promise)
        }
    }

    /// Now as an HTTP date (RFC 9110 §5.6.7): `Wed, 02 Dec 2026 01:30:00 GMT`.
    static func httpDate() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
