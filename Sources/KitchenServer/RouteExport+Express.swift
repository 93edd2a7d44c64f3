/// The routes as an Express app on Node's built-in SQLite module (`node:sqlite`), answering as
/// Kitchen does. Why `node:sqlite`: it ships with Node (22.13 and later; 22.5 with
/// `--experimental-sqlite`), so the app needs no native add-on built for one Node version, and
/// its synchronous API (`prepare(sql).all(params)`) reads like the route it came from. The
/// packages `sqlite3` (callbacks, a native add-on per Node ABI) and `better-sqlite3` (not in
/// Debian) are what older Node needs; Debian 12's own nodejs is 18, which has no `node:sqlite`.
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

    static func header(usesBcrypt: Bool, usesSessions: Bool) -> String {
        var text = #"""
            // Your Kitchen routes as an Express app (exported by `kitchen routes export express`).
            //
            // Run it on a copy of the lesson's database:
            //
            //     DATABASE=kitchen.db PORT=3000 node app.js
            //
            // Express comes from Debian's node-express (or `npm install express`)\#(usesBcrypt ? "; bcryptjs from npm" : "").
            // SQLite is Node's own node:sqlite (Node 22.13 and later; 22.5 with --experimental-sqlite):
            // no native add-on to build, and a synchronous API that reads like the SQL route. Older Node
            // (Debian 12's nodejs is 18) has no node:sqlite: use better-sqlite3, whose API is the same.
            //
            // It answers as Kitchen does: the same validation messages and status codes (201 with
            // Location, 204, 404, 405, 409, 415, 422 listing every failing field), every value bound as an
            // SQL parameter. What Kitchen does for every route is in the helpers below; each route is one
            // handler. Not translated: Kitchen's ETag/304 on GET answers, its 16 MB answer limit, its
            // request time limits and request log, and the check of each statement against the tables
            // when a route is defined; JavaScript has one number type, so 2.0 counts as a whole number.
            'use strict'
            \#(usesSessions ? "const crypto = require('node:crypto')\n" : "")const { DatabaseSync } = require('node:sqlite')
            \#(usesBcrypt ? "const bcrypt = require('bcryptjs')\n" : "")const express = require('express')

            // One connection for the process (node:sqlite is synchronous, and Node runs one handler at a
            // time); each statement is its own transaction and foreign keys are enforced, as in Kitchen.
            const db = new DatabaseSync(process.env.DATABASE ?? 'kitchen.db')
            db.exec('PRAGMA foreign_keys = ON')

            """#
        if usesBcrypt {
            text += #"""
                // Kitchen's SQL functions bcrypt_hash(password) and bcrypt_verify(password, hash).
                db.function('bcrypt_hash', (password) => password === null ? null : bcrypt.hashSync(String(password), 8))
                db.function('bcrypt_verify', (password, hash) =>
                  typeof password === 'string' && typeof hash === 'string' && bcrypt.compareSync(password, hash) ? 1 : 0)

                """#
        }
        if usesSessions {
            text += #"""
                // Sessions live in this process's memory, as in Kitchen: a restart logs everyone out, and a
                // second process would not know them. Token -> user id.
                const sessions = new Map()

                """#
        }
        text += #"""
            const app = express()
            app.set('query parser', 'simple')
            app.set('x-powered-by', false)

            class HttpError extends Error {
              constructor (status, message, extra = {}) {
                super(message)
                this.status = status
                this.extra = extra
              }
            }

            const hasBodyMethod = (req) => ['POST', 'PUT', 'PATCH'].includes(req.method)
            const bodySent = (req) => Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined

            // A body must say it is JSON (415 otherwise), be JSON (400) and fit in 1 MB (413).
            app.use((req, res, next) => {
              if (hasBodyMethod(req) && bodySent(req) && !req.is(['application/json', 'application/*+json'])) {
                return next(new HttpError(415, 'the body must be JSON: send Content-Type: application/json'))
              }
              next()
            })
            app.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }))

            // The request's values, gathered as Kitchen gathers them: the query string, then the JSON
            // body's fields (POST, PUT, PATCH), then the path's parameters (whole numbers as numbers).
            function inputs (req, bodyRequired = false) {
              const values = { ...req.query }
              if (hasBodyMethod(req)) {
                if (bodySent(req)) {
                  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
                    throw new HttpError(400, 'the body must be a JSON object ({…}), not a list or a single value')
                  }
                  Object.assign(values, req.body)
                } else if (bodyRequired) {
                  throw new HttpError(400, 'the request has no body: send a JSON object, e.g. {"name": "Soup"}')
                }
              }
              for (const [name, text] of Object.entries(req.params)) {
                values[name] = /^[+-]?[0-9]{1,15}$/.test(text) ? Number(text) : text
              }
              return values
            }

            // 422 with every failing field, before any SQL runs. A rule `required table_no integer 1..12`
            // is { name: 'table_no', kind: 'integer', required: true, minimum: 1, maximum: 12 }.
            function validate (req, values, fields) {
              const problems = {}
              for (const field of fields) {
                const value = values[field.name]
                if (value === undefined || value === null) {
                  if (field.required) problems[field.name] = 'is required'
                  continue
                }
                const problem = check(field, value, !hasBodyMethod(req))
                if (problem) problems[field.name] = problem
              }
              if (Object.keys(problems).length > 0) throw new HttpError(422, 'the data is not valid', { fields: problems })
            }

            // What is wrong with one value, or null. The messages are Kitchen's.
            function check (field, value, fromQuery) {
              if (fromQuery && typeof value === 'string') { // a query string carries only text
                if (field.kind === 'integer' && /^[+-]?[0-9]+$/.test(value)) value = Number(value)
                else if (field.kind === 'number' && value.trim() !== '' && !Number.isNaN(Number(value))) value = Number(value)
                else if (field.kind === 'boolean' && (value === 'true' || value === 'false')) value = value === 'true'
              }
              switch (field.kind) {
                case 'integer':
                  return Number.isInteger(value) && Math.abs(value) <= 2 ** 63 ? numberRange(field, value) : 'must be a whole number'
                case 'number':
                  return typeof value === 'number' ? numberRange(field, value) : 'must be a number'
                case 'boolean':
                  return typeof value === 'boolean' ? null : 'must be true or false'
              }
              if (typeof value !== 'string') return 'must be text (a string in double quotes)'
              if (field.kind === 'email' && !isEmail(value)) return 'must be an email address such as ann@example.com'
              if (field.kind === 'date' && !isDate(value)) return 'must be a date written YYYY-MM-DD'
              const length = [...value].length
              if (field.minLength !== undefined && length < field.minLength) {
                return field.minLength === 1 ? 'must not be empty' : `must be at least ${field.minLength} characters`
              }
              if (field.maxLength !== undefined && length > field.maxLength) return `must be at most ${field.maxLength} characters`
              if (field.pattern !== undefined && !new RegExp(`^(?:${field.pattern})$`, 'u').test(value)) return `must match the pattern ${field.pattern}`
              if (field.oneOf !== undefined && !field.oneOf.includes(value)) return `must be one of ${field.oneOf.join(', ')}`
              return null
            }

            function numberRange (field, number) {
              if (field.oneOf !== undefined && !field.oneOf.some((choice) => Number(choice) === number)) return `must be one of ${field.oneOf.join(', ')}`
              const { minimum: low, maximum: high } = field
              if (low !== undefined && high !== undefined && (number < low || number > high)) return `must be between ${low} and ${high}`
              if (low !== undefined && high === undefined && number < low) return `must be at least ${low}`
              if (high !== undefined && low === undefined && number > high) return `must be at most ${high}`
              return null
            }

            function isEmail (text) {
              const parts = text.split('@')
              if (parts.length !== 2 || parts[0] === '') return false
              const domain = parts[1]
              return domain.includes('.') && !domain.startsWith('.') && !domain.endsWith('.') && !text.includes(' ') && [...text].length <= 254
            }

            function isDate (text) {
              if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text)) return false
              const [year, month, day] = text.split('-').map(Number)
              const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
              return month >= 1 && month <= 12 && day >= 1 && day <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
            }

            // The statement's parameters: a missing value is NULL, true and false are 1 and 0, a JSON
            // list or object is its JSON text.
            function bind (values, ...names) {
              const params = {}
              for (const name of names) {
                const value = values[name]
                params[name] = value === undefined ? null
                  : typeof value === 'boolean' ? (value ? 1 : 0)
                    : typeof value === 'object' && value !== null ? JSON.stringify(value) : value
              }
              return params
            }

            // A refused write is 409 or 422 (by SQLite's extended result code), as in Kitchen.
            const refusals = {
              2067: [409, 'conflict: that value is already taken'], // SQLITE_CONSTRAINT_UNIQUE
              1555: [409, 'conflict: that value is already taken'], // SQLITE_CONSTRAINT_PRIMARYKEY
              275: [422, 'the database refused the data (check rule)'], // SQLITE_CONSTRAINT_CHECK
              1299: [422, 'the database refused the data (not null rule)'], // SQLITE_CONSTRAINT_NOTNULL
              787: [422, 'the database refused the data (foreign key rule)'], // SQLITE_CONSTRAINT_FOREIGNKEY
              3091: [422, 'the database refused the data (datatype rule)'] // SQLITE_CONSTRAINT_DATATYPE
            }

            // Runs one statement with its parameters bound (never pasted into the SQL). Returns the rows,
            // how many rows it changed, and the last inserted rowid; a BLOB comes out as hex.
            function run (sql, params) {
              const totalChanges = () => db.prepare('SELECT total_changes() AS n').get().n
              const before = totalChanges()
              let rows
              try {
                rows = db.prepare(sql).all(params)
              } catch (error) {
                const refusal = refusals[error.errcode]
                if (refusal) throw new HttpError(...refusal)
                throw error
              }
              for (const row of rows) {
                for (const [name, value] of Object.entries(row)) {
                  if (value instanceof Uint8Array) row[name] = Buffer.from(value).toString('hex').toUpperCase()
                }
              }
              const changes = totalChanges() > before ? db.prepare('SELECT changes() AS n').get().n : 0
              return { rows, changes, newId: db.prepare('SELECT last_insert_rowid() AS n').get().n }
            }

            const firstValue = (rows) => rows.length > 0 ? Object.values(rows[0])[0] : undefined
            const notFound = (req) => new HttpError(404, `nothing at ${req.path}`)

            """#
        if usesSessions {
            text += #"""

                // The logged-in user's id, from `Authorization: Bearer TOKEN` or the session cookie.
                function currentUser (req) {
                  const header = req.get('Authorization') ?? ''
                  const cookie = (req.get('Cookie') ?? '').split(/; */).find((part) => part.startsWith('session='))
                  const token = header.startsWith('Bearer ') ? header.slice(7) : cookie?.slice(8)
                  const userId = token ? sessions.get(token) : undefined
                  if (userId === undefined) {
                    throw new HttpError(401, 'log in first: send Authorization: Bearer TOKEN (from the login route) or the session cookie')
                  }
                  return [token, userId]
                }

                """#
        }
        return text
    }

    static func handler(_ route: ExportedRoute) -> String {
        let definition = route.definition
        var lines: [String] = definition.source.split(separator: "\n").map { "// Kitchen: " + $0 }
        for line in route.untranslated {
            lines.append("// NOT TRANSLATED (the export does not know this line yet): " + line)
        }
        lines.append("app.\(definition.method.lowercased())(\(RouteExport.literal(expressPath(definition))), (req, res) => {")
        var body: [String] = []
        body.append("const values = inputs(req\(route.hasBody && !definition.rules.isEmpty ? ", true" : ""))")
        if definition.isUnsafe { body.append("res.set('X-Kitchen-Unsafe', 'true')") }
        if definition.requiresAuth || definition.isLogout {
            body.append(definition.isLogout ? "const [token, userId] = currentUser(req)" : "const [, userId] = currentUser(req)")
            body.append("values.current_user_id = userId")
        }
        if definition.isLogout {
            body.append("sessions.delete(token)")
            body.append("res.clearCookie('session', { httpOnly: true, sameSite: 'strict', path: '/' }).status(204).end()")
            return (lines + body.map { "  " + $0 } + ["})"]).joined(separator: "\n")
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
            let used = definition.method == "GET" ? "rows" : definition.method == "POST" ? "rows, newId" : "rows, changes"
            body.append("const { \(used) } = \(call(sql, route))")
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
        }
        return (lines + body.map { "  " + $0 } + ["})"]).joined(separator: "\n")
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
