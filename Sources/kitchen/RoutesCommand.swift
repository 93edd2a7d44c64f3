import ArgumentParser
import KitchenLessons
import KitchenServer
import KitchenServerChecks
import KitchenSupport

/// `kitchen routes export flask|express [FILE]`: routes written as a Flask or Express app.
struct RoutesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routes",
        abstract: "Show your routes as code in a real web framework.",
        subcommands: [Export.self]
    )
}

extension RouteExport.Framework: ExpressibleByArgument {}

extension RoutesCommand {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Print routes as a small Flask (Python) or Express (Node) app.",
            discussion: """
                The routes come from FILE (route definitions, as typed at the prompt), else from the \
                lesson given with --lesson, else from the lesson you are following: the lesson's own \
                routes with the ones you wrote for it on top. The app answers as Kitchen does (the same \
                validation, status codes and sessions); a line it cannot translate is written into it \
                as a comment. Save it and run it: kitchen routes export flask > app.py.
                """
        )

        @OptionGroup var lessons: LessonsOptions
        @Argument(help: ArgumentHelp("The framework.", valueName: "flask|express")) var framework: RouteExport.Framework
        @Argument(help: ArgumentHelp("A file of route definitions.", valueName: "FILE")) var file: String?
        @Option(help: ArgumentHelp("Export this lesson's routes and yours for it.", valueName: "ID")) var lesson: String?

        func validate() throws {
            if file != nil && lesson != nil { throw ValidationError("give FILE or --lesson, not both") }
        }

        func run() throws {
            let routes: [RouteDefinition]
            if let file {
                guard FileReading.exists(file) else { throw RuntimeError("\(file) does not exist") }
                routes = try parse(try FileReading.read(file), from: file)
            } else {
                let home = try KitchenHome.resolve()
                guard let id = lesson ?? ProgressStore(home: home.path).load().progress.currentLesson else {
                    throw RuntimeError("no lesson started yet: give a routes FILE or --lesson ID")
                }
                let found = try LessonLookup.lesson(id, in: lessons.resolved)
                let routesFile = try home.routesFile(found.id)
                let mine = FileReading.exists(routesFile) ? try parse(try FileReading.read(routesFile), from: routesFile) : []
                let theirs = try found.server?.routes.map { try parse($0, from: found.file) } ?? []
                routes = RouteExport.served(lessonRoutes: theirs, learnerRoutes: mine)
                guard !routes.isEmpty else {
                    throw RuntimeError("lesson '\(found.id)' has no routes yet, neither its own nor yours: write one at the prompt (route GET /menu = SELECT …)")
                }
            }
            print(RouteExport.source(of: routes, for: framework), terminator: "")
        }

        func parse(_ text: String, from file: String) throws -> [RouteDefinition] {
            do { return try RouteParser.parse(text) } catch {
                throw RuntimeError("\(file): \(error)")
            }
        }
    }
}
