/// The helpers at the top of the Flask app: what Kitchen does for every route (its database
/// connection, error shape, inputs, validation and statements), written once in Python. Each piece
/// holds one idea; `header` lays them out in the app's order, two blank lines apart as PEP 8 asks.
extension FlaskExport {
    static func header(usesBcrypt: Bool, usesSessions: Bool) -> String {
        let helpers = [database(usesBcrypt: usesBcrypt), errors, inputs, validation, valueChecks, formats, statements]
        return preamble(usesBcrypt: usesBcrypt, usesSessions: usesSessions)
            + (usesSessions ? sessionStore : "")
            + (usesBcrypt ? bcryptFunctions : "")
            + "\n" + helpers.joined(separator: "\n\n\n") + "\n"
            + (usesSessions ? currentUser : "")
    }

    /// The module docstring (how to run it, what it keeps of Kitchen and what not), the imports and the app.
    static func preamble(usesBcrypt: Bool, usesSessions: Bool) -> String {
        #"""
        """Your Kitchen routes as a Flask app (exported by `kitchen routes export flask`).

        Run it on a copy of the lesson's database:

            DATABASE=kitchen.db flask --app app run --port 5000

        Flask comes from Debian's python3-flask (or `pip install flask`)\#(usesBcrypt ? "; bcrypt from python3-bcrypt" : "").
        It answers as Kitchen does: the same validation messages and status codes (201 with
        Location, 204, 404, 409, 415, 422 listing every failing field), every value bound as an
        SQL parameter. What Kitchen does for every route is in the helpers below; each route is
        one function. Not translated: Kitchen's ETag/304 on GET answers, its 16 MB answer limit,
        its request time limits and request log, and the check of each statement against the
        tables when a route is defined; text lengths count code points (Kitchen counts characters).
        """
        import json
        import os
        import re\#(usesSessions ? "\nimport secrets" : "")
        import sqlite3
        from dataclasses import dataclass

        \#(usesBcrypt ? "import bcrypt\n" : "")from flask import Flask, abort, g, jsonify, request

        app = Flask(__name__)
        app.json.sort_keys = False  # keep the columns in the order the SQL names them
        app.url_map.strict_slashes = False  # /menu/ is /menu, as in Kitchen
        app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024  # a bigger body gets 413, as in Kitchen
        DATABASE = os.environ.get("DATABASE", "kitchen.db")


        """#
    }

    /// The session table: tokens to user ids, in memory.
    static let sessionStore = #"""
        # Sessions live in this process's memory, as in Kitchen: a restart logs everyone out,
        # and a second process would not know them. Token -> user id.
        SESSIONS = {}

        """#

    /// Kitchen's SQL functions bcrypt_hash and bcrypt_verify, in Python.
    static let bcryptFunctions = #"""

        def bcrypt_hash(password):
            """Kitchen's SQL function bcrypt_hash(password): a salted, slow hash (cost 8)."""
            if password is None:
                return None
            return bcrypt.hashpw(str(password).encode(), bcrypt.gensalt(8)).decode()


        def bcrypt_verify(password, hashed):
            """Kitchen's SQL function bcrypt_verify(password, hash): 1 when they match, else 0."""
            if not isinstance(password, str) or not isinstance(hashed, str):
                return 0
            try:
                return int(bcrypt.checkpw(password.encode(), hashed.encode()))
            except ValueError:
                return 0

        """#

    /// One connection per request, with foreign keys on (and the bcrypt functions when used).
    static func database(usesBcrypt: Bool) -> String {
        #"""
        def get_db():
            """One connection per request, closed when the request ends. Autocommit (each
            statement is its own transaction) and foreign keys enforced, as in Kitchen."""
            if "db" not in g:
                g.db = sqlite3.connect(DATABASE, isolation_level=None)
                g.db.execute("PRAGMA foreign_keys = ON")\#(usesBcrypt ? "\n        g.db.create_function(\"bcrypt_hash\", 1, bcrypt_hash)\n        g.db.create_function(\"bcrypt_verify\", 2, bcrypt_verify)" : "")
            return g.db


        @app.teardown_appcontext
        def close_db(exception):
            db = g.pop("db", None)
            if db is not None:
                db.close()
        """#
    }

    /// Kitchen's error shape, for the app's own failures and Flask's 404, 405 and 413.
    static let errors = #"""
        def fail(status, message, **extra):
            """Stops the request with Kitchen's error shape: {"error": "...", ...}."""
            response = jsonify(error=message, **extra)
            response.status_code = status
            abort(response)


        @app.errorhandler(404)
        def not_found(error):
            return jsonify(error=f"nothing at {request.path}"), 404


        @app.errorhandler(405)
        def wrong_method(error):
            return jsonify(error=f"{request.method} is not allowed on {request.path}"), 405, {"Allow": ", ".join(error.valid_methods or [])}


        @app.errorhandler(413)
        def too_large(error):
            return jsonify(error="the body is larger than 1 MB"), 413
        """#

    /// The request's values: query string, JSON body, path parameters, in Kitchen's order.
    static let inputs = #"""
        def json_object():
            """The body as a JSON object: 415 unless it says it is JSON, 400 unless it is one."""
            if not request.is_json:
                fail(415, "the body must be JSON: send Content-Type: application/json")
            try:
                body = json.loads(request.get_data(), parse_constant=lambda name: fail(400, f"malformed JSON: {name}"))
            except ValueError as problem:
                fail(400, f"malformed JSON: {problem}")
            if not isinstance(body, dict):
                fail(400, "the body must be a JSON object ({…}), not a list or a single value")
            return body


        def inputs(body_required=False, **path):
            """The request's values, gathered as Kitchen gathers them: the query string, then the
            JSON body's fields (POST, PUT, PATCH), then the path's parameters (whole numbers as
            numbers)."""
            values = request.args.to_dict()
            if request.method in ("POST", "PUT", "PATCH"):
                if request.get_data():
                    values.update(json_object())
                elif body_required:
                    fail(400, 'the request has no body: send a JSON object, e.g. {"name": "Soup"}')
            for name, text in path.items():
                values[name] = int(text) if re.fullmatch(r"[+-]?[0-9]{1,18}", text) else text
            return values
        """#

    /// The input rules (`required table_no integer 1..12`) and the 422 that lists every failing field.
    static let validation = #"""
        @dataclass
        class Field:
            """One input rule: `required table_no integer 1..12` is
            Field("table_no", "integer", required=True, minimum=1, maximum=12)."""
            name: str
            kind: str
            required: bool = False
            minimum: float = None
            maximum: float = None
            min_length: int = None
            max_length: int = None
            pattern: str = None
            one_of: list = None


        def validate(values, fields):
            """422 with every failing field, before any SQL runs."""
            problems = {}
            for field in fields:
                value = values.get(field.name)
                if value is None:
                    if field.required:
                        problems[field.name] = "is required"
                    continue
                problem = check(field, value, from_query=request.method not in ("POST", "PUT", "PATCH"))
                if problem:
                    problems[field.name] = problem
            if problems:
                fail(422, "the data is not valid", fields=problems)
        """#

    /// What is wrong with one value, by its kind, in Kitchen's words.
    static let valueChecks = #"""
        def is_whole(value):
            return isinstance(value, int) and not isinstance(value, bool) and -2**63 <= value < 2**63


        def check(field, value, from_query):
            """What is wrong with one value, or None. The messages are Kitchen's."""
            if from_query and isinstance(value, str):  # a query string carries only text
                if field.kind == "integer" and re.fullmatch(r"[+-]?[0-9]+", value):
                    value = int(value)
                elif field.kind == "number":
                    try:
                        value = float(value)
                    except ValueError:
                        pass
                elif field.kind == "boolean" and value in ("true", "false"):
                    value = value == "true"
            if field.kind == "integer":
                return number_range(field, value) if is_whole(value) else "must be a whole number"
            if field.kind == "number":
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    return "must be a number"
                return number_range(field, value)
            if field.kind == "boolean":
                return None if isinstance(value, bool) else "must be true or false"
            if not isinstance(value, str):
                return "must be text (a string in double quotes)"
            if field.kind == "email" and not is_email(value):
                return "must be an email address such as ann@example.com"
            if field.kind == "date" and not is_date(value):
                return "must be a date written YYYY-MM-DD"
            if field.min_length is not None and len(value) < field.min_length:
                return "must not be empty" if field.min_length == 1 else f"must be at least {field.min_length} characters"
            if field.max_length is not None and len(value) > field.max_length:
                return f"must be at most {field.max_length} characters"
            if field.pattern is not None and not re.fullmatch(field.pattern, value):
                return f"must match the pattern {field.pattern}"
            if field.one_of is not None and value not in field.one_of:
                return "must be one of " + ", ".join(field.one_of)
            return None
        """#

    /// Numbers within bounds, email addresses and dates, as Kitchen reads them.
    static let formats = #"""
        def as_number(text):
            try:
                return float(text)
            except ValueError:
                return None


        def show(number):
            return str(int(number)) if number == int(number) else str(number)


        def number_range(field, number):
            if field.one_of is not None and not any(as_number(choice) == number for choice in field.one_of):
                return "must be one of " + ", ".join(field.one_of)
            low, high = field.minimum, field.maximum
            if low is not None and high is not None and not low <= number <= high:
                return f"must be between {show(low)} and {show(high)}"
            if low is not None and high is None and number < low:
                return f"must be at least {show(low)}"
            if high is not None and low is None and number > high:
                return f"must be at most {show(high)}"
            return None


        def is_email(text):
            name, at, domain = text.partition("@")
            return (at == "@" and name != "" and "@" not in domain and "." in domain and not domain.startswith(".")
                    and not domain.endswith(".") and " " not in text and len(text) <= 254)


        def is_date(text):
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
                return False
            year, month, day = map(int, text.split("-"))
            leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
            return 1 <= month <= 12 and 1 <= day <= [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        """#

    /// Running one statement: parameters bound, refusals as 409 or 422, BLOBs as hex.
    static let statements = #"""
        def bind(values, *names):
            """The statement's parameters: a missing value is NULL, true and false are 1 and 0,
            a JSON list or object is its JSON text."""
            def value(name):
                item = values.get(name)
                return json.dumps(item) if isinstance(item, (dict, list)) else item
            return {name: value(name) for name in names}


        REFUSALS = {
            "SQLITE_CONSTRAINT_UNIQUE": (409, "conflict: that value is already taken"),
            "SQLITE_CONSTRAINT_PRIMARYKEY": (409, "conflict: that value is already taken"),
            "SQLITE_CONSTRAINT_CHECK": (422, "the database refused the data (check rule)"),
            "SQLITE_CONSTRAINT_NOTNULL": (422, "the database refused the data (not null rule)"),
            "SQLITE_CONSTRAINT_FOREIGNKEY": (422, "the database refused the data (foreign key rule)"),
            "SQLITE_CONSTRAINT_DATATYPE": (422, "the database refused the data (datatype rule)"),
        }


        def json_value(value):
            """A column's value as JSON: a BLOB as hex, as Kitchen shows it."""
            return value.hex().upper() if isinstance(value, bytes) else value


        def run(sql, params):
            """Runs one statement with its parameters bound (never pasted into the SQL). Returns
            the rows as dicts, how many rows it changed, and the last inserted rowid. A refused
            write is 409 or 422; any other failure a 500 that does not show the SQL."""
            db = get_db()
            before = db.total_changes
            try:
                cursor = db.execute(sql, params)
                columns = [column[0] for column in cursor.description or []]
                rows = [dict(zip(columns, map(json_value, row))) for row in cursor.fetchall()]
            except sqlite3.Error as problem:
                refusal = REFUSALS.get(getattr(problem, "sqlite_errorname", ""))
                if refusal:
                    fail(*refusal)
                app.logger.error("the route's SQL failed: %s", problem)
                fail(500, "the route's SQL failed; the server's log says why")
            changes = db.execute("SELECT changes()").fetchone()[0] if db.total_changes > before else 0
            return rows, changes, db.execute("SELECT last_insert_rowid()").fetchone()[0]


        def first_value(rows):
            return next(iter(rows[0].values()), None) if rows else None
        """#

    /// The logged-in user, from a bearer token or the session cookie (401 otherwise).
    static let currentUser = #"""

        def current_user():
            """The logged-in user's id, from `Authorization: Bearer TOKEN` or the session cookie."""
            header = request.headers.get("Authorization", "")
            token = header[7:] if header.startswith("Bearer ") else request.cookies.get("session")
            user_id = SESSIONS.get(token) if token else None
            if user_id is None:
                fail(401, "log in first: send Authorization: Bearer TOKEN (from the login route) or the session cookie")
            return token, user_id

        """#
}
