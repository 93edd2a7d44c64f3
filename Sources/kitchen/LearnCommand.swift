import ArgumentParser
import KitchenLessons
import KitchenServer
import KitchenServerChecks
import KitchenShell
import KitchenSQL
import KitchenTutor

/// `kitchen` / `kitchen learn`: the lessons at the prompt.
struct LearnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learn",
        // Parsed on its own at start-up (`Kitchen.quickParse`): this skips the completion-request check there.
        _superCommandName: "kitchen",
        abstract: "Follow the lessons at the prompt."
    )

    @OptionGroup var lessons: LessonsOptions

    @Option(help: ArgumentHelp("The server's port (default: any free port).", valueName: "N"))
    var port: Int?

    @Flag(help: "Do not start the mini-server.")
    var noServer = false

    func validate() throws {
        guard (0...65535).contains(port ?? 0) else { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() throws {
        let home = try KitchenHome.resolve()
        let directory = lessons.resolved
        // The server binds while the lessons load and the first screen is drawn; the prompt does
        // not wait for it (ServerPanel+Binding.swift).
        let panel = noServer ? nil : ServerPanel(databasePath: nil, port: port ?? 0)
        panel?.beginStart()
        // Only lesson files changed since the last start are parsed now; the others when opened.
        let catalog = LessonLoader(registry: HTTPChecks.registry).loadDirectory(directory, index: home.lessonIndexFile)
        let config: TeacherConfig
        do {
            config = try TeacherConfig.load(from: [directory + "/kitchen.yaml", home.configFile])
        } catch {
            throw RuntimeError("\(error)")
        }
        let tutor = Tutor(catalog: catalog, home: home, config: config)
        if let panel {
            panel.instanceCommand = [InstanceGroup.executablePath(), "serve", "--lessons", directory]
            tutor.playground = Playground.fixture(config: config, fixtures: catalog.entries.map(\.fixtureName)).flatMap {
                try? Playground.prepare(home: home, lessonsDirectory: directory, fixture: $0, knownSpecs: catalog.serverSpecs)
            }
            if let playground = tutor.playground { panel.serve(path: playground.path, spec: playground.spec) }
            tutor.panel = panel
        }
        let prompt = PromptLoop(connection: try Connection(path: ":memory:"), home: home)
        let failed = prompt.run(banner: "the back end, one step at a time.") { session in
            if let panel {
                panel.attach(to: session)
            } else {
                // Without a server, a request or a route would otherwise read as broken SQL.
                session.lineHandlers.append { session, lines in
                    guard let first = lines.first, PromptRequestParser.startsRequest(first) || RouteParser.startsDefinition(first) else { return .notMine }
                    session.reportFailure("the server is off (--no-server), so requests and routes cannot run; start kitchen without --no-server")
                    return .handled
                }
            }
            tutor.attach(to: session)
            tutor.start()
            // The server's address last, above the prompt, if it is listening by now; if not, as
            // soon as it is (ServerPanel+Binding.swift).
            panel?.reportStartIfFinished(session)
        }
        panel?.leave()
        if failed { throw ExitCode.failure }
    }
}
