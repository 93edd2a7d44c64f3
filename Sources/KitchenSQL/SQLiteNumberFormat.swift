import CSQLite

/// Formats REAL values exactly as SQLite converts them to text (`%!.15g`),
/// so Kitchen prints the same digits as the sqlite3 shell.
public enum SQLiteNumberFormat {
    public static func format(_ value: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let text = buffer.withUnsafeMutableBufferPointer { pointer -> String in
            withVaList([value]) { arguments in
                _ = sqlite3_vsnprintf(Int32(pointer.count), pointer.baseAddress, "%!.15g", arguments)
            }
            return String(cString: pointer.baseAddress!)
        }
        return text
    }
}
