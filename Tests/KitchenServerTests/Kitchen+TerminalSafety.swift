import Foundation
import Testing
@testable import KitchenServer

/// Text from the network reaches the learner's terminal only through the escaping path.
@Suite("kitchen: control characters from a request never reach the terminal raw", .enabled(if: Tools.kitchen != nil, "needs the kitchen binary"))
struct KitchenTerminalSafetyTests {
    @Test(".requests shows a body's escape sequences as visible text", .timeLimit(.scaledMinutes(1)))
    func requestsEscaped() throws {
        let home = try TemporaryFolder()
        defer { home.remove() }
        let hostile = "\u{1B}]0;pwned\u{07}\u{1B}[2J"
        let output = try KitchenPromptHTTPTests.kitchen([], input: """
            POST /echo {"note": "\(hostile)"}
            .requests
            """, home: home)
        #expect(!output.stdout.contains("\u{1B}]0;"), "a raw OSC reached stdout")
        #expect(!output.stdout.contains("\u{1B}[2J"), "a raw clear-screen reached stdout")
        #expect(!output.stdout.contains("\u{07}"))
        #expect(output.stdout.contains(#"\x1b]0;pwned\x07\x1b[2J"#), "\(output.stdout)")
    }
}
