import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Synchronization

/// The loopback mini-server: Hummingbird on 127.0.0.1, answering from the live route table.
///
/// It binds 127.0.0.1 only. Port 0 picks a free port; a requested port that is taken falls back
/// to a free one with a message, never a crash. `stop()` closes the listener; so does the
/// process ending.
public final class MiniServer: Sendable {
    public let routes: RouteTable
    public let database: DatabaseAccess
    public let log: RequestLog
    public let limits: ServerLimits
    /// Raw bytes of recent exchanges, for `.wire`.
    public let wire: WireLog
    /// The values of routes' `secret` lines, masked in responses, the log and `.wire`.
    public let secrets: ServerSecrets
    /// Logged-in sessions of routes with `auth`.
    public let sessions: SessionStore
    /// Which instance this server is when several serve one database (`kitchen serve --instances`).
    public let instance = InstanceIdentity()
    /// Requests answered on the event loop, with no Swift task (`EventLoopResponder`).
    public let answeredOnEventLoop = EventLoopAnswerCount()

    private struct State {
        var task: Task<Void, any Error>?
        var port: Int?
    }

    private let state = Mutex(State())

    public init(routes: RouteTable = RouteTable(), database: DatabaseAccess, log: RequestLog = RequestLog(), limits: ServerLimits = ServerLimits()) {
        self.routes = routes
        self.database = database
        self.log = log
        self.limits = limits
        self.sessions = SessionStore(database: database)
        let secrets = ServerSecrets()
        self.secrets = secrets
        self.wire = WireLog(secrets: secrets)
    }

    /// The port it listens on, while running.
    public var port: Int? { state.withLock { $0.port } }

    public var url: String? { port.map { "http://127.0.0.1:\($0)" } }

    public struct StartFailure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts listening and returns the port and, when the wanted port was taken, a note saying so.
    public func start(port wanted: Int = 0) async throws -> (port: Int, note: String?) {
        if let port { return (port, nil) }
        do {
            return (try await listen(on: wanted), nil)
        } catch where wanted != 0 {
            let port = try await listen(on: 0)
            return (port, "port \(wanted) is in use (or not allowed), so the server took port \(port) instead")
        }
    }

    private func listen(on port: Int) async throws -> Int {
        // Hummingbird's info lines would land in the middle of the prompt; failures reach us as
        // errors. A handler that drops everything: with the default stream handler, the request id
        // Hummingbird sets on every request's logger was formatted each time (~4% of the server's
        // CPU under wrk), even with nothing printed.
        var logger = Logger(label: "kitchen.server", factory: { _ in SwiftLogNoOpLogHandler() })
        logger.logLevel = .critical
        let (portStream, portContinuation) = AsyncStream<Result<Int, any Error>>.makeStream()
        let responder = KitchenResponder(routes: routes, database: database, log: log, limits: limits, instance: instance, secrets: secrets)
        let bound = responder.bound
        let limits = self.limits
        let serverName = "Kitchen"
        let server: HTTPServerBuilder = HTTPServerBuilder { [wire, answeredOnEventLoop, kitchenResponder = responder] responder in
            var http = HTTP1Channel.Configuration(idleTimeout: .seconds(limits.idleTimeoutSeconds))
            http.httpDecoder = .init(maxHeaderFieldSize: limits.maximumHeaderBytes, maxHeaderListSize: limits.maximumHeaderBytes, maxHeaderFieldCount: 200)
            return TappedHTTP1Channel(inner: HTTP1Channel(responder: responder, configuration: http), responder: responder,
                                      configuration: http, wire: wire, requestTimeoutSeconds: limits.requestTimeoutSeconds,
                                      maximumBodyBytes: limits.maximumBodyBytes, atOnce: kitchenResponder,
                                      answeredAtOnce: answeredOnEventLoop, serverName: serverName)
        }
        let application = Application(
            responder: responder,
            server: server,
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: serverName, backlog: 1024),
            onServerRunning: { channel in
                bound.port = channel.localAddress?.port ?? 0
                portContinuation.yield(.success(bound.port))
            },
            logger: logger
        )
        let task = Task {
            do {
                try await application.run()
                portContinuation.yield(.failure(StartFailure(description: "the server stopped")))
            } catch {
                portContinuation.yield(.failure(error))
                throw error
            }
        }
        var iterator = portStream.makeAsyncIterator()
        guard let first = await iterator.next() else { throw StartFailure(description: "the server did not start") }
        switch first {
        case .success(let bound):
            state.withLock { state in
                state.task = task
                state.port = bound
            }
            return bound
        case .failure(let error):
            task.cancel()
            throw StartFailure(description: "cannot listen on 127.0.0.1:\(port): \(error)")
        }
    }

    /// Stops listening; connections in flight are closed.
    public func stop() async {
        let task = state.withLock { state -> Task<Void, any Error>? in
            let task = state.task
            state.task = nil
            state.port = nil
            return task
        }
        guard let task else { return }
        task.cancel()
        _ = try? await task.value
    }
}
