import Foundation
import KitchenServerChecks
import Testing
@testable import KitchenServer
#if canImport(Glibc)
import Glibc
#endif

/// The machine's IPv4 addresses other than loopback (what `hostname -I` lists).
func otherIPv4Addresses() -> [String] {
    var list: UnsafeMutablePointer<ifaddrs>?
    guard getifaddrs(&list) == 0 else { return [] }
    defer { freeifaddrs(list) }
    var addresses: [String] = []
    var cursor = list
    while let entry = cursor {
        defer { cursor = entry.pointee.ifa_next }
        guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET) else { continue }
        var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
            var inAddress = pointer.pointee.sin_addr
            _ = inet_ntop(AF_INET, &inAddress, &text, socklen_t(INET_ADDRSTRLEN))
        }
        let string = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if !string.hasPrefix("127."), !addresses.contains(string) { addresses.append(string) }
    }
    return addresses
}

/// Listening sockets in /proc/net/tcp (or tcp6) on `port`, as their local address in hex (`0100007F`).
func listeningAddresses(port: Int, file: String) -> [String] {
    // /proc files report a size of 0; read them to the end in chunks.
    let descriptor = open(file, O_RDONLY)
    guard descriptor >= 0 else { return [] }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count <= 0 { break }
        bytes += buffer[0..<count]
    }
    let table = String(decoding: bytes, as: UTF8.self)
    let portHex = String(format: "%04X", port)
    return table.split(separator: "\n").dropFirst().compactMap { line in
        let fields = line.split(separator: " ")
        guard fields.count > 3, fields[3] == "0A" else { return nil }
        let local = fields[1].split(separator: ":")
        guard local.count == 2, local[1] == portHex else { return nil }
        return String(local[0])
    }
}

@Suite("MiniServer: bound to 127.0.0.1 only")
struct MiniServerLoopbackTests {
    @Test("the kernel's socket table shows one listener on the port, at 127.0.0.1 (0100007F)")
    func procNetTCP() async throws {
        try await withLiveServer { live async throws in
            #expect(listeningAddresses(port: live.port, file: "/proc/net/tcp") == ["0100007F"])
            #expect(listeningAddresses(port: live.port, file: "/proc/net/tcp6").isEmpty, "no IPv6 listener (not even ::1)")
        }
    }

    @Test("connecting on the machine's other addresses is refused")
    func otherAddressesRefused() async throws {
        let addresses = otherIPv4Addresses()
        try await withLiveServer { live async throws in
            let port = live.port
            try await onOwnThread {
                #expect(try rawExchange(port: port, "GET /menu/1 HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n").response?.status == 200, "127.0.0.1 answers")
                if addresses.isEmpty {
                    print("note: this machine has no IPv4 address besides loopback; only 127.0.0.1 was checked")
                }
                for address in addresses {
                    do {
                        let socket = try RawSocket.connect(host: address, port: port)
                        socket.close()
                        Issue.record("\(address):\(port) accepted a connection")
                    } catch let failure as RawSocket.ConnectFailure {
                        #expect(failure.code == ECONNREFUSED, "\(address): \(failure)")
                    }
                }
            }
        }
    }

    @Test("after stop the port is free again and nothing answers on it")
    func stopReleasesPort() async throws {
        let live = try await LiveServer.start()
        let port = live.port
        await live.stop()
        #expect(live.server.port == nil)
        #expect(listeningAddresses(port: port, file: "/proc/net/tcp").isEmpty)
        #expect(portIsFree(port))
        #expect(throws: RawSocket.ConnectFailure.self) { try RawSocket.connect(port: port) }
    }

    @Test("a stopped server starts again and answers")
    func restart() async throws {
        try await withLiveServer { live async throws in
            await live.server.stop()
            let started = try await live.server.start(port: 0)
            #expect(started.port > 0)
            let response = try await onOwnThread { try rawExchange(port: started.port, "GET /menu/1 HTTP/1.1\r\nHost: 127.0.0.1:\(started.port)\r\n\r\n") }
            #expect(response.response?.status == 200)
            await live.server.stop()
        }
    }

    @Test("a wanted port that is taken falls back to a free one with a note")
    func takenPortFallsBack() async throws {
        let held = try HeldPort()
        defer { held.close() }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let server = MiniServer(database: DatabaseAccess(path: try PracticeDatabase.create(in: folder)))
        server.routes.replaceAll(PracticeRoutes.routes(for: PracticeDatabase.spec))
        let started = try await server.start(port: held.port)
        #expect(started.port != held.port)
        #expect(started.note?.contains("port \(held.port) is in use") == true, "\(started.note ?? "no note")")
        #expect(started.note?.contains("\(started.port)") == true)
        await server.stop()
    }

    @Test("a wanted free port is used as is")
    func freePortIsUsed() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let server = MiniServer(database: DatabaseAccess(path: try PracticeDatabase.create(in: folder)))
        // A port found free can be taken by a parallel test before the server binds it (a race no
        // test can close). Such a fallback must say so, and then a fresh port is tried; a server
        // that never uses a free wanted port fails all five tries.
        var usedAsIs = false
        for _ in 0..<5 where !usedAsIs {
            let held = try HeldPort()
            let port = held.port
            held.close()
            let started = try await server.start(port: port)
            if started.port == port {
                #expect(started.note == nil)
                usedAsIs = true
            } else {
                #expect(started.note?.contains("port \(port) is in use") == true, "moved from \(port) to \(started.port) without saying why: \(started.note ?? "no note")")
            }
            await server.stop()
        }
        #expect(usedAsIs, "a free wanted port was never used as is in five tries")
    }
}
