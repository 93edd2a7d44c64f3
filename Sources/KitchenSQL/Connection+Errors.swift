import CSQLite

/// Turning SQLite's error state into a `DatabaseError` that explains itself.
extension Connection {
    func makeError(_ status: Int32, sql: String? = nil, statementStart: Int? = nil, input: [UInt8]? = nil) -> DatabaseError {
        let extended = sqlite3_extended_errcode(handle)
        var message = String(cString: sqlite3_errmsg(handle))
        let rawOffset = Int(sqlite3_error_offset(handle))
        var offset: Int? = rawOffset >= 0 ? rawOffset : nil
        var sqlText = sql
        // Offsets count from the start of the text passed to prepare; keep them relative
        // to the statement itself, and remember where the statement sits in the input.
        if let statementStart, let input, let found = offset {
            let leading = Self.leadingWhitespace(input, from: statementStart, to: input.count)
            let statementEnd = Self.statementEnd(input, from: statementStart)
            sqlText = Self.text(input, from: statementStart + leading, to: statementEnd)
            offset = max(0, found - leading)
        } else if let statementStart, let input {
            let leading = Self.leadingWhitespace(input, from: statementStart, to: input.count)
            sqlText = Self.text(input, from: statementStart + leading, to: Self.statementEnd(input, from: statementStart))
        }
        var reason: DatabaseError.SandboxReason?
        let code = extended & 0xFF
        if code == SQLITE_AUTH || message.hasPrefix("not authorized"), let found = sandbox.lastRefusal {
            var refusal = found
            // VACUUM INTO writes its copy through an internal ATTACH; name what the learner typed.
            if refusal.what == "ATTACH", (sqlText ?? "").uppercased().hasPrefix("VACUUM") {
                refusal = ("VACUUM INTO", "it would write a copy of the database to a file outside the sandbox")
            }
            reason = .refused(what: refusal.what, why: refusal.why)
            message = "\(refusal.what) is not allowed here: \(refusal.why)"
            offset = nil
            sandbox.lastRefusal = nil
        } else if code == SQLITE_INTERRUPT {
            if sandbox.stoppedForTime {
                reason = .timeLimit(seconds: sandbox.policy.timeLimit)
                message = "stopped after \(Self.describe(seconds: sandbox.policy.timeLimit)): the statement ran longer than the time limit"
            } else {
                reason = .interrupted
                message = "interrupted"
            }
        } else if code == SQLITE_NOMEM {
            reason = .memoryLimit(bytes: sandbox.policy.heapLimitBytes)
            message = "out of memory: the statement needed more than the sandbox's \(sandbox.policy.heapLimitBytes / 1_048_576) MB"
        }
        var error = DatabaseError(extendedCode: extended == 0 ? status : extended, message: message, sql: sqlText, offset: offset, sandboxReason: reason)
        if let statementStart, let input {
            error.inputOffset = statementStart + Self.leadingWhitespace(input, from: statementStart, to: input.count)
        }
        return error
    }

    static func describe(seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }

    // MARK: Text helpers

    static func text(_ bytes: [UInt8], from start: Int, to end: Int) -> String {
        guard start < end else { return "" }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    static func leadingWhitespace(_ bytes: [UInt8], from start: Int, to end: Int) -> Int {
        var index = start
        while index < end, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
        return index - start
    }

    /// The end of the statement beginning at `start`, for showing a failed statement alone.
    static func statementEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var end = start
        while end < bytes.count {
            end += 1
            if bytes[end - 1] == UInt8(ascii: ";"), isComplete(text(bytes, from: start, to: end)) { return end }
        }
        return end
    }
}
