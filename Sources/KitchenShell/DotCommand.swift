/// One dot-command. The table of these is the single source for dispatch, argument checks,
/// `.help` and tab completion, so they cannot drift apart (as they do in the sqlite3 shell).
public struct DotCommand {
    public struct Argument: Sendable {
        public enum Kind: Sendable {
            /// One of a fixed set of words, completed and checked.
            case choice([String])
            /// A table of the open database, completed from the schema.
            case table
            /// A file path, completed from the file system.
            case file
            /// Anything else.
            case text
        }

        public var name: String
        public var kind: Kind
        public var optional: Bool
        /// Takes the rest of the line (several words).
        public var rest: Bool

        public static func choice(_ name: String, _ values: [String], optional: Bool = false) -> Argument {
            Argument(name: name, kind: .choice(values), optional: optional, rest: false)
        }

        public static func table(optional: Bool = true) -> Argument {
            Argument(name: "TABLE", kind: .table, optional: optional, rest: false)
        }

        public static func file(_ name: String = "FILE", optional: Bool = false) -> Argument {
            Argument(name: name, kind: .file, optional: optional, rest: false)
        }

        public static func text(_ name: String, optional: Bool = false, rest: Bool = false) -> Argument {
            Argument(name: name, kind: .text, optional: optional, rest: rest)
        }

        var usage: String {
            let shown: String = switch kind {
            case .choice(let values): values.joined(separator: "|")
            default: name + (rest ? "…" : "")
            }
            return optional ? "[\(shown)]" : shown
        }
    }

    public enum Outcome {
        case done
        case quit
    }

    public var name: String
    public var aliases: [String]
    public var arguments: [Argument]
    public var summary: String
    /// Shown under this heading in `.help` (SQL, Lessons, Server, …).
    public var group: String
    public var run: (ShellSession, [String]) throws -> Outcome

    public init(_ name: String, aliases: [String] = [], arguments: [Argument] = [], group: String = "Shell", summary: String,
                run: @escaping (ShellSession, [String]) throws -> Outcome) {
        self.name = name
        self.aliases = aliases
        self.arguments = arguments
        self.summary = summary
        self.group = group
        self.run = run
    }

    public var usage: String {
        ([".\(name)"] + arguments.map(\.usage)).joined(separator: " ")
    }

    /// Checks the words typed after the command against the argument list; normalises choices
    /// to their canonical spelling.
    func validate(_ words: [String]) throws -> [String] {
        var checked: [String] = []
        var index = 0
        for argument in arguments {
            if argument.rest {
                let remaining = Array(words[min(index, words.count)...])
                if remaining.isEmpty && !argument.optional {
                    throw CommandError("missing \(argument.name); usage: \(usage)")
                }
                checked.append(remaining.joined(separator: " "))
                index = words.count
                continue
            }
            guard index < words.count else {
                if argument.optional { break }
                throw CommandError("missing \(argument.name); usage: \(usage)")
            }
            let word = words[index]
            if case .choice(let values) = argument.kind {
                guard let match = values.first(where: { $0.lowercased() == word.lowercased() }) else {
                    throw CommandError("\(word) is not one of \(values.joined(separator: ", ")); usage: \(usage)")
                }
                checked.append(match)
            } else {
                checked.append(word)
            }
            index += 1
        }
        if index < words.count {
            throw CommandError("too many arguments; usage: \(usage)")
        }
        return checked
    }
}

/// A dot-command that could not do what was asked; the message is shown as is.
public struct CommandError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The commands a session understands. Layers above the shell (lessons, the server) add theirs.
public struct CommandTable {
    public private(set) var commands: [DotCommand] = []

    public init(_ commands: [DotCommand] = []) {
        for command in commands { add(command) }
    }

    /// Adds a command, replacing one with the same name.
    public mutating func add(_ command: DotCommand) {
        commands.removeAll { $0.name == command.name }
        commands.append(command)
    }

    public func command(named name: String) -> DotCommand? {
        let name = name.lowercased()
        return commands.first { $0.name == name || $0.aliases.contains(name) }
    }

    /// Names, with aliases, for completion.
    public var allNames: [String] {
        commands.flatMap { [$0.name] + $0.aliases }.sorted()
    }

    public var groups: [String] {
        var seen: [String] = []
        for command in commands where !seen.contains(command.group) { seen.append(command.group) }
        return seen
    }
}

/// Splits a dot-command line into words; single or double quotes keep spaces inside a word.
enum CommandLineWords {
    static func split(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var inWord = false
        for character in line {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" {
                if inWord { words.append(current); current = ""; inWord = false }
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
