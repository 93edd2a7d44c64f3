import KitchenSupport

/// The learner's routes written out as a small app in a real web framework (Flask or Express),
/// so they can see what their `route` lines look like in the code they will meet at work.
///
/// The export keeps Kitchen's behaviour (docs/routes.md): parameters bound, never spliced; the
/// same validation rules, messages and status codes (201 + Location, 204, 404, 409, 415, 422
/// with every failing field); sessions with bcrypt. A line it cannot translate is never
/// dropped: it is written into the app as a comment saying so.
public enum RouteExport {
    public enum Framework: String, CaseIterable, Sendable {
        case flask, express
    }

    /// The whole app for `routes`, as the text of one source file (app.py or app.js).
    public static func source(of routes: [RouteDefinition], for framework: Framework) -> String {
        let exported = ExportedRoute.make(routes)
        switch framework {
        case .flask: return FlaskExport.app(exported)
        case .express: return ExpressExport.app(exported)
        }
    }

    /// The lines of the route language the export translates; any other line of a block is
    /// carried into the app as a comment (lines added to the language later included).
    static let translatedWords: Set<String> = ["route", "required", "optional", "sql", "auth", "owner", "login", "logout", "end"]

    /// `run(SQL, bind(values, …))` in either language; on an unsafe route, each splice first,
    /// written by `splice` in the app's language, and said out loud in a `comment`.
    static func call(_ sql: String, _ route: ExportedRoute, comment: (String) -> String, splice: (String) -> String) -> String {
        let names = parameterNames(in: sql).map { literal($0) }
        let bound = "bind(values\(names.isEmpty ? "" : ", " + names.joined(separator: ", ")))"
        guard route.definition.isUnsafe else { return "run(\(literal(sql)), \(bound))" }
        // UNSAFE on purpose (Kitchen's `unsafe` route, the injection lesson): raw input pasted into SQL.
        let text = literal(sql) + spliceNames(in: sql).map(splice).joined()
        return "run(\(text), \(bound)) " + comment("UNSAFE: input pasted into the SQL text; never do this")
    }

    /// The lines of `definition` the export does not translate, as written.
    public static func untranslatedLines(of definition: RouteDefinition) -> [String] {
        let lines = definition.source.split(separator: "\n").map(String.init)
        guard lines.count > 1 else { return [] }
        var untranslated: [String] = []
        // The depth of the statement line whose deeper-indented lines continue it.
        var statementDepth: Int?
        for line in lines {
            let depth = RouteParser.indentation(of: line)
            if let statementDepth, depth > statementDepth { continue }
            statementDepth = nil
            let trimmed = line.trimmed
            guard let word = trimmed.split(separator: " ").first?.lowercased() else { continue }
            if RouteParser.continuedWords.contains(word) { statementDepth = depth }
            if !trimmed.hasPrefix("#") && !translatedWords.contains(word) { untranslated.append(trimmed) }
        }
        return untranslated
    }

    /// The named parameters of a statement (`:id`, `@id`, `$id`), in order of first use, outside
    /// string literals, quoted names and comments: those the route binds (RouteInputs).
    public static func parameterNames(in sql: String) -> [String] {
        var names: [String] = []
        for parameter in RouteInputs.parameters(in: sql).named where !names.contains(parameter.name) {
            names.append(parameter.name)
        }
        return names
    }

    /// The `{name}` splices of an unsafe route's statement.
    static func spliceNames(in sql: String) -> [String] {
        var names: [String] = []
        var rest = Substring(sql)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let name = String(rest[rest.index(after: open)..<close])
            if !name.isEmpty, !names.contains(name) { names.append(name) }
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    /// A string literal both Python and JavaScript read back as `text` (JSON's form).
    static func literal(_ text: String) -> String {
        JSONValue.string(text).serialized()
    }
}

/// One route as the exporters need it: the definition with what they derive from it.
struct ExportedRoute {
    var definition: RouteDefinition
    /// A name for the handler function, unique in the app (`get_menu_id`).
    var functionName: String
    /// The path's parameters, in order.
    var pathParameters: [String]
    /// GET on a path ending in a parameter: one object or 404.
    var isItem: Bool
    var hasBody: Bool { ["POST", "PUT", "PATCH"].contains(definition.method) }
    var untranslated: [String]

    static func make(_ routes: [RouteDefinition]) -> [ExportedRoute] {
        var used: Set<String> = []
        return routes.map { definition in
            var words = [definition.method.lowercased()]
            var parameters: [String] = []
            for segment in definition.path.segments {
                switch segment {
                case .literal(let text): words.append(text)
                case .parameter(let name): words.append(name); parameters.append(name)
                }
            }
            if definition.path.segments.isEmpty { words.append("root") }
            var name = words.joined(separator: "_").map { $0.isLetter || $0.isNumber ? $0 : "_" }.reduce(into: "") { $0.append($1) }.lowercased()
            if name.first?.isNumber == true { name = "route_" + name }
            let base = name
            var counter = 2
            while used.contains(name) { name = "\(base)_\(counter)"; counter += 1 }
            used.insert(name)
            let last = definition.path.segments.last.map { if case .parameter = $0 { true } else { false } } ?? false
            return ExportedRoute(definition: definition, functionName: name, pathParameters: parameters,
                                 isItem: definition.method == "GET" && last, untranslated: RouteExport.untranslatedLines(of: definition))
        }
    }

    /// Every statement of the route (owner, login, sql).
    var statements: [String] { [definition.ownerSQL, definition.loginSQL, definition.sql].compactMap { $0 } }

    var usesBcrypt: Bool { statements.contains { $0.lowercased().contains("bcrypt_") } }
}

extension RouteExport {
    /// The routes a lesson's server answers with: the lesson's own (`server.routes`), with the
    /// learner's on top (the learner's replaces the lesson's for the same method and path).
    public static func served(lessonRoutes: [RouteDefinition], learnerRoutes: [RouteDefinition]) -> [RouteDefinition] {
        let mine = Set(learnerRoutes.map(\.key))
        return lessonRoutes.filter { !mine.contains($0.key) } + learnerRoutes
    }
}
