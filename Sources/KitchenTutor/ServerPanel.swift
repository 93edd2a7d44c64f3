import KitchenLessons
import KitchenServer
import KitchenShell
import KitchenSQL

/// The mini-server as the prompt sees it: it starts with the prompt, follows the learner from
/// lesson to lesson, and turns request lines (`GET /menu`) into real requests over the socket.
public final class ServerPanel {
    public let server: MiniServer
    let client = ExchangeClient()
    /// Show response headers at the prompt.
    var showHeaders = true
    /// Show the raw bytes of each exchange as they crossed the socket.
    var showWire = false
    /// The port asked for on the command line (0: any free port).
    let wantedPort: Int
    weak var session: ShellSession?
    /// The last response the prompt received, for http checks and `.response`.
    public private(set) var lastResponse: ReceivedResponse?
    /// Requests typed at the prompt, as text (the answer of HTTP steps).
    public var onRequestSent: ((PromptRequest, ReceivedResponse) -> Void)?
    /// Told when the learner's routes change (the answer of route steps).
    public var onRoutesChanged: (([RouteDefinition]) -> Void)?
    /// The learner's own routes, kept per lesson in this file.
    var routesFile: String?
    public private(set) var learnerRoutes: [RouteDefinition] = []
    var currentSpec: ServerSpec?

    /// The practice routes, then the learner's on top.
    func rebuildRoutes() {
        server.routes.replaceAll(PracticeRoutes.routes(for: currentSpec, sessions: server.sessions))
        for definition in learnerRoutes {
            server.routes.add(LearnerRoutes.route(for: definition, origin: "learner", sessions: server.sessions))
        }
    }

    public init(databasePath: String?, port: Int) {
        self.server = MiniServer(database: DatabaseAccess(path: databasePath))
        self.wantedPort = port
    }

    /// Starts listening; returns the line to show in the banner.
    public func start() -> String {
        do {
            let started = try Blocking.run { [server, wantedPort] in try await server.start(port: wantedPort) }
            var line = "Server: http://127.0.0.1:\(started.port)  (try GET /menu, or curl it from another terminal)"
            if let note = started.note { line += "\n" + note }
            return line
        } catch {
            return "The server did not start: \(error). .server start tries again."
        }
    }

    public func stop() {
        try? Blocking.run { [server] in await server.stop() }
    }

    /// Serves `spec` from the database at `path` from the next request on, with the learner's
    /// routes saved in `routesFile` on top.
    public func serve(path: String?, spec: ServerSpec?, routesFile: String? = nil) {
        server.database.switchTo(path: path)
        currentSpec = spec
        server.routes.replaceAll(PracticeRoutes.routes(for: spec, sessions: server.sessions))
        server.sessions.closeAll()
        self.routesFile = routesFile
        learnerRoutes = []
        if let routesFile, let text = try? FileReading.read(routesFile) {
            do {
                learnerRoutes = try RouteParser.parse(text)
            } catch {
                session?.errors.writeLine("Your saved routes in \(routesFile) could not be read (\(error)); they are kept there untouched.")
            }
        }
        for definition in learnerRoutes {
            server.routes.add(LearnerRoutes.route(for: definition, origin: "learner", sessions: server.sessions))
        }
    }

    /// Adds or replaces the learner's routes, saves them, and says what changed.
    func define(_ definitions: [RouteDefinition], session: ShellSession) {
        for definition in definitions {
            let replaced = learnerRoutes.contains { $0.key == definition.key }
            learnerRoutes.removeAll { $0.key == definition.key }
            learnerRoutes.append(definition)
            server.routes.add(LearnerRoutes.route(for: definition, origin: "learner", sessions: server.sessions))
            session.output.writeLine(session.style.green(replaced ? "Route \(definition.key) replaced." : "Route \(definition.key) added.")
                                     + session.style.dim(" It answers from the next request on."))
        }
        saveRoutes(session: session)
        onRoutesChanged?(learnerRoutes)
    }

    func saveRoutes(session: ShellSession) {
        guard let routesFile else { return }
        do {
            try AtomicFile.write(Array((learnerRoutes.map(\.source).joined(separator: "\n\n") + "\n").utf8), to: routesFile)
        } catch {
            session.errors.writeLine("Your routes could not be saved: \(error)")
        }
    }

    func handleRoute(_ lines: [String], session: ShellSession) -> LineClaim {
        guard let first = lines.first, RouteParser.startsDefinition(first) else { return .notMine }
        guard RouteParser.isComplete(lines) else { return .needsMore }
        do {
            define(try RouteParser.parse(lines.joined(separator: "\n")), session: session)
        } catch let error as RouteSyntaxError {
            session.reportFailure("in the route, " + error.description)
            session.errors.writeLine("  " + error.text)
            session.errors.writeLine("  " + String(repeating: " ", count: max(0, error.column - 1)) + session.style.red("^"))
        } catch {
            session.reportFailure("\(error)")
        }
        return .handled
    }

    public func attach(to session: ShellSession) {
        self.session = session
        session.lineHandlers.append { [unowned self] session, lines in
            handle(lines, session: session)
        }
        session.lineHandlers.append { [unowned self] session, lines in
            handleRoute(lines, session: session)
        }
        for command in commands() { session.commands.add(command) }
    }

    // MARK: Requests at the prompt

    func handle(_ lines: [String], session: ShellSession) -> LineClaim {
        switch PromptRequestParser.parse(lines) {
        case .notARequest:
            return .notMine
        case .needsMore:
            return .needsMore
        case .invalid(let message):
            session.reportFailure(message)
            return .handled
        case .complete(let request):
            send(request, session: session)
            return .handled
        }
    }

    public func send(_ request: PromptRequest, session: ShellSession) {
        guard let port = server.port else {
            session.reportFailure("the server is not running; .server start starts it")
            return
        }
        do {
            let response = try Blocking.run { [client] in try await client.send(request, port: port) }
            lastResponse = response
            if showWire { renderWire(request, session: session) }
            render(response, session: session)
            onRequestSent?(request, response)
        } catch {
            session.reportFailure("\(error)")
        }
    }

    func render(_ response: ReceivedResponse, session: ShellSession) {
        let style = session.style
        let statusLine = "\(response.version) \(response.status) \(response.reason)"
        let colored = response.status < 300 ? style.green(statusLine) : (response.status < 500 ? style.yellow(statusLine) : style.red(statusLine))
        session.output.writeLine(style.bold(colored) + style.dim("  (\(Self.format(response.milliseconds)))"))
        if showHeaders {
            for header in response.headers {
                session.output.writeLine(style.cyan(header.name) + ": " + header.value.terminalSafeLine)
            }
        }
        guard !response.body.isEmpty else { return }
        if showHeaders { session.output.writeLine() }
        if let json = response.json, (response.header("Content-Type") ?? "").contains("json") {
            session.output.writeLine(json.pretty(color: session.settings.color))
        } else {
            session.output.writeLine(response.bodyText.terminalSafe)
        }
    }

    /// The exchange's bytes, with CR LF made visible so the learner sees HTTP's line endings.
    func renderWire(_ request: PromptRequest, session: ShellSession) {
        guard let exchange = server.wire.latest(startingWith: "\(request.method) \(request.target) ") else {
            session.output.writeLine(session.style.dim("(no bytes recorded for this exchange)"))
            return
        }
        let style = session.style
        session.output.writeLine(style.bold("── request bytes, as the server received them ──"))
        session.output.writeLine(Self.visible(exchange.request, style: style))
        session.output.writeLine(style.bold("── response bytes, as the server sent them ──"))
        session.output.writeLine(Self.visible(exchange.response, style: style))
        session.output.writeLine(style.bold("── the same response, read ──"))
    }

    static func visible(_ bytes: [UInt8], style: Style) -> String {
        var text = ""
        var run: [UInt8] = []
        func flushRun() {
            text += String(decoding: run, as: UTF8.self)
            run.removeAll()
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                flushRun()
                text += style.dim("\\r\\n") + "\n"
                index += 2
                continue
            }
            if byte == 0x0A {
                flushRun()
                text += style.dim("\\n") + "\n"
            } else if byte < 0x20 || byte == 0x7F {
                flushRun()
                text += style.dim("\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16))
            } else {
                // Printable bytes, UTF-8 sequences included, are decoded together.
                run.append(byte)
            }
            index += 1
        }
        flushRun()
        return text
    }

    static func format(_ milliseconds: Double) -> String {
        milliseconds < 10 ? "\((milliseconds * 100).rounded() / 100) ms" : "\(Int(milliseconds.rounded())) ms"
    }

    // MARK: Commands

    func commands() -> [DotCommand] {
        [
            DotCommand("server", arguments: [.choice("ACTION", ["status", "start", "stop", "restart"], optional: true)], group: "Server",
                       summary: "Show the server's address, or start, stop or restart it") { [unowned self] session, arguments in
                switch arguments.first ?? "status" {
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
                        session.output.writeLine("Routes: \(Set(server.routes.all.map { $0.pattern.description }).sorted().joined(separator: ", "))")
                    } else {
                        session.output.writeLine("The server is stopped. .server start starts it.")
                    }
                }
                return .done
            },
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
                    session.output.writeLine("No requests yet. Try GET /menu here, or curl \(server.url ?? "the server") from another terminal.")
                }
                for entry in entries {
                    let status = entry.status < 400 ? session.style.green("\(entry.status)") : session.style.yellow("\(entry.status)")
                    let client = entry.header("User-Agent").map { " " + session.style.dim("(\($0.terminalSafeLine))") } ?? ""
                    session.output.writeLine("#\(entry.id) \(entry.method) \(entry.target.terminalSafeLine) → \(status) \(Self.format(entry.durationMilliseconds))\(client)")
                    if !entry.body.isEmpty {
                        session.output.writeLine("    " + session.style.dim(entry.bodyPreview(characters: 200).terminalSafeLine))
                    }
                }
                return .done
            },
            DotCommand("http-headers", arguments: [.choice("SWITCH", ["on", "off"])], group: "Server",
                       summary: "Show response headers at the prompt") { [unowned self] _, arguments in
                showHeaders = arguments[0] == "on"
                return .done
            },
            DotCommand("http", arguments: [.file()], group: "Server",
                       summary: "Run the requests of a .http file (with their expectations) against the server") { [unowned self] session, arguments in
                guard let port = server.port else { throw CommandError("the server is not running; .server start starts it") }
                let file: HTTPFile
                do { file = try HTTPFile.parse(try FileReading.read(arguments[0])) } catch {
                    throw CommandError("\(arguments[0]): \(error)")
                }
                let outcomes = HTTPFileRunner(port: port).run(file)
                for outcome in outcomes {
                    for (index, line) in outcome.report(file: arguments[0]).enumerated() {
                        session.output.writeLine(index == 0 ? (outcome.passed ? session.style.green(line) : session.style.red(line)) : line)
                    }
                    if let response = outcome.response { lastResponse = response }
                }
                let failed = outcomes.filter { !$0.passed }.count
                session.output.writeLine("\(outcomes.count - failed) passed, \(failed) failed")
                if failed > 0 { session.recordFailure() }
                return .done
            },
            DotCommand("wire", arguments: [.choice("SWITCH", ["on", "off"], optional: true)], group: "Server",
                       summary: "Show the raw bytes of each request and response (no SWITCH: the last exchange)") { [unowned self] session, arguments in
                if let choice = arguments.first {
                    showWire = choice == "on"
                    session.output.writeLine(showWire ? "Each request now shows the bytes that crossed the socket." : "Wire view off.")
                } else if let exchange = server.wire.latest() {
                    session.output.writeLine(Self.visible(exchange.request, style: session.style))
                    session.output.writeLine(Self.visible(exchange.response, style: session.style))
                } else {
                    session.output.writeLine("No exchange yet.")
                }
                return .done
            },
            DotCommand("routes", group: "Server", summary: "List the server's routes (yours are marked learner)") { [unowned self] session, _ in
                let routes = server.routes.all.sorted { ($0.pattern.description, $0.method) < ($1.pattern.description, $1.method) }
                for route in routes {
                    let origin = route.origin == "learner" ? session.style.green(route.origin) : session.style.dim(route.origin)
                    session.output.writeLine("\(route.method.padding(7)) \(route.pattern)  " + origin)
                }
                return .done
            },
            DotCommand("route", arguments: [.text("[remove] METHOD PATH", rest: true)], group: "Server",
                       summary: "Show one of your routes, or remove it (.route remove METHOD PATH)") { [unowned self] session, arguments in
                var words = arguments[0].split(separator: " ").map(String.init)
                let removing = words.first?.lowercased() == "remove"
                if removing { words.removeFirst() }
                guard words.count == 2 else { throw CommandError("usage: .route METHOD PATH, or .route remove METHOD PATH") }
                let key = "\(words[0].uppercased()) \(PathPattern(words[1]))"
                guard let definition = learnerRoutes.first(where: { $0.key == key }) else {
                    let mine = learnerRoutes.map(\.key)
                    throw CommandError("you have no route \(key)" + (mine.isEmpty ? "; define one with route METHOD /path = SQL" : "; yours: \(mine.joined(separator: ", "))"))
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
            },
        ]
    }
}

extension String {
    func padding(_ width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - count))
    }
}
