import Yams

/// What the mini-server serves for a lesson: REST resources over tables and, optionally, the
/// inspection routes (/echo, /status, /delay). Written in a lesson's `server:` key, or in
/// `fixtures/NAME.server.yaml` beside a fixture as the default for every lesson using it.
public struct ServerSpec: Sendable, Equatable {
    public struct Resource: Sendable, Equatable {
        public var path: String
        public var table: String

        public init(path: String, table: String) {
            self.path = path
            self.table = table
        }
    }

    public var resources: [Resource]
    public var inspection: Bool

    public init(resources: [Resource] = [], inspection: Bool = true) {
        self.resources = resources
        self.inspection = inspection
    }

    static func parse(_ node: Node, file: String) throws -> ServerSpec {
        let reader = try YAMLReader(node, file: file, what: "'server'")
        try reader.checkKeys(allowed: ["resources", "inspection"], what: "'server'")
        var spec = ServerSpec(inspection: try reader.bool("inspection") ?? true)
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

    /// Reads a `NAME.server.yaml` file.
    public static func load(file path: String) throws -> ServerSpec {
        let text = try FileReading.read(path)
        guard let node = try Yams.compose(yaml: text) else { return ServerSpec() }
        return try parse(node, file: path)
    }
}
