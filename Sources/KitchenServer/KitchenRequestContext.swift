import Hummingbird
import NIOCore

/// Hummingbird's basic context plus the client's address, which `limit` lines count by.
struct KitchenRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The peer's IP address (`127.0.0.1`), nil when the channel has none.
    let clientAddress: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress
    }
}
