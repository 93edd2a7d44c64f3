import ArgumentParser
import KitchenLessons
import KitchenShell
import KitchenSQL
import KitchenTutor

/// `kitchen` / `kitchen learn`: the lessons at the prompt.
struct LearnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learn",
        abstract: "Follow the lessons at the prompt (the default)."
    )

    @OptionGroup var lessons: LessonsOptions

    func run() throws {
        let home = try KitchenHome.resolve()
        let directory = lessons.resolved
        let catalog = LessonLoader().loadDirectory(directory)
        let config: TeacherConfig
        do {
            config = try TeacherConfig.load(from: [directory + "/kitchen.yaml", home.path + "/kitchen.yaml"])
        } catch {
            throw ValidationError("\(error)")
        }
        let tutor = Tutor(catalog: catalog, home: home.path, config: config)
        let prompt = PromptLoop(connection: try Connection(path: ":memory:"), home: home)
        let failed = prompt.run(banner: "the back end, one step at a time.") { session in
            tutor.attach(to: session)
            tutor.start()
        }
        if failed { throw ExitCode.failure }
    }
}
