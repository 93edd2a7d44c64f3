import KitchenServer
import KitchenShell

/// `.server scale N` and `.server sessions …`: several instances behind nginx, and where logins live.
extension ServerPanel {
    /// Runs `count` instances behind nginx (1: back to the prompt's own server alone).
    func scale(to count: Int, session: ShellSession) throws {
        stopInstances()
        guard count > 1 else {
            session.output.writeLine("One server again: requests from the prompt go to \(server.url ?? "the server") itself.")
            return
        }
        guard let command = instanceCommand else { throw CommandError("several instances need the kitchen program itself; this prompt cannot start them") }
        let sessions = sessionsOverride.map { ["--sessions", $0.rawValue] } ?? []
        let log = server.log
        do {
            instances = try InstanceGroup.start(count: count, command: command + instanceArguments + sessions) { log.record($0) }
        } catch {
            throw CommandError("\(error)")
        }
        guard let instances else { return }
        session.output.writeLine("nginx on http://127.0.0.1:\(instances.port) shares requests among \(count) instances: "
                                 + instances.instances.map { "instance \($0.name) (port \($0.port))" }.joined(separator: ", ") + ".")
        session.output.writeLine(session.style.dim("Requests from the prompt and .load now go through nginx; .requests shows which instance answered. .server scale 1 goes back to one server."))
    }

    func stopInstances() {
        instances?.stop()
        instances = nil
    }

    /// Keeps logins in memory or in the database from now on (the instances restart to follow).
    func useSessions(_ storage: SessionStore.Storage, session: ShellSession) throws {
        sessionsOverride = storage
        server.sessions.storage = storage
        session.output.writeLine(storage == .database
            ? "Logins are now kept in the table \(SessionStore.table) of the database: every instance sees them, and a restart keeps them."
            : "Logins are now kept in the server's memory: a restart forgets them, and another instance does not know them.")
        if let count = instances?.instances.count { try scale(to: count, session: session) }
    }
}
