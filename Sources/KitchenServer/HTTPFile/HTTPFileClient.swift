import AsyncHTTPClient
import NIOCore

/// Sends one `.http` request and nothing else: redirects are not followed here (the runner
/// follows them itself, so it can report each hop and honour `# @no-redirect`), and no header
/// is added beyond `Host` and `Content-Length`.
enum HTTPFileClient {
    /// One client for the process, never shut down (it lives as long as the program).
    static let client = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow)
    )

    static func send(_ request: HTTPFileSentRequest, port: Int, timeoutSeconds: Int64 = 10) async throws -> ReceivedResponse {
        let outgoing = ExchangeClient.request(request.method, request.target, port: port, headers: request.headers,
                                              body: request.body.map { ByteBuffer(bytes: $0) })
        return try await ExchangeClient.execute(outgoing, on: client, timeoutSeconds: timeoutSeconds)
    }
}
