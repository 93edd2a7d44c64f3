import Foundation
import KitchenSQL
@testable import KitchenShell

/// A shell session on a fresh in-memory database, writing into buffers.
final class ShellHarness {
    let connection: Connection
    let output = CapturedOutput()
    let errors = CapturedOutput()
    let session: ShellSession

    /// Batch settings unless told otherwise; `setup` runs first without touching the buffers.
    init(_ settings: ShellSettings = .batch, setup: String = "") throws {
        connection = try Connection()
        if !setup.isEmpty { try connection.execute(setup) }
        session = ShellSession(connection: connection, settings: settings, output: output, errors: errors)
    }

    /// Settings of a terminal without colour, so the expected text is plain.
    static func terminal(width: Int? = nil) -> ShellSettings {
        .terminal(width: width, color: false)
    }

    /// Feeds each line of `text` as if typed, then returns what was printed.
    @discardableResult
    func type(_ text: String) -> String {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            _ = session.feed(line: String(line))
        }
        return output.text
    }

    /// Output and errors so far, then empties both.
    func take() -> (output: String, errors: String) {
        defer { output.clear(); errors.clear() }
        return (output.text, errors.text)
    }
}

/// The small table every rendering test draws: a NULL, integers and reals of several widths.
let menuSetup = """
    CREATE TABLE menu(id INTEGER PRIMARY KEY, name TEXT, price REAL);
    INSERT INTO menu VALUES (1, 'soup', 4.5), (2, NULL, 12.25), (10, 'tea', NULL);
    """

/// Terminal column width of plain (uncoloured) text, for box layout checks.
func displayWidth(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { width, scalar in
        let value = scalar.value
        let wide = (0x1100...0x115F).contains(value) || (0x2E80...0xA4CF).contains(value) || (0xAC00...0xD7A3).contains(value)
            || (0xFF00...0xFF60).contains(value) || (0x1F300...0x1F64F).contains(value)
        return width + (wide ? 2 : 1)
    }
}
