/// The routes as an Express app on Node's built-in SQLite module (`node:sqlite`), answering as
/// Kitchen does. Why `node:sqlite`: it ships with Node (22.13 and later; 22.5 with
/// `--experimental-sqlite`), so the app needs no native add-on built for one Node version, and
/// its synchronous API (`prepare(sql).all(params)`) reads like the route it came from. The
/// packages `sqlite3` (callbacks, a native add-on per Node ABI) and `better-sqlite3` (not in
/// Debian) are what older Node needs; Debian 12's own nodejs is 18, which has no `node:sqlite`.
/// The helpers at the top are what Kitchen does for every route (RouteExport+ExpressHelpers).
enum ExpressExport {
    static func app(_ routes: [ExportedRoute]) -> String {
        let usesSessions = routes.contains { $0.definition.requiresAuth || $0.definition.isLogout || $0.definition.loginSQL != nil }
        let usesBcrypt = routes.contains(where: \.usesBcrypt)
        var text = header(usesBcrypt: usesBcrypt, usesSessions: usesSessions)
        // Each path's methods, so that another method gets 405 with Allow, as in Kitchen.
        var methodsByPath: [(path: String, methods: [String])] = []
        for route in routes {
            text += "\n\n" + handler(route)
            let path = expressPath(route.definition)
            if let index = methodsByPath.firstIndex(where: { $0.path == path }) {
                methodsByPath[index].methods.append(route.definition.method)
            } else {
                methodsByPath.append((path, [route.definition.method]))
            }
        }
        text += "\n\n// Another method on a known path: 405 with the methods it has.\n"
        for (path, methods) in methodsByPath {
            let allowed = (methods.contains("GET") ? methods + ["HEAD"] : methods).joined(separator: ", ")
            text += "app.all(\(RouteExport.literal(path)), (req, res) => res.set('Allow', \(RouteExport.literal(allowed))).status(405).json({ error: `${req.method} is not allowed on ${req.path}` }))\n"
        }
        text += #"""

            app.use((req, res) => res.status(404).json({ error: `nothing at ${req.path}` }))

            // Errors: Kitchen's shape, {"error": "..."}, with its status codes.
            app.use((err, req, res, next) => {
              if (err instanceof HttpError) return res.status(err.status).json({ error: err.message, ...err.extra })
              if (err.type === 'entity.parse.failed') return res.status(400).json({ error: `malformed JSON: ${err.message}` })
              if (err.type === 'entity.too.large') return res.status(413).json({ error: 'the body is larger than 1 MB' })
              console.error("the route's SQL failed:", err)
              res.status(500).json({ error: "the route's SQL failed; the server's log says why" })
            })

            const port = Number(process.env.PORT ?? 3000)
            const server = app.listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`))

            """#
        return text
    }

    static func expressPath(_ definition: RouteDefinition) -> String {
        definition.path.segments.isEmpty ? "/" : definition.path.segments.map { segment -> String in
            switch segment {
            case .literal(let text): "/" + text
            case .parameter(let name): "/:" + name
            }
        }.joined()
    }

    /// One route as a handler: the route's lines as comments, then the handler.
    static func handler(_ route: ExportedRoute) -> String {
        let definition = route.definition
        var lines: [String] = definition.source.split(separator: "\n").map { "// Kitchen: " + $0 }
        for line in route.untranslated {
            lines.append("// NOT TRANSLATED (the export does not know this line yet): " + line)
        }
        lines.append("app.\(definition.method.lowercased())(\(RouteExport.literal(expressPath(definition))), (req, res) => {")
        let body = ["const values = inputs(req\(route.hasBody && !definition.rules.isEmpty ? ", true" : ""))"] + self.body(of: route)
        return (lines + body.map { "  " + $0 } + ["})"]).joined(separator: "\n")
    }

    /// The handler's body after its inputs: the session, the rules, the owner, then the login or
    /// the statement and its answer.
    static func body(of route: ExportedRoute) -> [String] {
        let definition = route.definition
        var body: [String] = []
        if definition.isUnsafe { body.append("res.set('X-Kitchen-Unsafe', 'true')") }
        if definition.requiresAuth || definition.isLogout {
            body.append(definition.isLogout ? "const [token, userId] = currentUser(req)" : "const [, userId] = currentUser(req)")
            body.append("values.current_user_id = userId")
        }
        if definition.isLogout {
            body.append("sessions.delete(token)")
            body.append("res.clearCookie('session', { httpOnly: true, sameSite: 'strict', path: '/' }).status(204).end()")
            return body
        }
        if !definition.rules.isEmpty {
            body.append("validate(req, values, [")
            for (index, rule) in definition.rules.enumerated() {
                body.append("  " + field(rule) + (index == definition.rules.count - 1 ? "" : ","))
            }
            body.append("])")
        }
        if let owner = definition.ownerSQL {
            body.append("const owners = \(call(owner, route)).rows")
            body.append("if (owners.length === 0) throw notFound(req)")
            body.append("if (firstValue(owners) !== userId) throw new HttpError(403, 'this belongs to another user')")
        }
        if let login = definition.loginSQL {
            body.append("const found = firstValue(\(call(login, route)).rows)")
            body.append("// The same answer for a wrong email and a wrong password.")
            body.append("if (!Number.isInteger(found)) throw new HttpError(401, 'wrong email or password')")
            body.append("const token = crypto.randomBytes(32).toString('base64url')")
            body.append("sessions.set(token, found)")
            body.append("res.cookie('session', token, { httpOnly: true, sameSite: 'strict', path: '/' }).json({ token, user_id: found })")
            if definition.sql != nil { body.append("// The sql line of a login route is not run (Kitchen does not run it either).") }
        } else if let sql = definition.sql {
            body += answer(sql, route)
        }
        return body
    }

    /// Runs the route's statement and answers as Kitchen answers that method: one object or 404,
    /// a list, 201 with Location, 204, or the changed row.
    static func answer(_ sql: String, _ route: ExportedRoute) -> [String] {
        let definition = route.definition
        let used = definition.method == "GET" ? "rows" : definition.method == "POST" ? "rows, newId" : "rows, changes"
        var body = ["const { \(used) } = \(call(sql, route))"]
        switch definition.method {
        case "GET" where route.isItem:
            body.append("if (rows.length === 0) throw notFound(req)")
            body.append("res.json(rows[0])")
        case "GET":
            body.append("res.json(rows)")
        case "POST":
            body.append("res.location(req.path + (req.path.endsWith('/') ? '' : '/') + newId).status(201).json(rows[0] ?? { id: newId })")
        case "DELETE":
            body.append("if (changes === 0 && rows.length === 0) throw notFound(req)")
            body.append("res.status(204).end()")
        default:
            body.append("if (changes === 0 && rows.length === 0) throw notFound(req)")
            body.append("res.json(rows[0] ?? { changed: changes })")
        }
        return body
    }

    static func call(_ sql: String, _ route: ExportedRoute) -> String {
        RouteExport.call(sql, route, comment: { "/* \($0) */" }) { name in
            ".replaceAll(\(RouteExport.literal("{" + name + "}")), String(values[\(RouteExport.literal(name))] ?? \(RouteExport.literal("{" + name + "}"))))"
        }
    }

    static func field(_ rule: FieldRule) -> String {
        var parts = ["name: \(RouteExport.literal(rule.name))", "kind: \(RouteExport.literal(rule.kind.rawValue))"]
        if rule.required { parts.append("required: true") }
        if let minimum = rule.minimum { parts.append("minimum: \(FieldValidation.show(minimum))") }
        if let maximum = rule.maximum { parts.append("maximum: \(FieldValidation.show(maximum))") }
        if let minimum = rule.minimumLength { parts.append("minLength: \(minimum)") }
        if let maximum = rule.maximumLength { parts.append("maxLength: \(maximum)") }
        if let pattern = rule.pattern { parts.append("pattern: " + RouteExport.literal(pattern)) }
        if let choices = rule.choices { parts.append("oneOf: [" + choices.map(RouteExport.literal).joined(separator: ", ") + "]") }
        return "{ " + parts.joined(separator: ", ") + " }"
    }
}
