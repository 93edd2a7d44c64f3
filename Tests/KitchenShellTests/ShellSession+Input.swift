import Testing
import KitchenSQL
@testable import KitchenShell

@Suite("ShellSession: lines, statements and continuation")
struct ShellSessionInputTests {
    @Test("a statement continues over several lines until ;")
    func multiLineStatement() throws {
        let shell = try ShellHarness(setup: menuSetup)
        #expect(shell.session.feed(line: "SELECT name") == .needsMore)
        #expect(shell.session.isContinuing)
        #expect(shell.session.feed(line: "  FROM menu") == .needsMore)
        #expect(shell.output.text.isEmpty)
        #expect(shell.session.feed(line: "  WHERE id = 1;") == .ready)
        #expect(!shell.session.isContinuing)
        #expect(shell.output.text == "soup\n")
    }

    @Test("a ; inside a string does not end the statement")
    func semicolonInString() throws {
        let shell = try ShellHarness()
        #expect(shell.session.feed(line: "SELECT 'a;") == .needsMore)
        #expect(shell.session.feed(line: "b';") == .ready)
        #expect(shell.output.text == "a;\nb\n")
    }

    @Test("several statements on one line run in order")
    func severalStatementsOnALine() throws {
        let shell = try ShellHarness()
        #expect(shell.session.feed(line: "CREATE TABLE t(a); INSERT INTO t VALUES (1), (2); SELECT sum(a) FROM t; SELECT 'done';") == .ready)
        #expect(shell.output.text == "3\ndone\n")
    }

    @Test("a statement that ends mid-line leaves the rest open")
    func statementThenHalf() throws {
        let shell = try ShellHarness()
        #expect(shell.session.feed(line: "SELECT 1; SELECT") == .needsMore)
        #expect(shell.output.text == "")
        #expect(shell.session.feed(line: "2;") == .ready)
        #expect(shell.output.text == "1\n2\n")
    }

    @Test("empty lines and comment lines do nothing")
    func blankAndComments() throws {
        let shell = try ShellHarness()
        #expect(shell.session.feed(line: "") == .ready)
        #expect(shell.session.feed(line: "   ") == .ready)
        #expect(shell.session.feed(line: "-- just a note") == .ready)
        #expect(!shell.session.isContinuing)
        #expect(shell.output.text.isEmpty && shell.errors.text.isEmpty)
    }

    @Test("cancelPending drops a half-typed statement")
    func cancel() throws {
        let shell = try ShellHarness()
        #expect(shell.session.feed(line: "SELECT 'oops") == .needsMore)
        shell.session.cancelPending()
        #expect(!shell.session.isContinuing)
        #expect(shell.session.feed(line: "SELECT 2;") == .ready)
        #expect(shell.output.text == "2\n")
    }

    @Test("at end of input a last statement without ; still runs")
    func finishInputRunsLastStatement() throws {
        let shell = try ShellHarness()
        #expect(shell.session.feed(line: "SELECT 7") == .needsMore)
        shell.session.finishInput()
        #expect(shell.output.text == "7\n")
        #expect(shell.session.failureCount == 0)
    }

    @Test("at end of input an unclosed quote is an error")
    func finishInputWithOpenQuote() throws {
        let shell = try ShellHarness()
        _ = shell.session.feed(line: "SELECT 'never closed")
        shell.session.finishInput()
        #expect(shell.session.failureCount == 1)
        #expect(shell.errors.text.contains("Error"))
    }

    @Test(".quit and .exit end the session")
    func quit() throws {
        let shell = try ShellHarness()
        #expect(shell.session.feed(line: ".quit") == .quit)
        #expect(shell.session.feed(line: ".exit") == .quit)
    }

    @Test("statement observers see each statement with its outcome")
    func observers() throws {
        let shell = try ShellHarness(setup: menuSetup)
        var seen: [ExecutedStatement] = []
        shell.session.statementObservers.append { seen.append($0) }
        shell.type("SELECT * FROM menu; DELETE FROM menu WHERE id = 1; SELECT nope FROM menu;")
        #expect(seen.map(\.sql) == ["SELECT * FROM menu;", "DELETE FROM menu WHERE id = 1;"])
        #expect(seen.map(\.rowCount) == [3, 0])
        #expect(seen.map(\.isReadOnly) == [true, false])
    }
}
