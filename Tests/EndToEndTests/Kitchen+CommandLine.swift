import Foundation
import Testing

@Suite("The command line: exit codes, one-line runtime errors, --version, every --help")
struct KitchenCommandLine {
    /// Every command and subcommand, as typed.
    static let commands: [[String]] = [[], ["learn"], ["sql"], ["serve"], ["http"], ["check"],
                                       ["lessons"], ["lessons", "list"], ["lessons", "show"], ["lessons", "lint"], ["lessons", "test"]]

    @Test("kitchen --version prints the version and exits 0")
    func version() throws {
        let result = try KitchenBinary.run(["--version"])
        #expect(result.status == 0)
        #expect(result.out.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, "\(result.out)")
    }

    @Test("a failure while running is one line on stderr with exit 2, not the usage", arguments: [
        (["sql", "--db", "/nonexistent-folder/x.db"], "cannot open"),
        (["serve", "--db", "/nonexistent-folder/x.db"], "does not exist"),
        (["check", "no-such-lesson", "1", "--lessons", "lessons"], "no lesson 'no-such-lesson'"),
    ])
    func runtimeFailure(_ arguments: [String], _ expected: String) throws {
        let result = try KitchenBinary.run(arguments)
        #expect(result.status == 2, "\(result.err)")
        let lines = result.err.split(separator: "\n")
        #expect(lines.count == 1, "\(result.err)")
        #expect(result.err.hasPrefix("kitchen: "))
        #expect(result.err.contains(expected))
        #expect(!result.err.contains("Usage:"))
    }

    @Test("a usage error still shows the usage, with exit 64")
    func usageError() throws {
        let result = try KitchenBinary.run(["sql", "--timeout", "0"])
        #expect(result.status == 64)
        #expect(result.err.contains("--timeout must be between 0 and 600 seconds"))
        #expect(result.err.contains("Usage:"))
    }

    @Test("every --help: no option listed that the command refuses, no sentence broken mid-line", arguments: commands)
    func help(_ command: [String]) throws {
        let result = try KitchenBinary.run(command + ["--help"], environment: ["COLUMNS": "100"])
        #expect(result.status == 0)
        let help = result.out
        #expect(help.contains("USAGE:"))
        // A discussion line that ends without punctuation and is followed by a lower-case word is a
        // sentence cut by a hard line break in the source.
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (line, next) in zip(lines, lines.dropFirst()) where !line.hasPrefix("  ") && !line.isEmpty {
            let continues = next.first.map { $0.isLowercase } ?? false
            #expect(!(continues && !line.hasSuffix(".") && !line.hasSuffix(":")), "broken sentence in \(command) --help: \(line) / \(next)")
        }
    }

    @Test("lessons list offers text or json, lessons test text or junit, and each accepts what it lists")
    func formats() throws {
        let list = try KitchenBinary.run(["lessons", "list", "--help"])
        #expect(list.out.contains("(values: text, json"))
        let test = try KitchenBinary.run(["lessons", "test", "--help"])
        #expect(test.out.contains("(values: text, junit"))
        let refused = try KitchenBinary.run(["lessons", "test", "--format", "json", "--lessons", "lessons"])
        #expect(refused.status == 64)
        let listed = try KitchenBinary.run(["lessons", "list", "--format", "json", "--lessons", "lessons"])
        #expect(listed.status == 0)
    }
}
