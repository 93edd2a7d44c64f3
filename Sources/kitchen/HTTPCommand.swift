import ArgumentParser
import KitchenLessons
import KitchenServer
import KitchenServerChecks
import KitchenSupport
import KitchenTutor

/// `kitchen http FILE`: run a .http file as a test, against Kitchen's own server (started for the
/// run) or a running one (`--port`). Exit 0 when every expectation holds, 1 otherwise, 2 for a
/// file that cannot be read.
struct HTTPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "Run the requests of a .http file and check their expectations (exit 0 pass, 1 fail, 2 bad file)."
    )

    @OptionGroup var lessons: LessonsOptions
    @Argument(help: "The .http file.") var file: String
    @Option(help: ArgumentHelp("Send to the Kitchen server already listening on this port instead of starting one.", valueName: "N"))
    var port: Int?

    func run() throws {
        let parsed: HTTPFile
        do {
            parsed = try HTTPFile.parse(try FileReading.read(file))
        } catch {
            throw LessonLookup.badInput("\(file): \(error)")
        }
        var server: MiniServer?
        let target: Int
        if let port {
            target = port
        } else {
            let home = try KitchenHome.resolve()
            let playground = try Playground.prepare(home: home, lessons: lessons)
            let started = MiniServer(database: DatabaseAccess(path: playground.path))
            started.routes.replaceAll(PracticeRoutes.routes(for: playground.spec, sessions: started.sessions))
            target = try Blocking.run { try await started.start(port: 0).port }
            server = started
        }
        let outcomes = HTTPFileRunner(port: target).run(parsed)
        if let server { try? Blocking.run { await server.stop() } }
        for outcome in outcomes {
            for line in outcome.report(file: file) { print(line) }
        }
        let failed = outcomes.filter { !$0.passed }.count
        print("\(outcomes.count - failed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode.failure }
    }
}
