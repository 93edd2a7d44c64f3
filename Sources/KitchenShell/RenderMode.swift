/// How query results are drawn, as in the sqlite3 shell's `.mode`.
public enum RenderMode: String, Sendable, CaseIterable {
    case box, table, csv, json, line, list
}

/// Everything that changes how the shell looks, set by dot-commands and by the terminal.
public struct ShellSettings: Sendable, Equatable {
    public var mode: RenderMode
    public var headers: Bool
    public var timer: Bool
    public var showQueryPlan: Bool
    /// ANSI colours (off when not a terminal or when NO_COLOR is set).
    public var color: Bool
    /// Interactive sessions show footers and cut long output; batch sessions are plain.
    public var interactive: Bool
    /// Cut wide tables to this many columns; nil for no limit.
    public var terminalWidth: Int?
    /// Stop showing rows past this many; nil for no limit.
    public var rowLimit: Int?
    /// Box-drawing characters may be used (a UTF-8 locale); ASCII otherwise (`.schema --diagram`).
    public var unicode = true

    public init(mode: RenderMode, headers: Bool, timer: Bool = false, showQueryPlan: Bool = false, color: Bool, interactive: Bool, terminalWidth: Int?, rowLimit: Int?) {
        self.mode = mode
        self.headers = headers
        self.timer = timer
        self.showQueryPlan = showQueryPlan
        self.color = color
        self.interactive = interactive
        self.terminalWidth = terminalWidth
        self.rowLimit = rowLimit
    }

    /// At a terminal: boxes, colours, a footer, output cut to fit.
    public static func terminal(width: Int?, color: Bool) -> ShellSettings {
        ShellSettings(mode: .box, headers: true, color: color, interactive: true, terminalWidth: width, rowLimit: 1000)
    }

    /// Reading a script or a pipe: plain text like `sqlite3` in batch mode.
    public static let batch = ShellSettings(mode: .list, headers: false, color: false, interactive: false, terminalWidth: nil, rowLimit: nil)
}
