import KitchenSupport
import Yams

/// What the mini-server serves for a lesson: REST resources over tables and, optionally, the
/// inspection routes (/echo, /status, /delay). Written in a lesson's `server:` key, or in
/// `fixtures/NAME.server.yaml` beside a fixture as the default for every lesson using it.
public struct ServerSpec: Sendable, Equatable, Codable {
    public struct Resource: Sendable, Equatable, Codable {
        public var path: String
        public var table: String

        public init(path: String, table: String) {
            self.path = path
            self.table = table
        }
    }

    public var resources: [Resource]
    public var inspection: Bool
    /// Route definitions the lesson provides (docs/routes.md), e.g. a login route.
    public var routes: String?
    /// A folder of static files served at `/`, resolved against the lessons folder.
    public var staticDirectory: String?
    /// Values of the routes' `secret` lines, by name (the environment's KITCHEN_SECRET_NAME wins).
    public var secrets: [String: String] = [:]
    /// The line of `routes:` in its file, for errors in the route definitions.
    public var routesLine: Int?
    /// `other-site`: a folder of static files Kitchen serves on a second loopback port, another
    /// origin for CORS and CSRF lessons; resolved against the lessons folder.
    public var otherSiteDirectory: String?
    /// Where logins are kept: in the server's memory (lost on restart, unknown to other
    /// instances) or in a table of the database (shared by every instance).
    public var sessions: Sessions = .memory

    public enum Sessions: String, Sendable, Equatable, CaseIterable, Codable {
        case memory
        case database
    }

    public init(resources: [Resource] = [], inspection: Bool = true, routes: String? = nil, staticDirectory: String? = nil) {
        self.resources = resources
        self.inspection = inspection
        self.routes = routes
        self.staticDirectory = staticDirectory
    }

    static func parse(_ node: Node, file: String, lessonsDirectory: String) throws -> ServerSpec {
        let reader = try YAMLReader(node, file: file, what: "'server'")
        try reader.checkKeys(allowed: ["resources", "inspection", "routes", "static", "other-site", "sessions", "secrets"], what: "'server'")
        var spec = ServerSpec(inspection: try reader.bool("inspection") ?? true, routes: try reader.optionalString("routes"))
        spec.routesLine = reader.has("routes") ? reader.line(of: "routes") : nil
        if let folder = try reader.optionalString("static") {
            guard !folder.contains(".."), !folder.hasPrefix("/") else {
                throw reader.problem("static names a folder inside the lessons folder, such as site/restaurant", at: reader.line(of: "static"))
            }
            let path = lessonsDirectory + "/" + folder
            guard FileReading.exists(path + "/index.html") else {
                throw reader.problem("static folder \(folder) has no index.html", at: reader.line(of: "static"))
            }
            spec.staticDirectory = path
        }
        spec.otherSiteDirectory = try siteFolder("other-site", reader: reader, lessonsDirectory: lessonsDirectory)
        if let sessions = try reader.optionalString("sessions") {
            guard let setting = Sessions(rawValue: sessions) else {
                throw reader.problem("sessions is memory or database, not \(sessions)", at: reader.line(of: "sessions"))
            }
            spec.sessions = setting
        }
        spec.secrets = try parseSecrets(reader)
        for item in try reader.list("resources") ?? [] {
            let entry = try YAMLReader(item, file: file, what: "a resource")
            try entry.checkKeys(allowed: ["path", "table"], what: "a resource")
            let path = try entry.nonEmptyString("path", in: "a resource")
            guard path.hasPrefix("/"), !path.contains(":"), !path.contains("?") else {
                throw entry.problem("a resource path is a plain path such as /menu", at: entry.line(of: "path"))
            }
            spec.resources.append(Resource(path: path, table: try entry.nonEmptyString("table", in: "a resource")))
        }
        return spec
    }

    /// `secrets:` — a mapping of names to values of at least 8 characters.
    static func parseSecrets(_ reader: YAMLReader) throws -> [String: String] {
        guard let node = reader.node("secrets") else { return [:] }
        let entries = try YAMLReader(node, file: reader.file, what: "'secrets'")
        var secrets: [String: String] = [:]
        guard case .mapping(let mapping) = node else { return [:] }
        for (key, _) in mapping {
            let name = key.string ?? ""
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw entries.problem("a secret's name is letters, digits and _", at: entries.line(of: name))
            }
            guard let value = try entries.optionalString(name), value.count >= 8 else {
                throw entries.problem("the secret \(name) needs a value of at least 8 characters", at: entries.line(of: name))
            }
            secrets[name] = value
        }
        return secrets
    }

    /// A folder inside the lessons folder holding an index.html, named by `key`.
    static func siteFolder(_ key: String, reader: YAMLReader, lessonsDirectory: String) throws -> String? {
        guard let folder = try reader.optionalString(key) else { return nil }
        guard !folder.contains(".."), !folder.hasPrefix("/") else {
            throw reader.problem("\(key) names a folder inside the lessons folder, such as site/other", at: reader.line(of: key))
        }
        let path = lessonsDirectory + "/" + folder
        guard FileReading.exists(path + "/index.html") else {
            throw reader.problem("\(key) folder \(folder) has no index.html", at: reader.line(of: key))
        }
        return path
    }

    /// Reads a `NAME.server.yaml` file.
    public static func load(file path: String, lessonsDirectory: String) throws -> ServerSpec {
        let text = try FileReading.read(path)
        guard let node = try YAMLReader.compose(text) else { return ServerSpec() }
        return try parse(node, file: path, lessonsDirectory: lessonsDirectory)
    }
}
