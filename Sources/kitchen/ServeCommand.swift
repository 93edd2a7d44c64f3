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
            every table of FILE at /TABLE and /TABLE/:id. Ctrl-C stops it.
            """
    )

    @OptionGroup var lessons: LessonsOptions
    @Option(help: ArgumentHelp("Serve this lesson's database and API.", valueName: "ID")) var lesson: String?
    @Option(name: .customLong("db"), help: ArgumentHelp("Serve every table of this database file.", valueName: "FILE")) var databasePath: String?
    @Option(help: ArgumentHelp("The port (default: any free port).", valueName: "N")) var port: Int?

    func validate() throws {
        guard (0...65535).contains(port ?? 0) else { throw ValidationError("--port must be between 0 and 65535") }
        if lesson != nil && databasePath != nil { throw ValidationError("give --lesson or --db, not both") }
    }

    func run() throws {
        let home = try KitchenHome.resolve()
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
        let server = MiniServer(database: DatabaseAccess(path: path))
        server.secrets.configure(spec?.secrets ?? [:])
        server.routes.replaceAll(PracticeRoutes.routes(for: spec, learnerRoutes: learnerRoutes, sessions: server.sessions, secrets: server.secrets))
        let output = FileDescriptorOutput(descriptor: 1)
        server.log.onRecord { entry in
            let milliseconds = (entry.durationMilliseconds * 100).rounded() / 100
            output.write("\(entry.method) \(entry.target.terminalSafeLine) \(entry.status) \(milliseconds) ms\n")
            // Why a route failed, for the learner watching this window (the client got only a 500).
            for line in entry.explanation ?? [] { output.write("  " + line.terminalSafeLine + "\n") }
        }
        kitchen_sigint_install()
        let started: (port: Int, note: String?)
        do {
            started = try Blocking.run { try await server.start(port: port ?? 0) }
        } catch {
            throw RuntimeError("\(error)")
        }
        output.write("http://127.0.0.1:\(started.port)\n")
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
    }
}
