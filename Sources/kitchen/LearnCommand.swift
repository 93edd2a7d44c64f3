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
        try Learning(lessonsDirectory: lessons.directory, port: port, noServer: noServer).run()
    }
}

/// What `kitchen learn` does, its options as plain values: the command runs it with what it
/// parsed, and `kitchen` typed alone runs it with the defaults (`Learning(arguments:)`).
struct Learning {
    var lessonsDirectory: String?
    var port: Int?
    var noServer = false

    /// The everyday starts, `kitchen` alone (a learner) and `kitchen --lessons DIR` (a teacher's
    /// folder): `learn` with those options, with nothing else to parse. Nil for anything else
    /// (another option, a word, a DIR that starts with a dash), which goes to ArgumentParser.
    ///
    /// Why: building `learn`'s argument set (its option group and the generic metadata behind
    /// each option, every first-time type lookup scanning ~9,600 protocol conformances) was
    /// about a seventh of the tutor's start-up CPU, spent to learn that there were no options.
    init?(arguments: [String]) {
        switch arguments.count {
        case 0:
            break
        case 2 where arguments[0] == "--lessons" && !arguments[1].isEmpty && !arguments[1].hasPrefix("-"):
            lessonsDirectory = arguments[1]
        default:
            return nil
        }
    }

    init(lessonsDirectory: String?, port: Int?, noServer: Bool) {
        self.lessonsDirectory = lessonsDirectory
        self.port = port
        self.noServer = noServer
    }

    func run() throws {
        let home = try KitchenHome.resolve()
        let directory = LessonsLocation.resolve(lessonsDirectory)
        // The lessons and the progress load on another thread while the server panel is made.
        // Only lesson files changed since the last start are parsed; the others when opened,
        // except the learner's current lesson, which the first screen shows: its parse starts
        // there at once and goes on while the prompt is set up (LessonEntry.prefetch). What the
        // progress file said (or why it could not be used) is reported by `Tutor.start`.
        let loading = BackgroundValue { () -> (LessonLoader.Catalog, ProgressStore.Loaded) in
            let catalog = LessonLoader(registry: HTTPChecks.registry).loadDirectory(directory, index: home.lessonIndexFile)
            let progress = ProgressStore(home: home.path).load()
            if let current = progress.progress.currentLesson {
                catalog.entries.first { $0.id == current }?.prefetch()
            }
            return (catalog, progress)
        }
        // The server binds while the lessons load and the first screen is drawn; the prompt does
        // not wait for it (ServerPanel+Binding.swift).
        let panel = noServer ? nil : ServerPanel(databasePath: nil, port: port ?? 0)
        panel?.beginStart()
        let config: TeacherConfig
        do {
            config = try TeacherConfig.load(from: [directory + "/kitchen.yaml", home.configFile])
        } catch {
            throw RuntimeError("\(error)")
        }
        let prompt = PromptLoop(connection: try Connection(path: ":memory:"), home: home)
        let (catalog, progress) = loading.value
        let tutor = Tutor(catalog: catalog, home: home, config: config)
        tutor.run.loadedProgress = progress
        if let panel {
            panel.instanceCommand = [InstanceGroup.executablePath(), "serve", "--lessons", directory]
            tutor.playground = Playground.fixture(config: config, fixtures: catalog.entries.map(\.fixtureName)).flatMap {
                try? Playground.prepare(home: home, lessonsDirectory: directory, fixture: $0, knownSpecs: catalog.serverSpecs)
            }
            if let playground = tutor.playground { panel.serve(path: playground.path, spec: playground.spec) }
            tutor.panel = panel
        }
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
