import Mustache

/// HTML answers of GET routes (`html` lines, docs/routes.md): the rows rendered through a
/// Mustache template, as server-side frameworks render pages. `{{name}}` is HTML-escaped, so a
/// stored `<script>` arrives as text; only `{{{name}}}` or `{{&name}}` writes a value raw — the
/// form a stored-XSS lesson exploits, visible in the template.
///
/// What the template sees: on an item route (`/menu/:id`) or a `one` route, the row's columns;
/// on any other GET, `rows` (every row, for `{{#rows}}…{{/rows}}`) and `count`.
enum RouteHTML {
    struct Problem: Error {
        var message: String
        /// Where in the template Mustache stopped (1-based), when it says.
        var position: (line: Int, column: Int)? = nil
    }

    /// Refuses a template Mustache cannot read, and the two ways around escaping that the
    /// template would not show where values are written: a content-type pragma and partials.
    static func validate(_ template: String) throws {
        if template.contains("{{%") {
            throw Problem(message: "{{% …}} pragmas are not available; write {{{name}}} where a value is meant to be raw HTML")
        }
        if template.contains("{{>") || template.contains("{{<") || template.contains("{{$") {
            throw Problem(message: "partials and blocks ({{> …}}, {{< …}}, {{$ …}}) are not available; write the whole page in the html lines")
        }
        do {
            _ = try MustacheTemplate(string: template)
        } catch let error as MustacheTemplate.ParserError {
            throw Problem(message: describe(error.error), position: (error.context.lineNumber, error.context.columnNumber))
        } catch {
            throw Problem(message: "\(error)")
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect?: "a section is closed with another name than it was opened with ({{#rows}} … {{/rows}})"
        case .unfinishedName?: "a tag is not finished: close it with }}"
        case .expectedSectionEnd?: "a section is never closed: end {{#name}} with {{/name}}"
        default: "\(error)"
        }
    }

    /// The page for `objects` (the rows as JSON objects), or nil for "no such thing" (404).
    static func render(_ template: String, objects: [JSONValue], answersOneObject: Bool) -> ServerResponse? {
        // Validated when the route was defined.
        guard let compiled = try? MustacheTemplate(string: template) else {
            return .text(500, "the route's template could not be read")
        }
        let context: [String: Any]
        if answersOneObject {
            guard let first = objects.first else { return nil }
            context = values(of: first)
        } else {
            context = ["rows": objects.map { values(of: $0) }, "count": objects.count]
        }
        let html = compiled.render(context)
        return ServerResponse(status: 200, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(html.utf8))
    }

    /// A row's columns as Mustache values; NULL is a missing value (empty, and false in a section).
    static func values(of object: JSONValue) -> [String: Any] {
        guard case .object(let pairs) = object else { return [:] }
        var values: [String: Any] = [:]
        for (name, value) in pairs {
            switch value {
            case .null: values[name] = Optional<String>.none as Any
            case .bool(let flag): values[name] = flag
            case .integer(let number): values[name] = number
            case .number(let number): values[name] = number
            case .string(let text): values[name] = text
            case .array, .object: values[name] = value.serialized()
            }
        }
        return values
    }
}
