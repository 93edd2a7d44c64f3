import Foundation
import Synchronization
import Testing
@testable import KitchenServer
#if canImport(Glibc)
import Glibc
#endif

/// Stopping a server while clients are still connecting (a test that times out in the middle of a
/// connection storm, the tutor quitting under load). Connections accepted just before the stop
/// used to be dropped by NIO's accept stream unhandled, which stopped the whole process with
/// "Deinited NIOAsyncWriter without calling finish()".
@Suite("Stopping a server while clients are still connecting")
struct ServerStopAcceptedConnectionsTests {
    /// Connects to `port` again and again on its own thread until `enough` connections are open,
    /// the server refuses one (it stopped listening), or `stop` is set.
    final class Connector: @unchecked Sendable {
        let port: Int
        let enough: Int
        let opened = Mutex<[RawSocket]>([])
        let stop = Atomic<Bool>(false)
        let finished = Atomic<Bool>(false)
        let done = Semaphore()

        init(port: Int, enough: Int) {
            self.port = port
            self.enough = enough
            Thread { [self] in
                while !stop.load(ordering: .relaxed), opened.withLock({ $0.count }) < enough,
                      let socket = try? RawSocket.connect(port: port) {
                    opened.withLock { $0.append(socket) }
                }
                finished.store(true, ordering: .relaxed)
                done.signal()
            }.start()
        }

        var count: Int { opened.withLock { $0.count } }
    }

    @Test("every connection open when the server stops mid-accept is closed, and the process survives",
          .timeLimit(.scaledMinutes(2)))
    func stopWhileAccepting() async throws {
        let rounds = 6, enough = 400
        let limit = raiseOpenFileLimit(to: 8192)
        try #require(limit >= UInt(2 * enough + 200), "the open-file limit (\(limit)) is too low for \(enough) connections")
        for round in 1...rounds {
            let live = try await LiveServer.start()
            let connector = Connector(port: live.port, enough: enough)
            // Stop while the connector is still opening connections and the server accepting them.
            while connector.count < 50, !connector.finished.load(ordering: .relaxed) {
                try await Task.sleep(for: .milliseconds(1))
            }
            await live.stop()
            connector.stop.store(true, ordering: .relaxed)
            try await onOwnThread { connector.done.wait() }
            let sockets = connector.opened.withLock { $0 }
            defer { sockets.forEach { $0.close() } }
            // Served, accepted-but-unhandled and never-accepted connections alike: each ends (EOF
            // or reset) instead of staying open with nobody reading it.
            let stillOpen = try await onOwnThread {
                let deadline = ContinuousClock.now + .seconds(10)
                return sockets.filter { socket in
                    let left = max(deadline - ContinuousClock.now, .zero)
                    return !socket.isClosedByPeer(within: Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18)
                }.count
            }
            #expect(stillOpen == 0, "round \(round): \(stillOpen) of \(sockets.count) connections still open after stop()")
        }
    }
}
