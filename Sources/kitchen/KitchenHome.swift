#if canImport(Glibc)
import Glibc
#endif

/// The folder where Kitchen keeps history and progress: `$KITCHEN_HOME`, else `~/.kitchen`.
struct KitchenHome {
    let path: String

    static func resolve() throws -> KitchenHome {
        let path: String
        if let override = getenv("KITCHEN_HOME").map({ String(cString: $0) }), !override.isEmpty {
            path = override
        } else if let home = getenv("HOME").map({ String(cString: $0) }), !home.isEmpty {
            path = home + "/.kitchen"
        } else {
            path = ".kitchen"
        }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw KitchenHomeError(path: path, reason: String(cString: strerror(errno)))
        }
        return KitchenHome(path: path)
    }

    var historyFile: String { path + "/history" }
}

struct KitchenHomeError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "cannot use \(path) as the Kitchen home: \(reason). Set KITCHEN_HOME to a writable folder." }
}
