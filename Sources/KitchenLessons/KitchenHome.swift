import KitchenSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Kitchen home: the one place that knows where Kitchen keeps a learner's things.
///
///     $KITCHEN_HOME (default ~/.kitchen)
///     ├── history             the prompt's line history (libedit's format)
///     ├── progress.json       what the learner passed and the answer in progress
///     ├── kitchen.yaml        the learner's own settings (a lessons folder's one wins)
///     ├── playground.db       the dataset served outside any lesson
///     ├── lessons.index       what the menu shows of each lesson file (a cache, see LessonIndex)
///     ├── lessons/ID.db       the learner's database for each lesson
///     └── routes/ID.routes    the routes the learner wrote in each lesson
public struct KitchenHome: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// `$KITCHEN_HOME`, else `~/.kitchen`; created when missing.
    public static func resolve() throws -> KitchenHome {
        let path: String
        if let override = getenv("KITCHEN_HOME").map({ String(cString: $0) }), !override.isEmpty {
            path = override
        } else if let home = getenv("HOME").map({ String(cString: $0) }), !home.isEmpty {
            path = home + "/.kitchen"
        } else {
            path = ".kitchen"
        }
        try makeFolder(path)
        return KitchenHome(path: path)
    }

    public var historyFile: String { path + "/history" }
    public var progressFile: String { path + "/progress.json" }
    public var configFile: String { path + "/kitchen.yaml" }
    public var playgroundDatabase: String { path + "/playground.db" }
    public var lessonIndexFile: String { path + "/lessons.index" }

    /// The learner's database for a lesson; its folder is created when missing.
    public func lessonDatabase(_ lessonID: String) throws -> String {
        try Self.makeFolder(path + "/lessons")
        return path + "/lessons/" + lessonID + ".db"
    }

    /// The file holding the learner's routes for a lesson; its folder is created when missing.
    public func routesFile(_ lessonID: String) throws -> String {
        try Self.makeFolder(path + "/routes")
        return path + "/routes/" + lessonID + ".routes"
    }

    static func makeFolder(_ folder: String) throws {
        if mkdir(folder, 0o755) != 0 && errno != EEXIST {
            throw KitchenHomeError(path: folder, reason: String(cString: strerror(errno)))
        }
    }
}

public struct KitchenHomeError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot use \(path) in the Kitchen home: \(reason). Set KITCHEN_HOME to a writable folder." }
}
