import Foundation
import Testing

@Suite("The command line: exit codes, one-line runtime errors, --version, every --help")
struct KitchenCommandLine {
    /// Every command and subcommand, as typed.
    static let commands: [[String]] = [[], ["learn"], ["sql"], ["serve"], ["http"], ["load"], ["check"],
                                       ["lessons"], ["lessons", "list"], ["lessons", "show"], ["lessons", "lint"], ["lessons", "test"]]
    /// The repository's lessons folder, absolute: tests do not run in the checkout.
    static let lessons = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("lessons").path

    @Test("kitchen --version prints the version and exits 0")
    func version() throws {
        let result = try KitchenBinary.run(["--version"])
        #expect(result.status == 0)
        #expect(result.out.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, "\(result.out)")
    }

    @Test("a failure while running is one line on stderr with exit 2, not the usage", arguments: [
        (["sql", "--db", "/nonexistent-folder/x.db"], "cannot open"),
        (["serve", "--db", "/nonexistent-folder/x.db"], "does not exist"),
        (["check", "no-such-lesson", "1", "--lessons", KitchenCommandLine.lessons], "no lesson 'no-such-lesson'"),
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
        // So wide that the parser wraps nothing: every line break left comes from the source.
        let result = try KitchenBinary.run(command + ["--help"], environment: ["COLUMNS": "1000"])
        #expect(result.status == 0)
        let help = result.out
        #expect(help.contains("USAGE:"))
        let prose = help.components(separatedBy: "USAGE:")[0].split(separator: "\n").map(String.init)
        for line in prose {
            #expect(line.hasSuffix(".") || line.hasSuffix(":") || line.hasSuffix(")"), "a sentence broken in \(command) --help: \(line)")
        }
        // An option's help on one line: no continuation lines, no default said twice.
        for line in help.split(separator: "\n") where line.hasPrefix("  ") {
            #expect(!line.hasPrefix(String(repeating: " ", count: 20)), "help wrapped in \(command) --help: \(line)")
            #expect(line.components(separatedBy: "default").count <= 2, "default said twice in \(command) --help: \(line)")
        }
    }

    @Test("lessons list offers text or json, lessons test text or junit, and each accepts what it lists")
    func formats() throws {
        let list = try KitchenBinary.run(["lessons", "list", "--help"])
        #expect(list.out.contains("(values: text, json;"))
        let test = try KitchenBinary.run(["lessons", "test", "--help"])
        #expect(test.out.contains("(values: text, junit;"))
        let refused = try KitchenBinary.run(["lessons", "test", "--format", "json", "--lessons", "lessons"])
        #expect(refused.status == 64)
        let listed = try KitchenBinary.run(["lessons", "list", "--format", "json", "--lessons", "lessons"])
        #expect(listed.status == 0)
    }

    @Test("lessons show fills {{server}} as the tutor does, and says what PORT is since no server runs")
    func showFillsServerAddress() throws {
        // The server-itself lesson's first step shows `curl -i {{server}}/categories`.
        let shown = try KitchenBinary.run(["lessons", "show", "server-itself", "1", "--lessons", Self.lessons])
        #expect(shown.status == 0, "\(shown.err)")
        #expect(!shown.out.contains("{{"), "\(shown.out)")
        #expect(shown.out.contains("curl -i http://127.0.0.1:PORT/categories"), "\(shown.out)")
        #expect(shown.out.contains("PORT: the server's port, shown when Kitchen starts"), "\(shown.out)")
        let plain = try KitchenBinary.run(["lessons", "show", "tour", "1", "--lessons", Self.lessons])
        #expect(plain.status == 0)
        #expect(!plain.out.contains("PORT"), "the note only where the text has the address")
    }
}
