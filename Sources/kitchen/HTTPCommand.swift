#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import KitchenLessons
import KitchenServer
import KitchenServerChecks
import KitchenShell
import KitchenSupport
import KitchenTutor

/// `kitchen http FILE`: run a .http file as a test, against Kitchen's own server (started for the
/// run) or a running one (`--port`). Exit 0 when every request got its expected response, 1
/// otherwise, 2 for a file Kitchen refuses (each problem with its line) or that runs no request.
struct HTTPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "Run the requests of a .http file and check their expectations (exit 0 pass, 1 fail, 2 bad file).",
        discussion: "The file is read as VS Code's REST Client reads it; docs/http-files.md lists what Kitchen supports and refuses."
    )

    @OptionGroup var lessons: LessonsOptions
    @Argument(help: "The .http or .rest file.") var file: String
    @Option(help: ArgumentHelp("Send to the Kitchen server already listening on this port instead of starting one.", valueName: "N"))
    var port: Int?
    @Option(name: .customLong("env"), help: ArgumentHelp("The environment of http-client.env.json or .vscode/settings.json to use.", valueName: "NAME"))
    var environment: String?
    @Option(name: .customLong("var"), help: ArgumentHelp("A value for a variable or a # @prompt (repeatable).", valueName: "NAME=VALUE"))
    var values: [String] = []

    func run() throws {
        var options: HTTPFileRunner.Options
        do {
            options = try HTTPFileRunner.Options.parse(values.flatMap { ["--var", $0] } + (environment.map { ["--env", $0] } ?? []))
        } catch {
            throw LessonLookup.badInput(error.problems.map(\.message).joined(separator: "\n"))
        }
        // A person at a terminal is asked for # @prompt values; a batch run (CI, pipes) must pass --var.
        if Terminal.isTerminal(0) && Terminal.isTerminal(2) && getenv("CI") == nil {
            options.ask = { name, description in
                var standardError = StandardError()
                print("\(description ?? name): ", terminator: "", to: &standardError)
                return readLine(strippingNewline: true)
            }
        }
        let runner: HTTPFileRunner
        do { runner = try HTTPFileRunner.prepare(path: file, options: options) } catch {
            for problem in error.problems.dropLast() { printError(problem.description) }
            throw LessonLookup.badInput(error.problems.last?.description ?? "\(file): cannot be run")
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
        let report = runner.run(port: target)
        if let server { try? Blocking.run { await server.stop() } }
        // Response text is the server's (data a learner stored): escaped like all such output.
        for line in report.lines { print(TerminalText.escaped(line.text)) }
        if report.exitCode != 0 { throw ExitCode.failure }
    }
}
