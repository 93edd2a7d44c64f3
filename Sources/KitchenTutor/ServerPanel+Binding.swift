import KitchenServer

extension ServerPanel {
    /// The server's port and, when the wanted port was taken, a note saying so.
    public typealias Binding = Task<(port: Int, note: String?), any Error>

    /// Starts binding the server's socket on the cooperative pool and returns at once, so the
    /// caller (the tutor loading its lessons) goes on meanwhile. `finishStart` waits for it.
    public func beginStart() -> Binding {
        Task.detached { [server, wantedPort] in try await server.start(port: wantedPort) }
    }

    /// Waits for `binding`; returns the line to show in the banner.
    public func finishStart(_ binding: Binding) -> String {
        do {
            let started = try Blocking.run { try await binding.value }
            var line = "Server: http://127.0.0.1:\(started.port)  (try \(exampleRequest), or curl it from another terminal)"
            if let note = started.note { line += "\n" + note }
            return line
        } catch {
            return "The server did not start: \(error). .server start tries again."
        }
    }
}
