import KitchenSQL

/// Reporting failures: SQL errors with their caret and advice, other failures in one line, and
/// the count batch mode exits by.
extension ShellSession {
    /// Shows a SQL error with a caret under the offending token and advice for beginners.
    public func report(_ error: DatabaseError, input: String, startLine: Int) {
        failureCount += 1
        let schema = try? connection.schema()
        let lines = ErrorReport.lines(for: error, input: input, startLine: startLine, interactive: settings.interactive,
                                      numberWithinStatement: settings.interactive && readDepth == 0,
                                      width: settings.interactive ? settings.terminalWidth : nil, advice: ErrorExplainer.explain(error, schema: schema), style: style)
        for line in lines { errors.writeLine(line) }
        for advisor in errorAdvisors { if let advice = advisor(input) { errors.writeLine(style.yellow(advice)) } }
        errors.flush()
    }

    /// Reports a failure that is not a SQL error (a bad command, an unreadable file).
    public func reportFailure(_ message: String) {
        failureCount += 1
        errors.writeLine(style.boldRed("Error:") + " " + message)
        errors.flush()
    }

    /// Counts a failure reported elsewhere (a failed check), for batch exit codes.
    public func recordFailure() {
        failureCount += 1
    }
}
