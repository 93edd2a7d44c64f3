import Foundation
import Testing

/// Runs kitchen on a pseudo-terminal through util-linux `script`, so it believes it is interactive.
@Suite("kitchen sql at a terminal (through script(1))")
struct KitchenTerminalTests {
    static let script = "/usr/bin/script"
    static let input = "SELECT * FROM nope;\nSELECT NULL AS n;\n.quit\n"

    func runAtTerminal(environment: [String: String]) throws -> String {
        let binary = try #require(KitchenBinary.path)
        let home = try TemporaryFolder()
        defer { home.remove() }
        var env = environment
        env["KITCHEN_HOME"] = home.path
        env["TERM"] = "xterm"
        let result = try runTool("/usr/bin/env", ["-u", "NO_COLOR"] + env.map { "\($0)=\($1)" } + [Self.script, "-qec", "'\(binary)' sql", "/dev/null"],
                                 input: Self.input)
        #expect(result.status == 1, "a failed statement at a terminal still counts: \(result.out)")
        return result.out
    }

    /// An SGR colour sequence such as ESC[1;31m.
    static func hasColour(_ text: String) -> Bool {
        text.range(of: "\u{1B}\\[[0-9;]*m", options: .regularExpression) != nil
    }

    @Test("at a terminal errors and NULL are coloured, and results are boxed with a footer",
          .enabled(if: FileManager.default.isExecutableFile(atPath: script), "util-linux script(1) is not installed"))
    func colouredByDefault() throws {
        let output = try runAtTerminal(environment: [:])
        #expect(output.contains("kitchen> "))
        #expect(Self.hasColour(output))
        #expect(output.contains("┌"))
        #expect(output.contains("1 row"))
    }

    @Test("NO_COLOR turns every colour off",
          .enabled(if: FileManager.default.isExecutableFile(atPath: script), "util-linux script(1) is not installed"))
    func noColour() throws {
        let output = try runAtTerminal(environment: ["NO_COLOR": "1"])
        #expect(output.contains("no such table: nope"))
        #expect(output.contains("┌"))
        #expect(!Self.hasColour(output), "\(output.debugDescription)")
    }
}
