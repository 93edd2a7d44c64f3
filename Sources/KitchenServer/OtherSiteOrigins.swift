import Synchronization

/// The origins of the lesson's second, "other site" server (`server.other-site`), which `cors
/// other-site` allows: known only once that server listens, and changed when it restarts.
public final class OtherSiteOrigins: Sendable {
    private let origins = Mutex<[String]>([])

    public init() {}

    /// Both names a browser may use for the other site's port.
    public func set(port: Int?) {
        origins.withLock { $0 = port.map { ["http://localhost:\($0)", "http://127.0.0.1:\($0)"] } ?? [] }
    }

    /// Stands in for the other site where there is no second server (grading in-process).
    public func set(origins newOrigins: [String]) {
        origins.withLock { $0 = newOrigins }
    }

    public var all: [String] { origins.withLock { $0 } }
}
