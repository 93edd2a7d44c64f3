#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum Terminal {
    static func isTerminal(_ fd: Int32) -> Bool {
        isatty(fd) == 1
    }

    /// Width of the terminal on stdout, or nil when stdout is not a terminal. Read afresh on every
    /// call (one ioctl), so output after a resize fits the new width.
    static func terminalColumns() -> Int? {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// True when the environment names a UTF-8 locale (LC_ALL, else LC_CTYPE, else LANG), so
    /// box-drawing characters can be shown; otherwise drawings use ASCII.
    static func isUTF8Locale(environment: (String) -> String? = { getenv($0).map { String(cString: $0) } }) -> Bool {
        for name in ["LC_ALL", "LC_CTYPE", "LANG"] {
            guard let value = environment(name), !value.isEmpty else { continue }
            let lower = value.lowercased()
            return lower.contains("utf-8") || lower.contains("utf8")
        }
        return false
    }
}
