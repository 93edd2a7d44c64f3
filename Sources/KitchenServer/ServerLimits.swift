/// The server's limits against careless or hostile clients.
public struct ServerLimits: Sendable, Equatable {
    /// Larger bodies get 413.
    public var maximumBodyBytes = 1 << 20
    /// Larger header blocks get 431 from the decoder (connection closed).
    public var maximumHeaderBytes = 16 * 1024
    /// A connection that sends nothing for this long is closed.
    public var idleTimeoutSeconds: Int64 = 10
    /// A client must send a whole request (head and body) within this time, however it trickles
    /// the bytes in; then the connection is closed (slow-client attacks).
    public var requestTimeoutSeconds: Int64 = 10

    /// The most data one route may put in a response: rows beyond it are not read and the client
    /// gets a 500 naming the limit (docs/routes.md). Its JSON can be up to twice that (BLOBs in hex).
    public static let maximumResultBytes = 16 << 20

    public init() {}
}
