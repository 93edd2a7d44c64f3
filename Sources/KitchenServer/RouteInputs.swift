/// Which values of a request may bind to a route's SQL parameters (docs/routes.md, "Inputs").
///
/// The rule: a parameter binds a path parameter, a declared input (`required`/`optional`), a
/// declared `secret`, or, on an `auth` route, `:current_user_id` — nothing else. A field the
/// client adds on its own (`"role": "admin"`) binds nothing, so it cannot reach a column the
/// author never meant it to (the "mass assignment" bug). A route whose SQL names a parameter that
/// nothing can bind is refused when it is defined. A one-line route has no room for declarations:
/// every parameter its SQL names (other than a path parameter) is its input, in plain sight.
///
/// `bind-undeclared` brings the old rule back for one block, to be exploited in a lesson: every
/// field of the request binds to the parameter of the same name, and every response says so.
enum RouteInputs {
    /// The reserved parameter of `auth` routes.
    static let currentUser = "current_user_id"

    static func isName(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    /// A parameter as written in a statement: its name without the prefix, and where it starts.
    struct Parameter: Equatable {
        var name: String
        var offset: Int
    }

    /// The named parameters (`:name`, `@name`, `$name`; with `splices`, `{name}` too) and the
    /// offsets of nameless ones (`?`, `?3`), outside strings, quoted identifiers and comments.
    static func parameters(in sql: String, splices: Bool = false) -> (named: [Parameter], positional: [Int]) {
        var named: [Parameter] = []
        var positional: [Int] = []
        for token in SQLWords.scan(sql, splices: splices) {
            switch token {
            case .parameter(let parameter): named.append(parameter)
            case .positional(let offset): positional.append(offset)
            default: break
            }
        }
        return (named, positional)
    }

    /// Every statement of the route, with where it was written when known.
    static func statements(of definition: RouteDefinition) -> [(sql: String, source: StatementSource?)] {
        var sqls = definition.options.statements.isEmpty ? [definition.sql].compactMap { $0 } : definition.options.statements
        sqls += [definition.ownerSQL, definition.loginSQL].compactMap { $0 }
        var sources = definition.statementSources
        return sqls.map { sql in
            let index = sources.firstIndex { $0.sql == sql }
            return (sql, index.map { sources.remove(at: $0) })
        }
    }

    /// A block ends with `end`; a one-line route is the one line.
    static func isBlock(_ definition: RouteDefinition) -> Bool {
        definition.source.hasSuffix("\nend")
    }

    /// What can bind in this route without the request's help, or as a declared input.
    static func bindableNames(_ definition: RouteDefinition) -> Set<String> {
        var names = Set(definition.path.segments.compactMap { segment -> String? in
            if case .parameter(let name) = segment { return name } else { return nil }
        })
        names.formUnion(definition.rules.map(\.name))
        names.formUnion(definition.options.secrets)
        if definition.requiresAuth { names.insert(currentUser) }
        return names
    }

    /// Refuses a parameter that nothing can bind, `:current_user_id` without `auth`, a nameless
    /// `?`, a secret that is also an input, and a secret a statement would send back.
    static func validate(_ definition: RouteDefinition, line: Int, text: String) throws {
        let bindable = bindableNames(definition)
        let block = isBlock(definition)
        let pathNames = definition.path.segments.compactMap { segment -> String? in
            if case .parameter(let name) = segment { return name } else { return nil }
        }
        for secret in definition.options.secrets where definition.rules.contains(where: { $0.name == secret }) || pathNames.contains(secret) {
            throw RouteParser.error(line, text, column: 1, "\(secret) is declared both as a secret and as an input; a secret never comes from the request")
        }
        for (sql, source) in statements(of: definition) {
            let found = parameters(in: sql, splices: definition.isUnsafe)
            func fail(at offset: Int, _ message: String) -> RouteSyntaxError {
                guard let source else { return RouteParser.error(line, text, column: 1, message) }
                return RouteParser.error(source.line - 1, source.text, column: source.column + offset, message)
            }
            if let offset = found.positional.first {
                throw fail(at: offset, "? is a parameter without a name, and nothing can bind it: name it, such as :id")
            }
            for parameter in found.named where !bindable.contains(parameter.name) {
                if parameter.name == currentUser {
                    throw fail(at: parameter.offset, ":current_user_id is the logged-in user's id, bound only on a route with auth: add a line auth (in a block route … end)")
                }
                if block && !definition.options.bindsUndeclared {
                    throw fail(at: parameter.offset,
                               "the SQL names :\(parameter.name), but nothing binds it: declare it (optional \(parameter.name) TYPE, or required), make it part of the path, or remove it. Only declared inputs bind, so a client cannot set what you did not mean it to")
                }
            }
            if let secret = RouteSecrets.returned(in: sql, secrets: definition.options.secrets) {
                throw fail(at: secret.offset, "this statement would send the secret :\(secret.name) back to the client: use a secret to compare or to store, never in what a statement returns")
            }
        }
    }

    /// The values that bind, from everything the request brought (query, body fields, path, the
    /// session's user), by the rule above. Call it after validation, which sees every field.
    static func bindable(_ inputs: [String: JSONValue], for definition: RouteDefinition) -> [String: JSONValue] {
        if !isBlock(definition) || definition.options.bindsUndeclared { return inputs }
        let names = bindableNames(definition)
        return inputs.filter { names.contains($0.key) }
    }
}
