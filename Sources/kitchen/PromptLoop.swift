import CSignals
import KitchenLessons
import KitchenShell
import KitchenSQL
import KitchenSupport
#if canImport(Glibc)
import Glibc
#endif

/// Reads lines from the terminal (libedit) or from a pipe and feeds them to a `ShellSession`.
struct PromptLoop {
    let connection: Connection
    let home: KitchenHome

    /// Runs until `.quit` or end of input; returns true when something failed (batch exit code).
    func run(banner: String, prepare: (ShellSession) -> Void = { _ in }) -> Bool {
        let interactive = isatty(0) != 0 && isatty(1) != 0
        let color = interactive && getenv("NO_COLOR") == nil && (getenv("TERM").map { String(cString: $0) } ?? "") != "dumb"
        var settings: ShellSettings = interactive ? .terminal(width: Terminal.terminalColumns(), color: color) : .batch
        settings.unicode = Terminal.isUTF8Locale()
        // At a terminal, text is broken at spaces to the width of the moment (Terminal.swift).
        let output: any OutputSink = interactive ? WordWrappingOutput(FileDescriptorOutput(descriptor: 1), width: Terminal.terminalColumns) : FileDescriptorOutput(descriptor: 1)
        let errors: any OutputSink = interactive ? WordWrappingOutput(FileDescriptorOutput(descriptor: 2), width: Terminal.terminalColumns) : FileDescriptorOutput(descriptor: 2)
        let session = ShellSession(connection: connection, settings: settings, output: output, errors: errors)
        // Ctrl-C stops the running statement through SQLite's own interrupt.
        kitchen_sigint_install()
        kitchen_sigint_set_callback(InterruptHandle.cFunction, connection.interruptHandle.database)
        defer { kitchen_sigint_set_callback(nil, nil) }
        session.connectionDidChange = { connection in
            kitchen_sigint_set_callback(InterruptHandle.cFunction, connection.interruptHandle.database)
        }

        if interactive {
            session.output.writeLine("Kitchen — \(banner)")
            session.output.writeLine("Type SQL ending with ;   .help for commands   Ctrl-D to leave")
            prepare(session)
            runInteractive(session)
        } else {
            prepare(session)
            while let line = readLine(strippingNewline: true) {
                if session.feed(line: line) == .quit { return session.failureCount > 0 }
            }
            session.finishInput()
        }
        return session.failureCount > 0
    }

    private func runInteractive(_ session: ShellSession) {
        let editor = LineEditor(programName: "kitchen", historyFile: home.historyFile) { before, word in
            session.completions(lineBeforeCursor: before, word: word)
        }
        var entry = ""
        while true {
            let label = session.promptLabel
            let prompt = session.isContinuing ? String(repeating: " ", count: max(0, label.count - 3)) + "...> " : label + "> "
            switch editor.readLine(prompt: prompt) {
            case .endOfFile:
                session.output.writeLine()
                return
            case .interrupted:
                session.cancelPending()
                entry = ""
                _ = kitchen_sigint_take()
                continue
            case .line(let line):
                _ = kitchen_sigint_take()
                // The window may have been resized since the last output.
                session.settings.terminalWidth = Terminal.terminalColumns()
                entry += entry.isEmpty ? line : "\n" + line
                let result = session.feed(line: line)
                if !session.isContinuing {
                    if !entry.trimmed.isEmpty { editor.addToHistory(entry) }
                    entry = ""
                }
                if result == .quit { return }
            }
        }
    }
}
