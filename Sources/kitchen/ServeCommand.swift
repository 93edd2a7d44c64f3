import ArgumentParser
import CSignals
import KitchenLessons
import KitchenServer
import KitchenServerChecks
import KitchenShell
import KitchenSQL
import KitchenSupport
import KitchenTutor
#if canImport(Glibc)
import Glibc
#endif

/// `kitchen serve`: the mini-server alone, in the foreground, for curl and browser practice.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the mini-server alone on 127.0.0.1 and print one line per request.",
        discussion: """
            Without --lesson or --db it serves the playground dataset (the fixture that kitchen.yaml \
            names, else the first lesson's). With --lesson it serves that lesson's database (your own, \
            as the lessons left it) with its API and the routes you wrote for it. With --db it serves \
            every table of FILE at /TABLE and /TABLE/:id. With --instances N it runs N server \
            processes over the same database behind nginx (which Kitchen configures and starts on a \
            free loopback port) and prints which instance answered each request. Ctrl-C stops it.
            """
    )

    @OptionGroup var lessons: LessonsOptions
    @Option(help: ArgumentHelp("Serve this lesson's database and API.", valueName: "ID")) var lesson: String?
    @Option(name: .customLong("db"), help: ArgumentHelp("Serve every table of this database file.", valueName: "FILE")) var databasePath: String?
    @Option(help: ArgumentHelp("The port (default: any free port).", valueName: "N")) var port: Int?
    @Option(help: ArgumentHelp("Run N servers over the same database behind nginx (2–\(InstanceGroup.maximumInstances)).", valueName: "N"))
    var instances: Int?
    @Option(help: ArgumentHelp("Where logins live: memory, or database (table kitchen_sessions).", valueName: "WHERE"))
    var sessions: String?
    // Set by `--instances` for each instance it starts: its name, and the balancer's port in front.
    @Option(help: .hidden) var instance: String?
    @Option(help: .hidden) var behind: Int?

    func validate() throws {
        guard (0...65535).contains(port ?? 0) else { throw ValidationError("--port must be between 0 and 65535") }
        if lesson != nil && databasePath != nil { throw ValidationError("give --lesson or --db, not both") }
        if let instances, !(2...InstanceGroup.maximumInstances).contains(instances) {
            throw ValidationError("--instances must be between 2 and \(InstanceGroup.maximumInstances) (one server needs no --instances)")
        }
        if let sessions, SessionStore.Storage(rawValue: sessions) == nil { throw ValidationError("--sessions is memory or database, not \(sessions)") }
    }

    /// What to serve: the database file, its server spec and the learner's routes, from --db, from
    /// --lesson (the learner's database for it, made at the lesson's start when missing), or the
    /// playground.
    func served(home: KitchenHome) throws -> (path: String, spec: ServerSpec?, learnerRoutes: [RouteDefinition]) {
        let directory = lessons.resolved
        let path: String
        let spec: ServerSpec?
        var learnerRoutes: [RouteDefinition] = []
        if let databasePath {
            guard FileReading.exists(databasePath) else { throw RuntimeError("\(databasePath) does not exist") }
            path = databasePath
            let tables = try Connection(path: databasePath).schema().tables.filter { $0.type == "table" }.map(\.name)
            spec = ServerSpec(resources: tables.map { .init(path: "/" + $0, table: $0) }, inspection: true)
        } else if let lesson {
            let found = try LessonLookup.lesson(lesson, in: directory)
            let lessonPath = try home.lessonDatabase(found.id)
            if !FileReading.exists(lessonPath) {
                let database = try Connection(path: lessonPath)
                try database.restore(from: Grader(lesson: found).databases.start(ofStep: 0))
            }
            path = lessonPath
            spec = found.server
            // The learner's own routes for this lesson, as the prompt saved them.
            let routesFile = try home.routesFile(found.id)
            if FileReading.exists(routesFile) {
                do {
                    learnerRoutes = try RouteParser.parse(try FileReading.read(routesFile))
                } catch {
                    throw RuntimeError("your routes in \(routesFile) could not be read: \(error)")
                }
            }
        } else {
            let playground = try Playground.prepare(home: home, lessons: lessons)
            path = playground.path
            spec = playground.spec
        }
        return (path, spec, learnerRoutes)
    }

    func run() throws {
        let (path, spec, learnerRoutes) = try served(home: try KitchenHome.resolve())
        if let instances {
            try runInstances(instances, path: path)
            return
        }
        // An instance shares its database with other processes (the other instances) that write to
        // it all the time: it asks for the data version on every request. Alone, it trusts the
        // version for 1 ms while this process commits nothing (a learner's sqlite3 is slower).
        let server = MiniServer(database: DatabaseAccess(path: path, dataVersionInterval: instance == nil ? .milliseconds(1) : .zero))
        server.secrets.configure(spec?.secrets ?? [:])
        server.routes.replaceAll(PracticeRoutes.routes(for: spec, learnerRoutes: learnerRoutes, sessions: server.sessions, secrets: server.secrets))
        if let sessions, let storage = SessionStore.Storage(rawValue: sessions) { server.sessions.storage = storage }
        // One line per request, written in batches (within 10 ms), as nginx buffers its access log.
        let output = BatchedOutput(FileDescriptorOutput(descriptor: 1))
        if let instance {
            try runAsInstance(instance, server: server, output: output)
            return
        }
        server.log.onRecord { entry in
            let milliseconds = (entry.durationMilliseconds * 100).rounded() / 100
            var lines = "\(entry.method) \(entry.target.terminalSafeLine) \(entry.status) \(milliseconds) ms\n"
            // Why a route failed, for the learner watching this window (the client got only a 500).
            for line in entry.explanation ?? [] { lines += "  " + line.terminalSafeLine + "\n" }
            output.write(lines)
        }
        kitchen_sigint_install()
        let started: (port: Int, note: String?)
        do {
            started = try Blocking.run { try await server.start(port: port ?? 0) }
        } catch {
            throw RuntimeError("\(error)")
        }
        output.write("http://127.0.0.1:\(started.port)\n")
        output.flush()
        if let note = started.note { printError(note) }
        let otherSite = OtherSite()
        if let folder = spec?.otherSiteDirectory {
            let url = try? Blocking.run { try await otherSite.serve(folder, beside: server) }
            printError(url.map { "Other site (another origin, for cors other-site): \($0 ?? "")" } ?? "The other site did not start.")
        }
        printError("Serving \(path). Ctrl-C stops.")
        while kitchen_sigint_take() == 0 {
            usleep(100_000)
        }
        try? Blocking.run {
            await otherSite.stop(beside: server)
            await server.stop()
        }
        output.flush()
    }

    /// One of several instances: tagged with its name, accepting requests forwarded by the
    /// balancer, reporting each request as a JSON line to the process that started it.
    func runAsInstance(_ name: String, server: MiniServer, output: BatchedOutput) throws {
        server.instance.name = name
        server.instance.frontPort = behind
        server.log.onRecord { entry in output.write(entry.jsonLine + "\n") }
        TerminationSignals.install()
        let started: (port: Int, note: String?)
        do { started = try Blocking.run { try await server.start(port: 0) } } catch { throw RuntimeError("\(error)") }
        output.write("http://127.0.0.1:\(started.port)\n")
        output.flush()
        while !TerminationSignals.received() { usleep(50_000) }
        try? Blocking.run { await server.stop() }
        output.flush()
    }

    /// `--instances N`: N instances of this same command behind nginx, until Ctrl-C or SIGTERM.
    func runInstances(_ count: Int, path: String) throws {
        var command = [InstanceGroup.executablePath(), "serve", "--lessons", lessons.resolved]
        if let lesson { command += ["--lesson", lesson] }
        if let databasePath { command += ["--db", databasePath] }
        if let sessions { command += ["--sessions", sessions] }
        let output = FileDescriptorOutput(descriptor: 1)
        let log = RequestLog()
        log.onRecord { entry in
            let milliseconds = (entry.durationMilliseconds * 100).rounded() / 100
            output.write("[\(entry.instance ?? "?")] \(entry.method) \(entry.target.terminalSafeLine) \(entry.status) \(milliseconds) ms\n")
            for line in entry.explanation ?? [] { output.write("  " + line.terminalSafeLine + "\n") }
        }
        TerminationSignals.install()
        let group: InstanceGroup
        do {
            group = try InstanceGroup.start(count: count, command: command, port: port ?? 0) { log.record($0) }
        } catch {
            throw RuntimeError("\(error)")
        }
        defer { group.stop() }
        output.write("http://127.0.0.1:\(group.port)\n")
        printError("nginx on port \(group.port) shares requests among \(count) instances over \(path): "
                   + group.instances.map { "instance \($0.name) on port \($0.port)" }.joined(separator: ", ") + ". Ctrl-C stops them all.")
        while !TerminationSignals.received() {
            if !group.isRunning {
                group.stop()
                throw RuntimeError("an instance or nginx stopped on its own; everything is stopped now", exitCode: 1)
            }
            usleep(100_000)
        }
    }
}
