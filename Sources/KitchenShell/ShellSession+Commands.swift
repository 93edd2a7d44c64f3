import KitchenSQL

/// Dot-commands and `.read` scripts.
extension ShellSession {
    func runCommand(_ line: String) -> DotCommand.Outcome {
        var words = CommandLineWords.split(String(line.dropFirst()))
        guard !words.isEmpty else {
            reportFailure("a dot-command needs a name; .help lists them")
            return .done
        }
        let name = words.removeFirst()
        guard let command = commands.command(named: name) else {
            let suggestion = Suggestions.nearest(to: name, among: commands.allNames).map { " Did you mean .\($0)?" } ?? ""
            reportFailure("unknown command .\(name).\(suggestion) .help lists them all.")
            return .done
        }
        do {
            let arguments = try command.validate(words)
            let outcome = try command.run(self, arguments)
            output.flush()
            return outcome
        } catch let error as CommandError {
            reportFailure(".\(command.name): \(error.message)")
        } catch let error as DatabaseError {
            report(error, input: error.sql ?? "", startLine: lineNumber)
        } catch {
            reportFailure(".\(command.name): \(error)")
        }
        return .done
    }

    /// Runs the lines of a script, as `.read` does.
    public func runScript(_ text: String) -> DotCommand.Outcome {
        readDepth += 1
        defer { readDepth -= 1 }
        guard readDepth <= 8 else {
            reportFailure(".read is nested too deeply (a file that reads itself?)")
            return .done
        }
        let savedLine = lineNumber
        lineNumber = 0
        defer { lineNumber = savedLine }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if feed(line: String(line)) == .quit { return .quit }
        }
        finishInput()
        return .done
    }
}
