/// A route the learner (or a lesson) wrote: a method and path mapped to SQL, with input rules
/// and session requirements. See docs/routes.md.
public struct RouteDefinition: Sendable, Equatable {
    public var method: String
    public var path: PathPattern
    public var rules: [FieldRule] = []
    /// The statement to run, with `:name` parameters (or `{name}` splices when `unsafe`).
    public var sql: String?
    public var requiresAuth = false
    /// A query returning the owner's user id of the resource.
    public var ownerSQL: String?
    /// A query returning the user's id when the credentials are right.
    public var loginSQL: String?
    public var isLogout = false
    /// Marked unsafe: `{name}` splices raw input into the SQL (the injection lesson).
    public var isUnsafe = false
    /// Inputs, secrets, one object, several statements and HTML (RouteOptions.swift).
    public var options = RouteOptions()
    /// `header`, `cache`, `limit` and `cors` lines.
    public var http = RouteHTTPLines()
    /// The definition as written, for `.route` and for saving.
    public var source: String
    /// Where each statement (sql, owner, login) was written, so its mistakes can be pointed at.
    public var statementSources: [StatementSource] = []

    public var key: String { "\(method) \(path)" }
}

/// Where one statement of a definition was written.
public struct StatementSource: Sendable, Equatable {
    public var sql: String
    /// The line as typed, its 1-based number within the definition text, and the 1-based column
    /// at which the SQL starts.
    public var text: String
    public var line: Int
    public var column: Int
}

/// One input's rule: `required table_no integer 1..12`.
public struct FieldRule: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case integer, number, text, boolean, email, date
    }

    public var name: String
    public var required: Bool
    public var kind: Kind
    public var minimum: Double?
    public var maximum: Double?
    public var minimumLength: Int?
    public var maximumLength: Int?
    public var pattern: String?
    public var choices: [String]?
}

/// A mistake in a route definition, with where it is.
public struct RouteSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String
    /// The offending line, for showing a caret under the column.
    public var text: String

    public var description: String { "line \(line), column \(column): \(message)" }
}
