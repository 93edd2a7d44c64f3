/// The routes as a Flask app (Python's sqlite3 module, parameters bound), answering as Kitchen
/// does. The helpers at the top are what Kitchen does for every route (RouteExport+FlaskHelpers);
/// each route is a function.
enum FlaskExport {
    static func app(_ routes: [ExportedRoute]) -> String {
        let usesSessions = routes.contains { $0.definition.requiresAuth || $0.definition.isLogout || $0.definition.loginSQL != nil }
        let usesBcrypt = routes.contains(where: \.usesBcrypt)
        var text = header(usesBcrypt: usesBcrypt, usesSessions: usesSessions)
        for route in routes {
            text += "\n\n" + handler(route)
        }
        return text + "\n"
    }

    /// Python's reserved words: a path parameter named like one cannot be a function argument.
    static let keywords: Set<String> = ["False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
                                        "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
                                        "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield"]

    /// One route as a decorated function: the route's lines as comments, then the handler.
    static func handler(_ route: ExportedRoute) -> String {
        let definition = route.definition
        var lines: [String] = []
        for line in definition.source.split(separator: "\n") {
            lines.append("# Kitchen: " + line)
        }
        for line in route.untranslated {
            lines.append("# NOT TRANSLATED (the export does not know this line yet): " + line)
        }
        let flaskPath = definition.path.segments.isEmpty ? "/" : definition.path.segments.map { segment -> String in
            switch segment {
            case .literal(let text): "/" + text
            case .parameter(let name): "/<\(name)>"
            }
        }.joined()
        let plainNames = route.pathParameters.allSatisfy { !keywords.contains($0) }
        let signature = plainNames ? route.pathParameters.joined(separator: ", ") : "**path"
        lines.append("@app.\(definition.method.lowercased())(\(RouteExport.literal(flaskPath)))")
        lines.append("def \(route.functionName)(\(signature)):")
        var inputArguments: [String] = []
        if route.hasBody && !definition.rules.isEmpty { inputArguments.append("body_required=True") }
        if plainNames { inputArguments += route.pathParameters.map { "\($0)=\($0)" } } else if !route.pathParameters.isEmpty { inputArguments.append("**path") }
        let body = ["values = inputs(\(inputArguments.joined(separator: ", ")))"] + self.body(of: route)
        return (lines + body.map { "    " + $0 }).joined(separator: "\n")
    }

    /// The handler's body after its inputs: the session, the rules, the owner, then the login or
    /// the statement and its answer.
    static func body(of route: ExportedRoute) -> [String] {
        let definition = route.definition
        var body: [String] = []
        if definition.requiresAuth || definition.isLogout {
            body.append("token, values[\"current_user_id\"] = current_user()")
        }
        if definition.isLogout {
            body.append("SESSIONS.pop(token, None)")
            body.append("response = app.response_class(status=204)")
            body.append("response.delete_cookie(\"session\", httponly=True, samesite=\"Strict\")")
            body.append("return response")
            return body
        }
        if !definition.rules.isEmpty {
            body.append("validate(values, [")
            for rule in definition.rules { body.append("    " + field(rule) + ",") }
            body.append("])")
        }
        if let owner = definition.ownerSQL {
            body.append("owners, _, _ = \(call(owner, route))")
            body.append("if not owners:")
            body.append("    fail(404, f\"nothing at {request.path}\")")
            body.append("if first_value(owners) != values[\"current_user_id\"]:")
            body.append("    fail(403, \"this belongs to another user\")")
        }
        if let login = definition.loginSQL {
            body.append("found, _, _ = \(call(login, route))")
            body.append("user_id = first_value(found)")
            body.append("if not isinstance(user_id, int):")
            body.append("    fail(401, \"wrong email or password\")  # the same answer for a wrong email and a wrong password")
            body.append("token = secrets.token_urlsafe(32)")
            body.append("SESSIONS[token] = user_id")
            body.append("response = jsonify(token=token, user_id=user_id)")
            body.append("response.set_cookie(\"session\", token, httponly=True, samesite=\"Strict\", path=\"/\")")
            body.append("return response")
            if definition.sql != nil { body.append("# The sql line of a login route is not run (Kitchen does not run it either).") }
        } else if let sql = definition.sql {
            body += answer(sql, route)
        }
        return body
    }

    /// Runs the route's statement and answers as Kitchen answers that method: one object or 404,
    /// a list, 201 with Location, 204, or the changed row.
    static func answer(_ sql: String, _ route: ExportedRoute) -> [String] {
        let definition = route.definition
        let unsafe = definition.isUnsafe ? ", {\"X-Kitchen-Unsafe\": \"true\"}" : ""
        let used = definition.method == "GET" ? "rows, _, _" : definition.method == "POST" ? "rows, _, new_id" : "rows, changes, _"
        var body = ["\(used) = \(call(sql, route))"]
        switch definition.method {
        case "GET" where route.isItem:
            body.append("if not rows:")
            body.append("    fail(404, f\"nothing at {request.path}\")")
            body.append("return rows[0]" + (unsafe.isEmpty ? "" : ", 200" + unsafe))
        case "GET":
            body.append("return rows" + (unsafe.isEmpty ? "" : ", 200" + unsafe))
        case "POST":
            body.append("location = request.path + (\"\" if request.path.endswith(\"/\") else \"/\") + str(new_id)")
            body.append("return (rows[0] if rows else {\"id\": new_id}), 201, {\"Location\": location\(definition.isUnsafe ? ", \"X-Kitchen-Unsafe\": \"true\"" : "")}")
        case "DELETE":
            body.append("if not changes and not rows:")
            body.append("    fail(404, f\"nothing at {request.path}\")")
            body.append("return \"\", 204" + unsafe)
        default:
            body.append("if not changes and not rows:")
            body.append("    fail(404, f\"nothing at {request.path}\")")
            body.append("return (rows[0] if rows else {\"changed\": changes}), 200" + unsafe)
        }
        return body
    }

    /// `run(SQL, bind(values, …))`; on an unsafe route, the splices first (loudly).
    static func call(_ sql: String, _ route: ExportedRoute) -> String {
        RouteExport.call(sql, route, comment: { " # \($0)" }) { name in
            ".replace(\(RouteExport.literal("{" + name + "}")), str(values.get(\(RouteExport.literal(name)), \(RouteExport.literal("{" + name + "}")))))"
        }
    }

    /// `Field("table_no", "integer", required=True, minimum=1, maximum=12)`.
    static func field(_ rule: FieldRule) -> String {
        var parts = [RouteExport.literal(rule.name), RouteExport.literal(rule.kind.rawValue)]
        if rule.required { parts.append("required=True") }
        if let minimum = rule.minimum { parts.append("minimum=\(FieldValidation.show(minimum))") }
        if let maximum = rule.maximum { parts.append("maximum=\(FieldValidation.show(maximum))") }
        if let minimum = rule.minimumLength { parts.append("min_length=\(minimum)") }
        if let maximum = rule.maximumLength { parts.append("max_length=\(maximum)") }
        if let pattern = rule.pattern { parts.append("pattern=" + RouteExport.literal(pattern)) }
        if let choices = rule.choices { parts.append("one_of=[" + choices.map(RouteExport.literal).joined(separator: ", ") + "]") }
        return "Field(" + parts.joined(separator: ", ") + ")"
    }
}
