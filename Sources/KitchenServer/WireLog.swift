import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypesHTTP1
import Synchronization

/// The raw bytes of each exchange as they crossed the server's sockets: the request exactly as
/// the client sent it, the response exactly as the server wrote it. `.wire on` shows them, a view
/// of HTTP that no client library gives.
public final class WireLog: Sendable {
    public struct Exchange: Sendable {
        public var request: [UInt8] = []
        public var response: [UInt8] = []
    }

    private let exchanges = Mutex<[Exchange]>([])
    /// Only the latest exchanges are kept, each cut at `byteLimit` a side.
    let capacity = 50
    let byteLimit = 64 * 1024

    /// Whose values `.wire` never shows.
    let secrets: ServerSecrets

    public init(secrets: ServerSecrets = ServerSecrets(configured: [:], environment: [:])) {
        self.secrets = secrets
    }

    /// Appends bytes to the exchange `index`, or starts one when `index` is nil; returns its index.
    func append(_ bytes: ByteBuffer, inbound: Bool, to index: Int?) -> Int {
        exchanges.withLock { exchanges in
            var position = index ?? -1
            if position < 0 || position >= exchanges.count {
                exchanges.append(Exchange())
                if exchanges.count > capacity { exchanges.removeFirst(exchanges.count - capacity) }
                position = exchanges.count - 1
            }
            let view = bytes.readableBytesView
            if inbound {
                let room = byteLimit - exchanges[position].request.count
                exchanges[position].request.append(contentsOf: view.prefix(max(0, room)))
            } else {
                let room = byteLimit - exchanges[position].response.count
                exchanges[position].response.append(contentsOf: view.prefix(max(0, room)))
            }
            return position
        }
    }

    /// Indexes shift when old exchanges are dropped; a tap whose exchange scrolled away starts anew.
    func isCurrent(_ index: Int, requestPrefix: [UInt8]) -> Bool {
        exchanges.withLock { exchanges in
            index < exchanges.count && exchanges[index].request.starts(with: requestPrefix)
        }
    }

    /// The latest exchange whose request starts with `requestLine` (e.g. `GET /menu`).
    public func latest(startingWith requestLine: String? = nil) -> Exchange? {
        let found = exchanges.withLock { exchanges in
            guard let requestLine else { return exchanges.last }
            let prefix = Array(requestLine.utf8)
            return exchanges.last { $0.request.starts(with: prefix) }
        }
        // Masked as they are read: a value may have crossed the socket split over two reads.
        return found.map { Exchange(request: secrets.mask($0.request), response: secrets.mask($0.response)) }
    }

    public func clear() {
        exchanges.withLock { $0.removeAll() }
    }
}

/// A handler at the very front of each connection's pipeline, before HTTP parsing, that copies
/// the bytes going in and out into the `WireLog`.
final class WireTap: ChannelDuplexHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    let log: WireLog
    private var current: Int?
    private var firstBytes: [UInt8] = []
    private var responding = false

    init(log: WireLog) {
        self.log = log
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        // Bytes arriving after a response began belong to the next request on this connection.
        if responding || current.map({ !log.isCurrent($0, requestPrefix: firstBytes) }) ?? true {
            current = nil
            responding = false
            firstBytes = Array(buffer.readableBytesView.prefix(16))
        }
        current = log.append(buffer, inbound: true, to: current)
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .byteBuffer(let buffer) = unwrapOutboundIn(data) {
            responding = true
            current = log.append(buffer, inbound: false, to: current)
        }
        context.write(data, promise: promise)
    }
}

/// Hummingbird's HTTP/1 channel with a `WireTap`, a request deadline and `UnknownMethodCheck` in
/// front, `HTTPConformance` after the HTTP/1 parser, and `EventLoopResponder` last.
///
/// `setup` runs once per connection, so each connection gets its own `Deadline`, whose two
/// handlers sit before and after the HTTP parser (the latter through a per-connection
/// `HTTP1Channel` configuration). Only `handle` uses the shared `inner` channel.
struct TappedHTTP1Channel: ServerChildChannel {
    typealias Value = AcceptedConnection
    let inner: HTTP1Channel
    let responder: HTTPChannelHandler.Responder
    let configuration: HTTP1Channel.Configuration
    let wire: WireLog
    let requestTimeoutSeconds: Int64
    let maximumBodyBytes: Int
    /// Answers on the event loop what needs no waiting (`EventLoopResponder`); nil: Hummingbird answers all.
    var atOnce: KitchenResponder?
    var answeredAtOnce = EventLoopAnswerCount()
    var serverName = "Kitchen"

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let deadline = Deadline(seconds: requestTimeoutSeconds)
        var configuration = configuration
        configuration.additionalChannelHandlers = { [DeadlineStop(deadline)] }
        let methodCheck = UnknownMethodCheck()
        do {
            try channel.pipeline.syncOperations.addHandler(methodCheck, position: .first)
            try channel.pipeline.syncOperations.addHandler(DeadlineStart(deadline), position: .first)
            try channel.pipeline.syncOperations.addHandler(WireTap(log: wire), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        let maximumBodyBytes = self.maximumBodyBytes
        return HTTP1Channel(responder: responder, configuration: configuration).setup(channel: channel, logger: logger).flatMapThrowing { value in
            // Boxed first: should the rest throw, the box closes the connection.
            let connection = AcceptedConnection(value)
            // Right after NIO's HTTP/1 parser, where the protocol version and parse errors are visible.
            let codec = try channel.pipeline.syncOperations.handler(type: HTTP1ToHTTPServerCodec.self)
            try channel.pipeline.syncOperations.addHandler(HTTPConformance(maximumBodyBytes: maximumBodyBytes, methodCheck: methodCheck), position: .before(codec))
            // Last before Hummingbird's async channel, behind the idle timer, which sees its requests too.
            if let atOnce {
                let idleTimer = try channel.pipeline.syncOperations.handler(type: HTTPConnectionStateHandler.self)
                try channel.pipeline.syncOperations.addHandler(EventLoopResponder(responder: atOnce, answered: answeredAtOnce, serverName: serverName), position: .after(idleTimer))
            }
            return connection
        }
    }

    func handle(value: Value, logger: Logger) async {
        await value.handle(with: inner, logger: logger)
    }
}
