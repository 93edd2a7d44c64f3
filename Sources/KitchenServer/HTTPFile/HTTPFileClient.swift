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
        let started = ContinuousClock.now
        do {
            let response = try await client.execute(outgoing, timeout: .seconds(timeoutSeconds))
            var collected = try await response.body.collect(upTo: 64 << 20)
            let elapsed = ContinuousClock.now - started
            return ReceivedResponse(
                status: Int(response.status.code),
                reason: response.status.reasonPhrase,
                version: "HTTP/\(response.version.major).\(response.version.minor)",
                headers: response.headers.map { ($0.name, $0.value) },
                body: collected.readBytes(length: collected.readableBytes) ?? [],
                milliseconds: Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            )
        } catch {
            throw ExchangeClient.Failure(description: "the request did not get an answer: \(error)")
        }
    }
}
