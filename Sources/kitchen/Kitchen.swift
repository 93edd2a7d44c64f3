import ArgumentParser
import KitchenLessons
import KitchenServer
import KitchenServerChecks
import KitchenTutor
#if canImport(Glibc)
import Glibc
#endif

@main
struct Kitchen: ParsableCommand {
    /// Kitchen's version, for `kitchen --version`.
    static let version = "0.1.0"

    /// Parses the arguments, then runs the command. Usage errors print the usage (exit 64);
    /// failures while running print one line on standard error, with the exit code of
    /// `RuntimeError` (2: input Kitchen cannot use), or 1 for anything else.
    static func main() {
        // SQL functions every connection gets, before any command opens one.
        BcryptFunctions.registerEverywhere()
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let learning = Learning(arguments: arguments) {
            running { try learning.run() }
        }
        var command: any ParsableCommand
        do {
            command = try quickParse(arguments) ?? parseAsRoot()
        } catch {
            exit(withError: error)
        }
        running { try command.run() }
    }

    /// Runs a command and exits with its status: 0, or the error's (see `main`).
    private static func running(_ body: () throws -> Void) -> Never {
        do {
            try body()
        } catch let error as RuntimeError {
            printError("kitchen: \(error)")
            Glibc.exit(error.exitCode)
        } catch {
            // ExitCode, CleanExit, help requests, and any other error as one line (exit 1).
            exit(withError: error)
        }
        Glibc.exit(0)
    }

    /// The commands a learner starts many times a day, parsed by their own parser instead of the
    /// whole tree's, when that parser accepts the arguments as they are.
    ///
    /// Why: `parseAsRoot` on the tree always checks for a completion-script request (it parses
    /// the arguments a second and a third time, with reflection) and builds every level's
    /// argument set; on a binary this size each first-time type lookup behind that scans ~9,600
    /// protocol conformances. That was about half of `kitchen sql`'s start-up CPU.
    ///
    /// Same result: a subcommand's own parser reads its options exactly as the tree hands them
    /// to it (`kitchen sql …` to `sql`, and `kitchen …` with no subcommand to the default one,
    /// `learn`). Anything else goes to the tree, which then gives every message, help screen,
    /// completion and exit code: help, version and completion requests (refused here up front,
    /// as the tree's flags), a usage error, a failed validation, another subcommand. Those two
    /// commands name `kitchen` as their super-command, which is what tells their own parser not to
    /// look for completion requests (ArgumentParser's `_superCommandName`); in the tree only the
    /// root's super-command is read, so their help and usage text are unchanged.
    static func quickParse(_ arguments: [String]) -> (any ParsableCommand)? {
        guard !arguments.contains(where: isTreeFlag) else { return nil }
        let command: any ParsableCommand.Type
        var rest = arguments[...]
        switch arguments.first {
        case SQLCommand.configuration.commandName:
            command = SQLCommand.self
            rest = rest.dropFirst()
        case LearnCommand.configuration.commandName:
            command = LearnCommand.self
            rest = rest.dropFirst()
        case let first? where !first.hasPrefix("-"):
            // Another subcommand (or a stray word): the tree's to dispatch or refuse.
            return nil
        default:
            // No subcommand named: the default one, as the tree would.
            command = LearnCommand.self
        }
        guard let parsed = try? command.parseAsRoot(Array(rest)), type(of: parsed) == command else { return nil }
        return parsed
    }

    /// The flags only the whole tree answers: help, version, completion scripts and requests.
    private static func isTreeFlag(_ argument: String) -> Bool {
        switch argument {
        case "-h", "--help", "--version", "--experimental-dump-help": true
        default: argument.hasPrefix("--generate-completion-script") || argument.hasPrefix("---")
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "kitchen",
        abstract: "Learn how the back end of a website works, by doing it.",
        discussion: """
            Run `kitchen` to follow the lessons at the prompt. Kitchen keeps history, progress and \
            your lesson databases in ~/.kitchen, or in $KITCHEN_HOME when that is set.

            Exit status: 0 success; 1 something failed (a check, a lesson test, a statement in \
            batch mode); 2 input Kitchen cannot use (a file, a database, a lesson, a port); 64 a \
            usage error (an unknown option or a missing argument).
            """,
        version: Kitchen.version,
        subcommands: [LearnCommand.self, SQLCommand.self, ServeCommand.self, HTTPCommand.self, LoadCommand.self, LessonsCommand.self, CheckCommand.self, RoutesCommand.self],
        defaultSubcommand: LearnCommand.self
    )
}

/// Options shared by every command that reads lessons.
struct LessonsOptions: ParsableArguments {
    @Option(name: .customLong("lessons"), help: ArgumentHelp("The lessons folder (default: ./lessons or the one beside Kitchen).", valueName: "DIR"))
    var directory: String?

    var resolved: String { LessonsLocation.resolve(directory) }
}

extension Playground {
    /// The playground of the lessons folder: made from the teacher's chosen fixture, else the
    /// first lesson's.
    static func prepare(home: KitchenHome, lessons: LessonsOptions) throws -> Playground {
        let directory = lessons.resolved
        let config = try TeacherConfig.load(from: [directory + "/kitchen.yaml", home.configFile])
        guard let fixture = Playground.fixture(config: config, lessons: LessonLoader(registry: HTTPChecks.registry).loadDirectory(directory).lessons) else {
            throw RuntimeError("no lessons in \(directory) to take a dataset from; point --lessons at a lessons folder")
        }
        return try prepare(home: home, lessonsDirectory: directory, fixture: fixture)
    }
}

/// A command failed while running (not a usage error): a one-line message on standard error and
/// a documented exit code, 2 for input Kitchen cannot use (a file, a database, a lesson, a port).
struct RuntimeError: Error, CustomStringConvertible {
    var description: String
    var exitCode: Int32

    init(_ description: String, exitCode: Int32 = 2) {
        self.description = description
        self.exitCode = exitCode
    }
}
