import AsyncHTTPClient
import NIOCore
import NIOHTTP1

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
        var outgoing = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(request.target)")
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers {
            outgoing.headers.add(name: header.name, value: header.value)
        }
        if let body = request.body {
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        return try await ExchangeClient.execute(outgoing, on: client, timeoutSeconds: timeoutSeconds)
    }
}
