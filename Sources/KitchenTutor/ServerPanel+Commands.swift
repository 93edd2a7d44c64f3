import KitchenServer
import KitchenShell
import KitchenSupport

/// The server's dot-commands, one function each.
extension ServerPanel {
    func commands() -> [DotCommand] {
        [serverCommand(), requestsCommand(), headersCommand(), httpFileCommand(), wireCommand(), routesCommand(), routeCommand(), loadCommand()]
            .map(awaitingStart)
    }

    /// `.server [status|start|stop|restart]`.
    func serverCommand() -> DotCommand {
        DotCommand("server", arguments: [.choice("ACTION", ["status", "start", "stop", "restart", "scale", "sessions"], optional: true),
                                         .text("N|memory|database", optional: true)], group: "Server",
                   summary: "Show the server's address, or start, stop or restart it; scale N runs N instances behind nginx; sessions memory|database") { [unowned self] session, arguments in
            switch arguments.first ?? "status" {
            case "scale":
                guard arguments.count == 2, let count = Int(arguments[1]), (1...InstanceGroup.maximumInstances).contains(count) else {
                    throw CommandError("usage: .server scale N, with N from 1 to \(InstanceGroup.maximumInstances)")
                }
                try scale(to: count, session: session)
            case "sessions":
                guard arguments.count == 2, let storage = SessionStore.Storage(rawValue: arguments[1]) else {
                    throw CommandError("usage: .server sessions memory|database (now: \(server.sessions.storage.rawValue))")
                }
                try useSessions(storage, session: session)
            case "start":
                session.output.writeLine(start())
            case "stop":
                stop()
                session.output.writeLine("The server is stopped. .server start starts it again.")
            case "restart":
                stop()
                session.output.writeLine(start())
            default:
                if let url = server.url {
                    session.output.writeLine("The server is listening on \(url) (127.0.0.1 only).")
                    if let instances {
                        session.output.writeLine("nginx on port \(instances.port) shares requests among \(instances.instances.count) instances (ports \(instances.instances.map { String($0.port) }.joined(separator: ", "))).")
                    }
                    session.output.writeLine("Logins are kept in \(server.sessions.storage == .database ? "the database (table \(SessionStore.table))" : "the server's memory").")
                    session.output.writeLine("Routes: \(Set(server.routes.all.map { $0.pattern.description }).sorted().joined(separator: ", "))")
                } else {
                    session.output.writeLine("The server is stopped. .server start starts it.")
                }
            }
            return .done
    }
    }

    /// `.requests [N|clear]`: the request log, from any client.
    func requestsCommand() -> DotCommand {
        DotCommand("requests", arguments: [.text("N|clear", optional: true)], group: "Server",
                   summary: "Show the last N requests the server received (from any client), or clear the log") { [unowned self] session, arguments in
            if arguments.first == "clear" {
                server.log.clear()
                session.output.writeLine("The request log is empty.")
                return .done
            }
            var count = 10
            if let text = arguments.first {
                guard let number = Int(text), number > 0 else { throw CommandError("N must be a positive number, or clear") }
                count = number
            }
            let entries = server.log.entries(last: count)
            if entries.isEmpty {
                session.output.writeLine("No requests yet. Try \(exampleRequest) here, or curl \(server.url ?? "the server") from another terminal.")
            }
            for entry in entries {
                let status = entry.status < 400 ? session.style.green("\(entry.status)") : session.style.yellow("\(entry.status)")
                let client = entry.header("User-Agent").map { " " + session.style.dim("(\($0.terminalSafeLine))") } ?? ""
                let instance = entry.instance.map { session.style.cyan(" [instance \($0.terminalSafeLine)]") } ?? ""
                session.output.writeLine("#\(entry.id) \(entry.method) \(entry.target.terminalSafeLine) → \(status) \(Self.format(entry.durationMilliseconds))\(instance)\(client)")
                if !entry.body.isEmpty {
                    session.output.writeLine("    " + session.style.dim(entry.bodyPreview(characters: 200).terminalSafeLine))
                }
                if let why = entry.explanation?.first { session.output.writeLine("    " + session.style.red(why.terminalSafeLine)) }
            }
            return .done
    }
    }

    /// `.http-headers on|off`.
    func headersCommand() -> DotCommand {
        DotCommand("http-headers", arguments: [.choice("SWITCH", ["on", "off"])], group: "Server",
                   summary: "Show response headers at the prompt") { [unowned self] _, arguments in
            showHeaders = arguments[0] == "on"
            return .done
    }
    }

    /// `.http FILE`: a .http file run against the server.
    func httpFileCommand() -> DotCommand {
        DotCommand("http", arguments: [.file(), .text("OPTION", optional: true, rest: true)], group: "Server",
                   summary: "Run the requests of a .http file (with their expectations) against the server; options --env NAME, --var NAME=VALUE") { [unowned self] session, arguments in
            guard let port = server.port else { throw CommandError("the server is not running; .server start starts it") }
            let runner: HTTPFileRunner
            do {
                let options = try HTTPFileRunner.Options.parse(arguments.dropFirst().flatMap { $0.split(separator: " ").map(String.init) })
                runner = try HTTPFileRunner.prepare(path: arguments[0], options: options)
            } catch {
                throw CommandError("\(error)")
            }
            let report = runner.run(port: port)
            // Lines can quote what the server said (data a learner stored): escaped on the way out.
            for line in report.lines {
                switch line.kind {
                case .passed: session.output.writeLine(session.style.green(line.text.terminalSafe))
                case .failed: session.output.writeLine(session.style.red(line.text.terminalSafe))
                case .detail, .summary: session.output.writeLine(line.text.terminalSafe)
                }
            }
            if let response = report.outcomes.last(where: { $0.response != nil })?.response { lastResponse = response }
            if report.exitCode != 0 { session.recordFailure() }
            return .done
    }
    }

    /// `.wire [on|off]`: the bytes that crossed the socket.
    func wireCommand() -> DotCommand {
        DotCommand("wire", arguments: [.choice("SWITCH", ["on", "off"], optional: true)], group: "Server",
                   summary: "Show the raw HTTP text of the last request and its response; .wire on shows it for every request") { [unowned self] session, arguments in
            if let choice = arguments.first {
                showWire = choice == "on"
                session.output.writeLine(showWire ? "Each request now shows the bytes that crossed the socket." : "Wire view off.")
            } else if let exchange = server.wire.latest() {
                // Bytes, never word-wrapped: a break at a space would look like a line end that
                // was not sent (the terminal's own wrap at the edge does not).
                session.output.verbatim {
                    session.output.writeLine(Self.visible(exchange.request, style: session.style))
                    session.output.writeLine(Self.visible(exchange.response, style: session.style))
                }
            } else {
                session.output.writeLine("No exchange yet.")
            }
            return .done
    }
    }

    /// `.routes`: every route, with its origin.
    func routesCommand() -> DotCommand {
        DotCommand("routes", arguments: [.choice("ACTION", ["export"], optional: true),
                                         .choice("FRAMEWORK", RouteExport.Framework.allCases.map(\.rawValue), optional: true)], group: "Server",
                   summary: "List the server's routes (yours are marked learner); .routes export flask|express prints them as a Flask or Express app") { [unowned self] session, arguments in
            if arguments.first == "export" {
                try exportRoutes(framework: arguments.dropFirst().first, session: session)
                return .done
            }
            let routes = server.routes.all.sorted { ($0.pattern.description, $0.method) < ($1.pattern.description, $1.method) }
            for route in routes {
                let origin = route.origin == .learner ? session.style.green(route.origin.rawValue) : session.style.dim(route.origin.rawValue)
                session.output.writeLine("\(route.method.padded(to: 7)) \(route.pattern)  " + origin)
            }
            return .done
    }
    }

    /// `.route [remove] METHOD PATH`: a route's definition (the learner's own, or one the lesson
    /// wrote, which the prose may ask the learner to read), or removing one of the learner's.
    func routeCommand() -> DotCommand {
        DotCommand("route", arguments: [.text("[remove] METHOD PATH", rest: true)], group: "Server",
                   summary: "Show a route's definition (yours or the lesson's), or remove one of yours (.route remove METHOD PATH)") { [unowned self] session, arguments in
            var words = arguments[0].split(separator: " ").map(String.init)
            let removing = words.first?.lowercased() == "remove"
            if removing { words.removeFirst() }
            guard words.count == 2 else { throw CommandError("usage: .route METHOD PATH, or .route remove METHOD PATH") }
            let key = "\(words[0].uppercased()) \(PathPattern(words[1]))"
            guard let definition = learnerRoutes.first(where: { $0.key == key }) else {
                try showOthersRoute(key: key, removing: removing, session: session)
                return .done
            }
            if removing {
                learnerRoutes.removeAll { $0.key == key }
                // Rebuilt rather than removed, so a practice route under the same path comes back.
                rebuildRoutes()
                session.output.writeLine("Route \(key) removed.")
                saveRoutes(session: session)
                onRoutesChanged?(learnerRoutes)
            } else {
                session.output.writeLine(session.style.cyan(definition.source))
            }
            return .done
    }
    }

    /// `.route` for a key the learner has no route for: the written definition of a route someone
    /// else put in the table (the lesson), or an error that lists the learner's own routes.
    private func showOthersRoute(key: String, removing: Bool, session: ShellSession) throws {
        let written = server.routes.all.first { route in
            route.origin != .learner && route.definition != nil && "\(route.method) \(route.pattern)" == key
        }
        if let written, let definition = written.definition {
            if removing {
                throw CommandError("\(key) is the \(written.origin.rawValue)'s route, not yours: only your own routes can be removed; "
                                   + "define \(key) yourself to replace it")
            }
            session.output.writeLine(session.style.cyan(definition.source))
            session.output.writeLine(session.style.dim("(the \(written.origin.rawValue)'s route; a route you define for \(key) replaces it)"))
            return
        }
        let mine = learnerRoutes.map(\.key)
        throw CommandError("you have no route \(key)" + (mine.isEmpty ? "; define one with route METHOD /path = SQL" : "; yours: \(mine.joined(separator: ", "))"))
    }
}
