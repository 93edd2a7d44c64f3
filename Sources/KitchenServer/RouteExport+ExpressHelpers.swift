/// The helpers at the top of the Express app: what Kitchen does for every route (its body
/// checks, inputs, validation and statements), written once in JavaScript. Each piece holds one
/// idea; `header` lays them out in the app's order, a blank line apart.
extension ExpressExport {
    static func header(usesBcrypt: Bool, usesSessions: Bool) -> String {
        let helpers = [application, bodies, inputs, validation, valueChecks, formats, statements]
        return preamble(usesBcrypt: usesBcrypt, usesSessions: usesSessions)
            + (usesBcrypt ? bcryptFunctions : "")
            + (usesSessions ? sessionStore : "")
            + helpers.joined(separator: "\n\n") + "\n"
            + (usesSessions ? currentUser : "")
    }

    /// The comment at the top (how to run it, why node:sqlite, what it keeps of Kitchen), the modules and the database.
    static func preamble(usesBcrypt: Bool, usesSessions: Bool) -> String {
        #"""
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
    }

    /// Kitchen's SQL functions bcrypt_hash and bcrypt_verify, in JavaScript.
    static let bcryptFunctions = #"""
        // Kitchen's SQL functions bcrypt_hash(password) and bcrypt_verify(password, hash).
        db.function('bcrypt_hash', (password) => password === null ? null : bcrypt.hashSync(String(password), 8))
        db.function('bcrypt_verify', (password, hash) =>
          typeof password === 'string' && typeof hash === 'string' && bcrypt.compareSync(password, hash) ? 1 : 0)

        """#

    /// The session table: tokens to user ids, in memory.
    static let sessionStore = #"""
        // Sessions live in this process's memory, as in Kitchen: a restart logs everyone out, and a
        // second process would not know them. Token -> user id.
        const sessions = new Map()

        """#

    /// The app and the error that carries Kitchen's status codes.
    static let application = #"""
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
        """#

    /// A body must say it is JSON (415), be JSON (400) and fit in 1 MB (413).
    static let bodies = #"""
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
        """#

    /// The request's values: query string, JSON body, path parameters, in Kitchen's order.
    static let inputs = #"""
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
        """#

    /// The input rules and the 422 that lists every failing field.
    static let validation = #"""
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
        """#

    /// What is wrong with one value, by its kind, in Kitchen's words.
    static let valueChecks = #"""
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
        """#

    /// Numbers within bounds, email addresses and dates, as Kitchen reads them.
    static let formats = #"""
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
        """#

    /// Running one statement: parameters bound, refusals as 409 or 422, BLOBs as hex.
    static let statements = #"""
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

    /// The logged-in user, from a bearer token or the session cookie (401 otherwise).
    static let currentUser = #"""

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
