import KitchenServer
import KitchenShell
import Synchronization

extension ServerPanel {
    /// The server's port and, when the wanted port was taken, a note saying so.
    public typealias Binding = Task<(port: Int, note: String?), any Error>

    /// A start begun with `beginStart`, until the prompt has waited for it once.
    final class PendingStart: Sendable {
        final class Flag: Sendable {
            let value = Atomic(false)
        }

        let binding: Binding
        /// Set by the binding task as it ends: lets the prompt ask "done yet?" without waiting.
        let finished = Flag()

        var isFinished: Bool { finished.value.load(ordering: .acquiring) }

        init(_ start: @escaping @Sendable () async throws -> (port: Int, note: String?)) {
            let finished = self.finished
            binding = Task.detached {
                defer { finished.value.store(true, ordering: .releasing) }
                return try await start()
            }
        }
    }

    /// Starts binding the server's socket on the cooperative pool and returns at once: the
    /// caller (the tutor loading its lessons, then drawing the first prompt) goes on meanwhile.
    /// `finishStart` waits for it; `reportStartIfFinished` and `awaitStart` are the prompt's ways.
    @discardableResult
    public func beginStart() -> Binding {
        let start = PendingStart { [server, wantedPort] in try await server.start(port: wantedPort) }
        pendingStart = start
        return start.binding
    }

    /// Waits for `binding`; returns the line to show in the banner.
    public func finishStart(_ binding: Binding) -> String {
        if pendingStart?.binding == binding { pendingStart = nil }
        do {
            let started = try Blocking.run { try await binding.value }
            var line = "Server: http://127.0.0.1:\(started.port)  (try \(exampleRequest), or curl it from another terminal)"
            if let note = started.note { line += "\n" + note }
            return line
        } catch {
            return "The server did not start: \(error). .server start tries again."
        }
    }

    /// Shows the server's line if its start has finished by now; never waits. Called once the
    /// first screen is drawn and after each line handled (`attach`), so the prompt never waits
    /// for the server to bind, and the address shows as soon as there is one.
    public func reportStartIfFinished(_ session: ShellSession) {
        // In batch mode the line would land between two commands' output wherever the bind
        // happened to finish, and a script's transcript must not depend on timing: there it is
        // shown only when something needs the server (`awaitStart`).
        guard session.settings.interactive, let start = pendingStart, start.isFinished else { return }
        session.output.writeLine(finishStart(start.binding))
    }

    /// Before anything that needs the server listening (a request, a server command, lesson text
    /// with its address): a start still under way is waited for and its line shown, so a request
    /// typed at once waits for the server instead of failing.
    func awaitStart(_ session: ShellSession) {
        guard let start = pendingStart else { return }
        session.output.writeLine(finishStart(start.binding))
    }

    /// `command`, waiting for a start under way before it runs.
    func awaitingStart(_ command: DotCommand) -> DotCommand {
        var command = command
        let run = command.run
        command.run = { [unowned self] session, arguments in
            awaitStart(session)
            return try run(session, arguments)
        }
        return command
    }

    /// The server's address for lesson text, once any start under way has finished.
    public func startedURL(_ session: ShellSession) -> String? {
        awaitStart(session)
        return server.url
    }
}
