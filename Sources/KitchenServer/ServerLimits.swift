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

    public init() {}
}
