import KitchenShell
import KitchenSQL

/// A mistake in a route's SQL found by preparing it against the database's schema: an unknown
/// table or column, a syntax error. It is reported when the route is defined, with its position.
public struct RouteStatementProblem: Error, Sendable {
    public var route: String
    public var error: DatabaseError
    /// The explanation for the learner: the message, the line with a caret, then advice.
    public var lines: [String]
}

public enum RouteStatementCheck {
    /// The first statement of `definition` that SQLite cannot prepare on `connection`, explained.
    /// Nothing runs: preparing only compiles the statement against the schema.
    public static func problem(in definition: RouteDefinition, on connection: Connection, multiline: Bool = false) -> RouteStatementProblem? {
        let schema = try? connection.schema()
        for source in statementSources(of: definition) {
            // An unsafe route's {name} splices become a number of the same length, so positions hold.
            let sql = definition.isUnsafe ? blankingSplices(source.sql) : source.sql
            do {
                _ = try connection.prepare(sql)
            } catch let error as DatabaseError {
                var shown = error
                shown.sql = source.sql
                let location = SQLErrorExplanation.Source(text: source.text, line: multiline ? source.line : nil, sqlColumn: source.column)
                let heading = "in the route \(definition.key), " + error.message
                return RouteStatementProblem(route: definition.key, error: error,
                                             lines: SQLErrorExplanation.lines(for: shown, schema: schema, heading: heading, source: location))
            } catch {
                continue
            }
        }
        return nil
    }

    /// The statements with where they were written (definitions built in code have no sources).
    static func statementSources(of definition: RouteDefinition) -> [StatementSource] {
        if !definition.statementSources.isEmpty { return definition.statementSources }
        return [definition.sql, definition.ownerSQL, definition.loginSQL].compactMap { $0 }.map {
            StatementSource(sql: $0, text: $0, line: 1, column: 1)
        }
    }

    /// `{name}` → `0     `: same length, valid both as a number and inside quotes.
    static func blankingSplices(_ sql: String) -> String {
        var result = ""
        var splice: String?
        for character in sql {
            if splice != nil {
                splice!.append(character)
                if character == "}" {
                    result += "0" + String(repeating: " ", count: splice!.utf8.count - 1)
                    splice = nil
                }
            } else if character == "{" {
                splice = "{"
            } else {
                result.append(character)
            }
        }
        return result + (splice ?? "")
    }

    /// Why a route's statement failed on a request, for the learner (never for the HTTP client).
    static func explanation(of error: DatabaseError, in definition: RouteDefinition, connection: Connection) -> [String] {
        let schema = try? connection.schema()
        let source = definition.isUnsafe ? nil : statementSources(of: definition).first { $0.sql == error.sql }
            .map { SQLErrorExplanation.Source(text: $0.text, line: nil, sqlColumn: $0.column) }
        var lines = SQLErrorExplanation.lines(for: error, schema: schema, heading: "the route \(definition.key) failed: " + error.message, source: source)
        if definition.isUnsafe && (error.message.contains("syntax error") || error.message.hasPrefix("unrecognized token")) {
            lines.append("This route is unsafe: the request's input was pasted into the SQL, and a quote in it changed the statement. A bound parameter (:name) is always just a value.")
        }
        return lines
    }
}
