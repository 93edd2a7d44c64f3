import NIOCore

/// Answers `501 Not Implemented` to a well-formed request line whose method the server does not
/// know (`BREW /pot HTTP/1.1`), as RFC 9110 §9.1 asks, and leaves everything else to the parser.
///
/// It sits in front of NIO's HTTP/1 parser because that parser knows a fixed list of methods and
/// reports any other one as `invalidMethod`, the same error as a line of garbage; behind it, the
/// two can no longer be told apart. Methods the parser does know but HTTP does not define
/// (`PROPFIND`) reach `RequestGate`, which answers them with the same 501.
///
/// Only a line shaped exactly like `TOKEN SP target SP HTTP/1.x CRLF` counts; anything else goes
/// to the parser untouched, so garbage still gets 400. The check runs where a request line can
/// begin: the first bytes of a connection, and a read that follows a completed request (the parser
/// emitted `.end`, which `HTTPConformance` reports, and the previous read ended a line).
///
/// A request line pipelined behind another request in the same read is not seen there: the
/// parser reports it (`invalidMethod`) and `HTTPConformance` hands the error here instead of on to
/// Hummingbird. The line is found among the bytes the parser was given (the first line that is a
/// well-formed request line with an unknown method; bytes arriving later complete a line cut
/// short), and its 501 is written once every request before it has been answered, in order.
final class UnknownMethodCheck: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// What the bytes read so far at the start of a request say.
    enum Verdict: Equatable {
        /// A prefix of a request line whose method is not known yet: wait for more bytes.
        case needMore
        /// A known method, or not a well-formed request line: the parser decides.
        case pass
        /// A well-formed request line with this unknown method.
        case unknownMethod(String)
    }

    /// A request line longer than this is left to the parser (which limits it too).
    static let lineLimit = 8 * 1024

    // Touched only on the channel's event loop.
    private var atRequestStart = true
    /// Bytes held back while the verdict is `needMore`.
    private var pending: ByteBuffer?
    /// Whether the last part the parser emitted was a request's `.end`.
    private var parserSawEnd = false
    private var refused = false
    /// The bytes being handed to the parser, while it parses them.
    private var forwarding: ByteBuffer?
    /// What follows the last line feed handed to the parser: the start of a line that may continue.
    private var lineTail: [UInt8] = []
    /// After the parser refused a method: the bytes it was given from where the refused line may
    /// begin, while that line is still incomplete; nothing more reaches the parser.
    private var afterParserError: (bytes: [UInt8], error: any Error)?
    /// A method to refuse once the responses to the requests before it have been written.
    private var refusalDue: String?
    private var context: ChannelHandlerContext?
    /// Told when the refused line turns out not to be a request line: the parser's error goes on.
    weak var conformance: HTTPConformance?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Called by `HTTPConformance` for each part the parser emits.
    func parserEmitted(end: Bool) {
        parserSawEnd = end
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if refused || refusalDue != nil { return }
        if var held = afterParserError {
            held.bytes.append(contentsOf: unwrapInboundIn(data).readableBytesView)
            afterParserError = nil
            judgeRefusedLine(held.bytes, error: held.error)
            return
        }
        guard atRequestStart else {
            forward(unwrapInboundIn(data), context: context)
            return
        }
        var buffer = unwrapInboundIn(data)
        if var held = pending {
            held.writeBuffer(&buffer)
            buffer = held
            pending = nil
        }
        switch Self.verdict(buffer.readableBytesView) {
        case .needMore:
            pending = buffer
        case .pass:
            forward(buffer, context: context)
        case .unknownMethod(let method):
            // After the responses to the requests before it (one may still be running).
            refusalDue = method
            if let conformance { conformance.refuseWhenAnswered() } else { refuseDue() }
        }
    }

    /// Hands bytes to the parser, then judges whether the next read begins a request.
    private func forward(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        atRequestStart = false
        parserSawEnd = false
        let view = buffer.readableBytesView
        let endsLine = view.last == UInt8(ascii: "\n")
        forwarding = buffer
        context.fireChannelRead(wrapInboundOut(buffer))
        forwarding = nil
        atRequestStart = parserSawEnd && endsLine
        if let lastLineFeed = view.lastIndex(of: UInt8(ascii: "\n")) {
            lineTail = Array(view[view.index(after: lastLineFeed)...].prefix(Self.lineLimit))
        } else if lineTail.count < Self.lineLimit {
            lineTail.append(contentsOf: view.prefix(Self.lineLimit - lineTail.count))
        }
    }

    /// Called by `HTTPConformance` when the parser refused a method in the bytes being forwarded.
    /// True when this handler answers it (the error must go no further); false for garbage,
    /// which Hummingbird answers 400.
    func parserRefusedMethod(_ error: any Error) -> Bool {
        guard let forwarding else { return false }
        return judgeRefusedLine(lineTail + Array(forwarding.readableBytesView), error: error, atOnce: true)
    }

    /// Finds the refused request line in `bytes` (from a line's start): refuses it, waits for the
    /// rest of a line cut short, or hands the parser's error on. Returns false only when `atOnce`
    /// and the error should go on as it is.
    @discardableResult
    private func judgeRefusedLine(_ bytes: [UInt8], error: any Error, atOnce: Bool = false) -> Bool {
        var starts = [0]
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") && index + 1 < bytes.count { starts.append(index + 1) }
        for start in starts {
            if case .unknownMethod(let method) = Self.verdict(bytes[start...]) {
                refusalDue = method
                conformance?.refuseWhenAnswered()
                return true
            }
        }
        if let last = starts.last, Self.verdict(bytes[last...]) == .needMore {
            afterParserError = (Array(bytes[last...]), error)
            return true
        }
        if atOnce { return false }
        conformance?.passOn(error)
        return true
    }

    /// Writes the 501 that is due; `HTTPConformance` calls it once the responses before it are written.
    func refuseDue() {
        guard let method = refusalDue, let context, !refused else { return }
        refused = true
        refuse(method: method, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A half-sent line is the parser's to judge (it reports a truncated request).
        if let held = pending {
            pending = nil
            context.fireChannelRead(wrapInboundOut(held))
        }
        context.fireChannelInactive()
    }

    private func refuse(method: String, context: ChannelHandlerContext) {
        let response = RequestGate.unknownMethod(method)
        var head = "HTTP/1.1 \(response.status) Not Implemented\r\n"
        head += "Content-Type: application/json\r\n"
        head += "Content-Length: \(response.body.count)\r\n"
        head += "Date: \(HTTPConformance.httpDate())\r\n"
        head += "Connection: close\r\n\r\n"
        var bytes = context.channel.allocator.buffer(capacity: head.utf8.count + response.body.count)
        bytes.writeString(head)
        bytes.writeBytes(response.body)
        let channel = context.channel
        context.writeAndFlush(NIOAny(IOData.byteBuffer(bytes))).whenComplete { _ in channel.close(promise: nil) }
    }

    /// Judges the bytes at the start of a request: `TOKEN SP target SP HTTP/1.x CRLF` (a bare LF
    /// is accepted as parsers do), where an unknown TOKEN is refused.
    static func verdict(_ bytes: some Collection<UInt8>) -> Verdict {
        var index = bytes.startIndex
        func next() -> UInt8? {
            guard index != bytes.endIndex else { return nil }
            defer { index = bytes.index(after: index) }
            return bytes[index]
        }
        var method: [UInt8] = []
        while true {
            guard let byte = next() else { return bytes.count > lineLimit ? .pass : .needMore }
            if byte == UInt8(ascii: " ") { break }
            guard isTokenByte(byte) else { return .pass }
            method.append(byte)
        }
        let name = String(decoding: method, as: UTF8.self)
        if method.isEmpty || RequestGate.knownMethods.contains(name) { return .pass }
        var targetLength = 0
        while true {
            guard let byte = next() else { return bytes.count > lineLimit ? .pass : .needMore }
            if byte == UInt8(ascii: " ") { break }
            // No controls, spaces or non-ASCII bytes in a request target (RFC 9112 §3.2).
            guard byte > 0x20, byte < 0x7F else { return .pass }
            targetLength += 1
        }
        if targetLength == 0 { return .pass }
        for expected in Array("HTTP/1.".utf8) {
            guard let byte = next() else { return .needMore }
            guard byte == expected else { return .pass }
        }
        guard let minor = next() else { return .needMore }
        guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(minor) else { return .pass }
        guard let end = next() else { return .needMore }
        if end == UInt8(ascii: "\n") { return .unknownMethod(name) }
        guard end == UInt8(ascii: "\r") else { return .pass }
        guard let lineFeed = next() else { return .needMore }
        return lineFeed == UInt8(ascii: "\n") ? .unknownMethod(name) : .pass
    }

    /// `tchar` of RFC 9110 §5.6.2: the characters a method name may have.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return tokenPunctuation.contains(byte)
        }
    }
    private static let tokenPunctuation = Set("!#$%&'*+-.^_`|~".utf8)
}
