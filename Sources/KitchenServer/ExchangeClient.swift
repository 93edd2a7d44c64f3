import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// A response as the prompt received it over the socket.
public struct ReceivedResponse: Sendable {
    public var status: Int
    public var reason: String
    public var version: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    public var milliseconds: Double

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public var json: JSONValue? { try? JSONValue.parse(body) }
}

/// The prompt's HTTP client: a real client (AsyncHTTPClient) sending real requests over the
/// loopback socket, exactly as curl would. It shares SwiftNIO with the server, costs ~0.2 ms a
/// request and links no libcurl or Foundation networking.
public struct ExchangeClient: Sendable {
    public var timeoutSeconds: Int64 = 10

    public init() {}

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public func send(_ request: PromptRequest, port: Int) async throws -> ReceivedResponse {
        let outgoing = Self.request(request.method, request.target, port: port, headers: request.headers.map { ($0.name, $0.value) },
                                    body: request.body.map { ByteBuffer(string: $0) })
        return try await Self.execute(outgoing, on: HTTPClient.shared, timeoutSeconds: timeoutSeconds)
    }

    /// A request to Kitchen's server on the loopback: the prompt's and the `.http` runner's.
    static func request(_ method: String, _ target: String, port: Int, headers: [(name: String, value: String)], body: ByteBuffer?) -> HTTPClientRequest {
        var outgoing = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(target)")
        outgoing.method = HTTPMethod(rawValue: method)
        for header in headers {
            outgoing.headers.add(name: header.name, value: header.value)
        }
        if let body { outgoing.body = .bytes(body) }
        return outgoing
    }

    /// Sends `outgoing` and reads the whole answer (up to 64 MB), timed: shared by the prompt's
    /// client and the `.http` file runner's.
    static func execute(_ outgoing: HTTPClientRequest, on client: HTTPClient, timeoutSeconds: Int64) async throws -> ReceivedResponse {
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
            throw Failure(description: "the request did not get an answer: \(error)")
        }
    }
}
