import KitchenLessons
import KitchenServer
import KitchenServerChecks
import KitchenShell
import KitchenSQL
import KitchenSupport

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
    public internal(set) var lastResponse: ReceivedResponse?
    /// Requests typed at the prompt, as text (the answer of HTTP steps).
    public var onRequestSent: ((PromptRequest, ReceivedResponse) -> Void)?
    /// Told when the learner's routes change (the answer of route steps).
    public var onRoutesChanged: (([RouteDefinition]) -> Void)?
    /// The learner's own routes, kept per lesson in this file.
    var routesFile: String?
    public internal(set) var learnerRoutes: [RouteDefinition] = []
    var currentSpec: ServerSpec?
    /// The lesson's second origin, when its spec names `other-site`.
    let otherSite = OtherSite()

    /// A request worth trying on what is served now: the first resource of the spec (a lesson's
    /// data, not Kitchen's), else a route the learner wrote, else the echo route.
    var exampleRequest: String {
        if let resource = currentSpec?.resources.first { return "GET " + resource.path }
        if let mine = learnerRoutes.first(where: { $0.method == "GET" }) { return "GET \(mine.path)" }
        return currentSpec?.inspection == false ? "a request" : "GET /echo"
    }

    /// The start begun before the first prompt, until the prompt has waited for it
    /// (ServerPanel+Binding.swift).
    var pendingStart: PendingStart?

    /// Several instances behind nginx, after `.server scale N`.
    var instances: InstanceGroup?
    /// `kitchen serve …` for the database served now, for `.server scale` (set by the front end).
    public var instanceCommand: [String]?
    /// What `instanceCommand` needs to serve the current lesson (`--lesson ID`), set by `serve`.
    var instanceArguments: [String] = []
    /// `.server sessions memory|database`: the learner's choice over the lesson's setting.
    var sessionsOverride: SessionStore.Storage?

    /// Where requests from the prompt go: the load balancer while several instances run, else
    /// the server itself.
    var frontPort: Int? { instances?.port ?? server.port }

    /// The practice routes, then the learner's on top.
    func rebuildRoutes() {
        server.routes.replaceAll(PracticeRoutes.routes(for: currentSpec, learnerRoutes: learnerRoutes, sessions: server.sessions, secrets: server.secrets))
        if let sessionsOverride { server.sessions.storage = sessionsOverride }
    }

    public init(databasePath: String?, port: Int) {
        self.server = MiniServer(database: DatabaseAccess(path: databasePath))
        self.wantedPort = port
    }

    /// Starts listening; returns the line to show in the banner.
    public func start() -> String {
        finishStart(beginStart())
    }

    /// At the end of `kitchen`: the instances (child processes, nginx and `kitchen serve`) are
    /// stopped. The servers in this process need no stop: they end with it, the kernel closing
    /// their sockets, and stopping them first only kept the learner waiting for threads to wind
    /// down. Nothing is lost: every change a request made is committed (or rolled back by
    /// SQLite) as it happens, and the learner's routes are saved when defined.
    public func leave() {
        stopInstances()
    }

    public func stop() {
        stopInstances()
        try? Blocking.run { [server, otherSite] in
            await otherSite.stop(beside: server)
            await server.stop()
        }
        // A stopped process loses what it kept in memory: logins in memory end with it.
        server.sessions.closeAll()
    }

    /// Serves `spec` from the database at `path` from the next request on, with the learner's
    /// routes saved in `routesFile` on top.
    public func serve(path: String?, spec: ServerSpec?, routesFile: String? = nil, instanceArguments: [String] = []) {
        stopInstances()
        // Each lesson starts with its own setting for sessions.
        sessionsOverride = nil
        self.instanceArguments = instanceArguments
        server.database.switchTo(path: path)
        currentSpec = spec
        server.sessions.closeAll()
        server.secrets.configure(spec?.secrets ?? [:])
        self.routesFile = routesFile
        learnerRoutes = []
        if let routesFile, let text = try? FileReading.read(routesFile) {
            do {
                learnerRoutes = try RouteParser.parse(text)
            } catch {
                session?.errors.writeLine("Your saved routes in \(routesFile) could not be read (\(error)); they are kept there untouched.")
            }
        }
        rebuildRoutes()
        serveOtherSite(spec?.otherSiteDirectory)
    }

    /// Adds or replaces the learner's routes, saves them, and says what changed.
    func define(_ definitions: [RouteDefinition], session: ShellSession) {
        for definition in definitions {
            let replaced = learnerRoutes.contains { $0.key == definition.key }
            learnerRoutes.removeAll { $0.key == definition.key }
            learnerRoutes.append(definition)
            server.routes.add(PracticeRoutes.route(for: definition, origin: .learner, sessions: server.sessions, secrets: server.secrets))
            session.output.writeLine(session.style.green(replaced ? "Route \(definition.key) replaced." : "Route \(definition.key) added.")
                                     + session.style.dim(" It answers from the next request on."))
        }
        saveRoutes(session: session)
        onRoutesChanged?(learnerRoutes)
        // The instances read the saved routes when they start: a new version is a restart (a deploy).
        if let count = instances?.instances.count {
            session.output.writeLine(session.style.dim("Restarting the \(count) instances so they serve it…"))
            do { try scale(to: count, session: session) } catch { session.reportFailure("\(error)") }
        }
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
            let definitions = try RouteParser.parse(lines.joined(separator: "\n"))
            // Prepared against the lesson's schema now, so an unknown table or column shows here.
            for definition in definitions {
                if let problem = try? server.database.withConnection({ RouteStatementCheck.problem(in: definition, on: $0, multiline: lines.count > 1) }) {
                    session.reportExplanation(problem.lines)
                    return .handled
                }
            }
            define(definitions, session: session)
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
        session.promptObservers.append { [unowned self, unowned session] in reportStartIfFinished(session) }
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
        awaitStart(session)
        guard let port = frontPort else {
            session.reportFailure("the server is not running; .server start starts it")
            return
        }
        do {
            let logged = server.log.latest?.id ?? 0
            let response = try Blocking.run { [client] in try await client.send(request, port: port) }
            lastResponse = response
            if showWire { renderWire(request, session: session) }
            render(response, session: session)
            // A route that failed: the client saw a bare 500, the learner sees why.
            if let entry = server.log.entries(last: 20).last(where: { $0.id > logged && $0.method == request.method && $0.path == request.path }),
               let explanation = entry.explanation {
                session.reportExplanation(explanation, countsAsFailure: false)
            }
            for line in request.advice(status: response.status, body: response.json) { session.output.writeLine(session.style.cyan(line)) }
            onRequestSent?(request, response)
        } catch {
            session.reportFailure("\(error)")
        }
    }
}
