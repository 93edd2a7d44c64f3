import KitchenSQL

/// Draws the rows of one statement in one `RenderMode`. Formatters stream: they are handed
/// each row while the statement steps, so memory stays bounded however many rows there are.
protocol ResultFormatter {
    mutating func begin(columns: [String], writer: inout ByteWriter)
    mutating func row(from statement: Statement, writer: inout ByteWriter)
    /// Finishes the output; returns notices for the learner (values cut, columns hidden).
    mutating func end(writer: inout ByteWriter) -> [String]
}

enum FormatterFactory {
    static func make(for settings: ShellSettings) -> any ResultFormatter {
        let style = Style(enabled: settings.color)
        switch settings.mode {
        case .box: return GridFormatter(characters: .box, style: style, width: settings.terminalWidth, interactive: settings.interactive)
        case .table: return GridFormatter(characters: .ascii, style: style, width: settings.terminalWidth, interactive: settings.interactive)
        case .csv: return DelimitedFormatter(kind: .csv, headers: settings.headers)
        case .list: return DelimitedFormatter(kind: .list, headers: settings.headers)
        case .json: return JSONFormatter()
        case .line: return LineFormatter()
        }
    }
}

extension UInt8 {
    static let comma = UInt8(ascii: ",")
    static let quote = UInt8(ascii: "\"")
    static let newline = UInt8(ascii: "\n")
    static let pipe = UInt8(ascii: "|")
}
