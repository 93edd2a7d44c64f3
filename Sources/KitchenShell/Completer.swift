import KitchenSQL
import KitchenSupport
#if canImport(Glibc)
import Glibc
#endif

/// Tab completion from the same command table and the live schema.
extension ShellSession {
    /// Candidates for `word`, the word being typed at the end of `lineBeforeCursor`.
    public func completions(lineBeforeCursor: String, word: String) -> [String] {
        let trimmed = lineBeforeCursor.trimmingSpaces()
        if !isContinuing && trimmed.hasPrefix(".") {
            return commandCompletions(line: lineBeforeCursor, word: word)
        }
        return sqlCompletions(word: word)
    }

    private func commandCompletions(line: String, word: String) -> [String] {
        let words = CommandLineWords.split(String(line.drop(while: { $0 == " " }).dropFirst()))
        let typingName = words.isEmpty || (words.count == 1 && !line.hasSuffix(" "))
        if typingName {
            let prefix = word.hasPrefix(".") ? String(word.dropFirst()) : word
            return commands.allNames.filter { $0.hasPrefix(prefix.lowercased()) }.map { "." + $0 }
        }
        guard let command = commands.command(named: words[0]) else { return [] }
        let position = words.count - 1 - (line.hasSuffix(" ") ? 0 : 1)
        guard position < command.arguments.count else { return [] }
        switch command.arguments[position].kind {
        case .choice(let values):
            return values.filter { $0.hasPrefix(word.lowercased()) }
        case .table:
            return ((try? connection.schema().tableNames) ?? []).filter { $0.lowercased().hasPrefix(word.lowercased()) }
        case .file:
            return FileNames.completions(for: word)
        case .text:
            return []
        }
    }

    private func sqlCompletions(word: String) -> [String] {
        guard !word.isEmpty else { return [] }
        let lower = word.lowercased()
        let schema = try? connection.schema()
        let names = (schema?.tableNames ?? []) + (schema?.allColumnNames ?? [])
        var results = names.filter { $0.lowercased().hasPrefix(lower) }
        // Keywords complete in capitals, the convention the lessons use ("sel" becomes "SELECT").
        results += SQLKeywords.all.filter { $0.lowercased().hasPrefix(lower) }
        var seen = Set<String>()
        return results.filter { seen.insert($0).inserted }
    }
}

enum FileNames {
    static func completions(for word: String) -> [String] {
        let slash = word.lastIndex(of: "/")
        let directory = slash.map { String(word[...$0]) } ?? ""
        let prefix = slash.map { String(word[word.index(after: $0)...]) } ?? word
        return DirectoryListing.entries(in: directory.isEmpty ? "." : directory)
            .filter { $0.name.hasPrefix(prefix) && (!$0.name.hasPrefix(".") || prefix.hasPrefix(".")) }
            .map { directory + $0.name + ($0.isDirectory ? "/" : "") }
    }
}

/// SQLite's keywords and common functions, for completion.
enum SQLKeywords {
    static let all: [String] = [
        "ABORT", "ACTION", "ADD", "AFTER", "ALL", "ALTER", "ALWAYS", "ANALYZE", "AND", "AS", "ASC", "AUTOINCREMENT",
        "BEFORE", "BEGIN", "BETWEEN", "BY", "CASCADE", "CASE", "CAST", "CHECK", "COLLATE", "COLUMN", "COMMIT",
        "CONFLICT", "CONSTRAINT", "CREATE", "CROSS", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "DEFAULT",
        "DEFERRABLE", "DEFERRED", "DELETE", "DESC", "DISTINCT", "DO", "DROP", "ELSE", "END", "ESCAPE", "EXCEPT",
        "EXISTS", "EXPLAIN", "FILTER", "FOREIGN", "FROM", "FULL", "GLOB", "GROUP", "HAVING", "IF", "IGNORE",
        "IMMEDIATE", "IN", "INDEX", "INNER", "INSERT", "INSTEAD", "INTEGER", "INTERSECT", "INTO", "IS", "ISNULL", "JOIN",
        "KEY", "LEFT", "LIKE", "LIMIT", "MATERIALIZED", "NATURAL", "NOT", "NOTHING", "NOTNULL", "NULL", "NULLS",
        "OFFSET", "ON", "OR", "ORDER", "OUTER", "OVER", "PARTITION", "PLAN", "PRAGMA", "PRIMARY", "QUERY",
        "RECURSIVE", "REFERENCES", "REINDEX", "RELEASE", "RENAME", "REPLACE", "RESTRICT", "RETURNING", "RIGHT",
        "ROLLBACK", "ROW", "ROWS", "SAVEPOINT", "SELECT", "SET", "STRICT", "TABLE", "TEMP", "TEXT", "THEN", "TO",
        "TRANSACTION", "TRIGGER", "UNION", "UNIQUE", "UPDATE", "USING", "VACUUM", "VALUES", "VIEW", "WHEN", "WHERE",
        "WINDOW", "WITH", "WITHOUT", "REAL", "BLOB", "NUMERIC",
        "AVG", "COUNT", "MAX", "MIN", "SUM", "TOTAL", "GROUP_CONCAT", "ABS", "COALESCE", "IFNULL", "LENGTH", "LOWER",
        "UPPER", "ROUND", "SUBSTR", "TRIM", "TYPEOF", "DATE", "TIME", "DATETIME", "STRFTIME", "PRINTF", "NULLIF",
        "INSTR", "RANDOM", "JULIANDAY",
    ]
}
