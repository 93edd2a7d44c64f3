/// A `.http` file read the way VS Code's REST Client reads it — requests separated by `###`,
/// `@name = value` file variables, `{{name}}` substitution, `# @name id` to name a request whose
/// response later requests use (`{{id.response.body.$.id}}`) — plus Kitchen's Hurl-style
/// expectations after a request:
///
///     POST {{host}}/menu
///     Content-Type: application/json
///
///     {"name": "Soup", "category_id": 1, "price": 5}
///
///     HTTP 201
///     [Asserts]
///     header "Location" exists
///     jsonpath "$.name" == "Soup"
///
/// Parsing keeps every `{{…}}` as written: variables are resolved when each request is sent
/// (`HTTPFileRunner`), because request variables depend on earlier responses. Anything the
/// REST Client would read differently from what the text seems to say is refused with its line
/// (`HTTPFileProblem`). docs/http-files.md lists the dialect.
public struct HTTPFile: Sendable {
    /// The path as the user gave it, for messages (`menu.http:12: …`).
    public var path: String
    /// The folder that `< ./body.json`, `.env` and `http-client.env.json` are relative to.
    public var directory: String
    public var requests: [HTTPFileRequest]
    /// Every `@name = value` line of the file, in order (the REST Client's scope is the whole file).
    public var variables: [HTTPFileVariable]

    public init(path: String, directory: String, requests: [HTTPFileRequest], variables: [HTTPFileVariable]) {
        self.path = path
        self.directory = directory
        self.requests = requests
        self.variables = variables
    }
}

/// `@name = value`: the raw value, with `\n`, `\r`, `\t` escapes already applied (as the REST
/// Client does) and `{{…}}` still in it.
public struct HTTPFileVariable: Sendable, Equatable {
    public var name: String
    public var value: String
    public var line: Int
}

/// One line of the file as written, with its 1-based number.
public struct HTTPFileLine: Sendable, Equatable {
    public var number: Int
    public var text: String
}

/// One request of a `.http` file, with `{{…}}` still unresolved.
public struct HTTPFileRequest: Sendable {
    /// The line of the request line.
    public var line: Int
    /// `# @name id`: later requests read this one's request and response as `{{id.…}}`.
    public var name: String?
    public var method: String
    /// The URL, continuation lines (`?page=2`, `&size=10`) already joined as the REST Client joins them.
    public var url: String
    public var headers: [Header]
    /// Body lines as written (comment lines dropped, as the REST Client drops them).
    public var body: [HTTPFileLine]
    /// False after `# @no-redirect`.
    public var followsRedirects: Bool = true
    /// False after `# @no-cookie-jar`.
    public var usesCookieJar: Bool = true
    /// `# @prompt name [description]`.
    public var prompts: [Prompt] = []
    public var expectations: [HTTPFileExpectation] = []

    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String
        public var line: Int
    }

    public struct Prompt: Sendable, Equatable {
        public var name: String
        public var description: String?
        public var line: Int
    }
}

/// A line Kitchen will not send, with where it is and what to write instead.
public struct HTTPFileProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}

/// Every problem found in a file: Kitchen reports them all at once and sends nothing.
public struct HTTPFileProblems: Error, Sendable, CustomStringConvertible {
    public var problems: [HTTPFileProblem]

    public init(_ problems: [HTTPFileProblem]) {
        self.problems = problems
    }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
