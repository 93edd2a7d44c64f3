import ArgumentParser

@main
struct Kitchen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kitchen",
        abstract: "Learn how the back end of a website works, by doing it.",
        discussion: """
            Kitchen keeps its history and progress in ~/.kitchen, or in $KITCHEN_HOME when that is set.
            """,
        subcommands: [SQLCommand.self],
        defaultSubcommand: SQLCommand.self
    )
}
