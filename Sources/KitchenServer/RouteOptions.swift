/// What a route block may say beyond inputs, SQL and sessions (docs/routes.md): the demonstration
/// of mass assignment (`bind-undeclared`), secrets, one object, several statements, HTML.
public struct RouteOptions: Sendable, Equatable {
    /// `bind-undeclared`: every field of the request binds to the parameter of the same name,
    /// declared or not — the mass-assignment bug, kept only to be demonstrated (RouteInputs.swift).
    public var bindsUndeclared = false
    /// `secret NAME`: `:NAME` binds the server's secret of that name (RouteSecrets.swift).
    public var secrets: [String] = []
    /// `one`: a GET whose path does not end in a parameter answers one object (404 with no row).
    public var answersOne = false
    /// Every `sql` and `respond` statement in the order written (RouteStatements.swift).
    public var statements: [String] = []
    /// Which of `statements` answers the request (its `respond` line).
    public var responseIndex: Int?
    /// `html` lines: an inline Mustache template, one line each (RouteHTML.swift).
    public var htmlLines: [String] = []
    /// Where each `html` line was written, so a template mistake can be pointed at.
    var htmlSources: [StatementSource] = []

    public init() {}

    /// More than one statement: they run in one transaction, all or nothing.
    public var runsSeveralStatements: Bool { statements.count > 1 }
    public var answersHTML: Bool { !htmlLines.isEmpty }
    public var template: String { htmlLines.joined(separator: "\n") }
}

/// Parsing of the lines `RouteOptions` holds; `RouteParser` hands each such line here.
enum RouteOptionLines {
    static let keywords: Set<String> = ["sql", "respond", "bind-undeclared", "secret", "one", "html"]

    /// One block line whose first word is in `keywords`; `rest` is the line after that word.
    static func parse(_ keyword: String, rest: String, words: [(text: String, column: Int)], line: String, number: Int,
                      into definition: inout RouteDefinition) throws {
        let first = words[0]
        switch keyword {
        case "sql", "respond":
            guard !rest.isEmpty else {
                throw RouteParser.error(number, line, column: first.column + keyword.count + 1, "the statement after \(keyword) is missing")
            }
            if keyword == "respond" {
                guard definition.options.responseIndex == nil else {
                    throw RouteParser.error(number, line, column: first.column, "a route has one respond line; this is a second one")
                }
                definition.options.responseIndex = definition.options.statements.count
            }
            definition.options.statements.append(rest)
            if definition.sql == nil || keyword == "respond" { definition.sql = rest }
            definition.statementSources.append(RouteParser.source(of: rest, in: line, number: number))
        case "bind-undeclared":
            guard words.count == 1 else { throw RouteParser.error(number, line, column: words[1].column, "bind-undeclared takes nothing after it") }
            definition.options.bindsUndeclared = true
        case "secret":
            guard words.count == 2, RouteInputs.isName(words[1].text) else {
                throw RouteParser.error(number, line, column: words.count > 1 ? words[1].column : line.count + 1,
                                        "secret takes one name (letters, digits and _), such as secret partner_key")
            }
            guard !definition.options.secrets.contains(words[1].text) else {
                throw RouteParser.error(number, line, column: words[1].column, "the secret \(words[1].text) is already declared")
            }
            definition.options.secrets.append(words[1].text)
        case "one":
            guard words.count == 1 else { throw RouteParser.error(number, line, column: words[1].column, "one takes nothing after it") }
            guard definition.method == "GET" else {
                throw RouteParser.error(number, line, column: first.column, "one applies to GET routes; \(definition.method) already answers one object")
            }
            definition.options.answersOne = true
        case "html":
            guard definition.method == "GET" else {
                throw RouteParser.error(number, line, column: first.column, "html applies to GET routes (a page the browser asks for)")
            }
            definition.options.htmlLines.append(rest)
            definition.options.htmlSources.append(RouteParser.source(of: rest, in: line, number: number))
        default:
            break
        }
    }

    /// Checks made once the block is complete.
    static func finish(_ definition: inout RouteDefinition, line number: Int) throws {
        let options = definition.options
        if options.runsSeveralStatements {
            guard let index = options.responseIndex else {
                throw RouteParser.error(number, "end", column: 1,
                                        "the route \(definition.key) runs \(options.statements.count) statements: write the one whose result is the response as respond … instead of sql")
            }
            definition.sql = options.statements[index]
            if definition.isUnsafe {
                throw RouteParser.error(number, "end", column: 1, "an unsafe route runs one statement")
            }
            if definition.loginSQL != nil || definition.isLogout {
                throw RouteParser.error(number, "end", column: 1, "a login or logout route runs no statements of its own beyond login")
            }
        }
        if options.answersHTML {
            do {
                try RouteHTML.validate(options.template)
            } catch let problem as RouteHTML.Problem {
                // The template's line N is the route's Nth html line.
                if let position = problem.position, position.line - 1 < options.htmlSources.count {
                    let source = options.htmlSources[position.line - 1]
                    throw RouteParser.error(source.line - 1, source.text, column: source.column + position.column - 1,
                                            "the html template of \(definition.key): \(problem.message)")
                }
                let source = options.htmlSources.first
                throw RouteParser.error((source?.line ?? number + 1) - 1, source?.text ?? "end", column: source?.column ?? 1,
                                        "the html template of \(definition.key): \(problem.message)")
            }
        }
    }
}
