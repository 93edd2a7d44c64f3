import Synchronization

/// Which of several server processes over one database this one is, for `kitchen serve
/// --instances N`: each answer carries `X-Kitchen-Instance: NAME`, so the request log (and a
/// lesson's check) can tell which instance answered, and the instance accepts requests whose
/// `Host` names the load balancer's port in front of it as well as its own.
public final class InstanceIdentity: Sendable {
    /// The response header naming the instance that answered.
    public static let header = "X-Kitchen-Instance"

    private struct State {
        var name: String?
        var frontPort: Int?
    }

    private let state = Mutex(State())

    public init() {}

    /// The instance's name (`1`, `2`, …); nil for a server that runs alone (no header then).
    public var name: String? {
        get { state.withLock { $0.name } }
        set { state.withLock { $0.name = newValue } }
    }

    /// The port of the load balancer that forwards requests here.
    public var frontPort: Int? {
        get { state.withLock { $0.frontPort } }
        set { state.withLock { $0.frontPort = newValue } }
    }

    /// The port a request's `Host` must name: the balancer's when it names that one (nginx passes
    /// the client's `Host` on), else the server's own.
    func portForHostCheck(_ headers: [(name: String, value: String)], bound: Int) -> Int {
        guard let front = frontPort,
              let host = headers.first(where: { $0.name.lowercased() == "host" })?.value,
              host.hasSuffix(":\(front)") else { return bound }
        return front
    }
}

extension LoggedRequest {
    /// The instance that answered, when several served (its `X-Kitchen-Instance` header).
    public var instance: String? {
        responseHeaders.first { $0.name.lowercased() == InstanceIdentity.header.lowercased() }?.value
    }
}
