import ArgumentParser
import KitchenServer

@main
struct Kitchen: ParsableCommand {
    /// SQL functions every connection gets, before any command opens one.
    static func main() {
        BcryptFunctions.registerEverywhere()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "kitchen",
        abstract: "Learn how the back end of a website works, by doing it.",
        discussion: """
            Run `kitchen` to follow the lessons at the prompt. Kitchen keeps history, progress and your
            lesson databases in ~/.kitchen, or in $KITCHEN_HOME when that is set.
            """,
        subcommands: [LearnCommand.self, SQLCommand.self, ServeCommand.self, HTTPCommand.self, LessonsCommand.self, CheckCommand.self],
        defaultSubcommand: LearnCommand.self
    )
}

/// Options shared by every command that reads lessons.
struct LessonsOptions: ParsableArguments {
    @Option(name: .customLong("lessons"), help: ArgumentHelp("The lessons folder (default: ./lessons or the one beside Kitchen).", valueName: "DIR"))
    var directory: String?

    var resolved: String { LessonsLocation.resolve(directory) }
}
