import ArgumentParser
import KitchenLessons
import KitchenShell
import KitchenSQL

/// `kitchen sql`: the SQL prompt on a scratch database or a file.
struct SQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        // Parsed on its own at start-up (`Kitchen.quickParse`): this skips the completion-request check there.
        _superCommandName: "kitchen",
        abstract: "Open a SQL prompt on a scratch in-memory database, or on FILE."
    )

    @Option(name: .customLong("db"), help: ArgumentHelp("The database file to open (created if missing).", valueName: "FILE"))
    var databasePath: String?

    @Option(help: ArgumentHelp("Stop any statement that runs longer than this.", valueName: "SECONDS"))
    var timeout: Double = 2

    func validate() throws {
        guard timeout > 0, timeout <= 600 else {
            throw ValidationError("--timeout must be between 0 and 600 seconds")
        }
        if let databasePath, databasePath.isEmpty {
            throw ValidationError("--db needs a file name")
        }
    }

    func run() throws {
        let home = try KitchenHome.resolve()
        var policy = SandboxPolicy.standard
        policy.timeLimit = timeout
        let connection: Connection
        do {
            connection = try Connection(path: databasePath ?? ":memory:", policy: policy)
            // Reading the schema fails early on a file that is not a database.
            _ = try connection.schema()
        } catch let error as DatabaseError {
            throw RuntimeError(error.message.contains("not a database")
                ? "\(databasePath ?? "") is not a SQLite database"
                : error.message)
        }
        let prompt = PromptLoop(connection: connection, home: home)
        let failed = prompt.run(banner: databasePath.map { "Connected to \($0)." } ?? "Connected to a scratch database in memory: nothing is saved.")
        if failed { throw ExitCode.failure }
    }
}
