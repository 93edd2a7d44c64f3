import CEditLine
import CSignals
import KitchenSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum LineInput: Equatable {
    case line(String)
    case interrupted
    case endOfFile
}

/// Interactive line input over libedit's native API (el_gets). Use only when stdin is a TTY.
///
/// Ctrl-C relies on `kitchen_sigint_install()` having been called: its handler has no
/// SA_RESTART, so libedit's blocking read() fails with EINTR and el_gets returns at once.
final class LineEditor {
    typealias Completer = (_ lineBeforeCursor: String, _ word: String) -> [String]

    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private let historyFile: String?
    private let completer: Completer
    /// libedit asks for the prompt through a C callback on every redraw; it must stay valid
    /// until the next readLine, so we own the C copy.
    private var promptCString: UnsafeMutablePointer<CChar>?

    init(programName: String, historyFile: String?, completer: @escaping Completer) {
        // libedit decodes input with the C locale functions; without this, anything
        // non-ASCII is mangled. Fall back to C.UTF-8 when the environment names no locale.
        let locale = setlocale(LC_CTYPE, "").map { String(cString: $0) }
        if locale == nil || locale == "C" || locale == "POSIX" {
            _ = setlocale(LC_CTYPE, "C.UTF-8")
        }

        self.historyFile = historyFile
        self.completer = completer
        history = history_init()
        kitchen_history_setsize(history, 1000)
        kitchen_history_setunique(history, 1)
        if let historyFile {
            kitchen_history_load(history, historyFile)  // a missing file just means no history yet
        }

        editLine = kitchen_el_init(programName)
        kitchen_el_set_clientdata(editLine, Unmanaged.passUnretained(self).toOpaque())
        kitchen_el_set_editor(editLine, "emacs")
        kitchen_el_set_signal(editLine, 0)  // keep our SIGINT handler; see NOTES.md
        kitchen_el_set_history(editLine, history)
        kitchen_el_set_prompt(editLine) { el in
            guard let el, let data = kitchen_el_get_clientdata(el) else { return nil }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().promptCString
        }
        kitchen_el_addfn(editLine, "kitchen-complete", "Complete the word before the cursor") { el, _ in
            guard let el, let data = kitchen_el_get_clientdata(el) else { return UInt8(CC_ERROR) }
            return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().complete(el)
        }
        kitchen_el_bind(editLine, "^I", "kitchen-complete")
        // Bound explicitly: in libedit's emacs map ^R is redisplay by default.
        kitchen_el_bind(editLine, "^R", "em-inc-search-prev")
        // Let users override keys in ~/.editrc (or $EDITRC), after our defaults.
        el_source(editLine, nil)
        // libedit re-reads the width when a prompt starts; a resize while the learner types is
        // passed to it from Kitchen's own SIGWINCH handler (libedit's signal handling is off).
        kitchen_sigwinch_install()
    }

    deinit {
        el_end(editLine)  // also restores the terminal mode
        history_end(history)
        free(promptCString)
    }

    func readLine(prompt: String) -> LineInput {
        free(promptCString)
        promptCString = strdup(prompt)
        _ = kitchen_sigint_take()  // a Ctrl-C pressed before the prompt appeared is stale

        kitchen_sigwinch_set_callback({ editLine in
            if let editLine { el_resize(OpaquePointer(editLine)) }
        }, UnsafeMutableRawPointer(editLine))
        defer { kitchen_sigwinch_set_callback(nil, nil) }

        var count: Int32 = 0
        guard let raw = el_gets(editLine, &count) else {
            // The flag, not count, tells a Ctrl-C apart: a plain read() gets EINTR
            // (count -1), but inside Ctrl-R search libedit turns the failed read into
            // end-of-file (count 0). Otherwise this is Ctrl-D on an empty line or end of
            // input. Either way el_gets has already restored the terminal's cooked mode.
            if kitchen_sigint_take() != 0 {
                // Kernel echo is off while editing, so show the keypress ourselves.
                fputs("^C\n", kitchen_stdout())
                fflush(kitchen_stdout())
                return .interrupted
            }
            return .endOfFile
        }
        var line = String(cString: raw)
        if line.hasSuffix("\n") { line.removeLast() }
        return .line(line)
    }

    /// Adds one entry (a multi-line statement stays one entry) and saves at once, so a
    /// killed session loses nothing.
    func addToHistory(_ entry: String) {
        // Trailing blanks (e.g. the space completion adds) would defeat duplicate removal.
        var entry = Substring(entry)
        while entry.last?.isWhitespace == true { entry.removeLast() }
        guard !entry.isEmpty else { return }
        kitchen_history_enter(history, String(entry))
        saveHistory()
    }

    func saveHistory() {
        guard let historyFile else { return }
        // H_SAVE truncates then writes: write a sibling file and rename it over the old
        // one so a crash mid-write cannot leave a half-written history.
        let temporary = historyFile + ".tmp"
        if kitchen_history_save(history, temporary) >= 0 {
            rename(temporary, historyFile)
        }
    }

    // MARK: Completion

    private func complete(_ el: OpaquePointer) -> UInt8 {
        let info = el_line(el).pointee
        let length = info.cursor - info.buffer
        let before = info.buffer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
        let word = Self.wordBeforeCursor(before)
        let candidates = Array(Set(completer(before, word))).sorted()

        switch candidates.count {
        case 0:
            return UInt8(CC_REFRESH_BEEP)
        case 1:
            replaceWord(word, with: candidates[0] + " ", in: el)
            return UInt8(CC_REFRESH)
        default:
            let prefix = Self.commonPrefix(candidates)
            if prefix.count > word.count {
                replaceWord(word, with: prefix, in: el)
                return UInt8(CC_REFRESH)
            }
            printColumns(candidates)
            return UInt8(CC_REDISPLAY)  // redraws prompt and line below the list
        }
    }

    /// Replacing rather than appending lets the completer fix case ("sel" -> "SELECT").
    private func replaceWord(_ word: String, with text: String, in el: OpaquePointer) {
        // libedit counts characters (wide chars), which are Unicode scalars here.
        el_deletestr(el, Int32(word.unicodeScalars.count))
        el_insertstr(el, text)
    }

    /// Letters, digits and `_`; a `.` counts too when it starts the word at the start of
    /// a token, so `.tab` completes as a dot-command while `t.na` completes `na`.
    static func wordBeforeCursor(_ text: String) -> String {
        var start = text.endIndex
        while start > text.startIndex {
            let previous = text.index(before: start)
            let c = text[previous]
            guard c.isLetter || c.isNumber || c == "_" else { break }
            start = previous
        }
        if start > text.startIndex {
            let dot = text.index(before: start)
            if text[dot] == ".", dot == text.startIndex || text[text.index(before: dot)].isWhitespace {
                start = dot
            }
        }
        return String(text[start...])
    }

    static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first else { return "" }
        for word in words.dropFirst() {
            prefix = String(zip(prefix, word).prefix { $0 == $1 }.map(\.0))
        }
        return prefix
    }

    private func printColumns(_ words: [String]) {
        let width = (words.map(\.count).max() ?? 0) + 2
        let columns = max(1, (Terminal.terminalColumns() ?? 80) / width)
        let rows = (words.count + columns - 1) / columns
        var out = "\n"
        for row in 0..<rows {
            var line = ""
            for column in 0..<columns {
                let index = column * rows + row  // column-major, like ls
                guard index < words.count else { continue }
                let word = words[index]
                line += index + rows < words.count ? word.padded(to: width) : word
            }
            out += line + "\n"
        }
        fputs(out, kitchen_stdout())
    }
}
