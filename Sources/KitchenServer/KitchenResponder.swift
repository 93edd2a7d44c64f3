import Hummingbird
import HTTPTypes
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// The one responder behind every request: reads the body within the limit, looks the route up
/// in the live route table, answers OPTIONS and HEAD generically, and logs the exchange.
struct KitchenResponder: HTTPResponder {
    typealias Context = KitchenRequestContext

    let routes: RouteTable
    let database: DatabaseAccess
    let log: RequestLog
    let limits: ServerLimits
    var instance = InstanceIdentity()
    /// Secret values never reach the log.
    var secrets = ServerSecrets(configured: [:], environment: [:])
    /// The listening port, for checking `Host`; set by `MiniServer` once it is bound.
    var bound = BoundPort()

    func respond(to request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        var headers: [(name: String, value: String)] = []
        // HTTPTypes keeps Host apart, as the authority; routes, the log and `/echo` see it as a header.
        if let authority = request.head.authority { headers.append(("Host", authority)) }
        for field in request.headers {
            headers.append((field.name.rawName, field.value))
        }
        let method = request.method.rawValue
        let path = request.uri.path
        let rawQuery = request.uri.query ?? ""
        var body: [UInt8] = []
        var response: ServerResponse
        do {
            var buffer = try await request.body.collect(upTo: limits.maximumBodyBytes)
            body = buffer.readBytes(length: buffer.readableBytes) ?? []
            if let refusal = RequestGate.refusal(method: method, path: path, rawQuery: rawQuery, headers: headers, port: instance.portForHostCheck(headers, bound: bound.port)) {
                response = refusal
            } else {
                var serverRequest = ServerRequest(method: method, path: path, rawQuery: rawQuery, headers: headers, body: body)
                serverRequest.clientAddress = context.clientAddress
                response = await answer(&serverRequest)
            }
        } catch is NIOTooManyBytesError {
            response = .error(413, "the body is larger than \(limits.maximumBodyBytes / 1024) KB")
        } catch let error as HTTPError where error.status == .contentTooLarge {
            response = .error(413, "the body is larger than \(limits.maximumBodyBytes / 1024) KB")
        } catch {
            response = .error(400, "the request could not be read: \(error)")
        }
        response = Self.finish(response, method: method)
        if let name = instance.name { response.headers.append((InstanceIdentity.header, name)) }
        let elapsed = ContinuousClock.now - started
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        log.record(secrets.mask(LoggedRequest(
            id: 0, time: Double(now.tv_sec) + Double(now.tv_nsec) / 1e9, method: method, path: path, query: rawQuery,
            headers: headers, body: body, status: response.status, responseHeaders: response.headers,
            responseBody: response.body,
            durationMilliseconds: Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000,
            explanation: response.explanation
        )))
        return makeResponse(response)
    }

    /// What every response gets whatever route made it (RFC 9110): a 401 says how to authenticate;
    /// HEAD gets GET's headers, its Content-Length included, and no body; 204 and 205 have no body.
    static func finish(_ response: ServerResponse, method: String) -> ServerResponse {
        var response = response
        if response.status == 401, response.header("WWW-Authenticate") == nil {
            response.headers.append(("WWW-Authenticate", "Bearer realm=\"kitchen\""))
        }
        if response.status == 204 || response.status == 205 || response.status == 304 {
            response.body = []
            response.headers.removeAll { $0.name.lowercased() == "content-type" }
        }
        if method == "HEAD" {
            if response.header("Content-Length") == nil, response.status != 204, response.status != 304 {
                response.headers.append(("Content-Length", String(response.body.count)))
            }
            response.body = []
        }
        return response
    }

    func answer(_ request: inout ServerRequest) async -> ServerResponse {
        request.otherSiteOrigins = routes.otherSite.all
        switch routes.lookup(method: request.method, path: request.path) {
        case .found(let route, let parameters):
            request.pathParameters = parameters
            do {
                return try await route.handler.respond(to: request, database: database)
            } catch {
                // The learner sees that something failed, never a stack trace or a dropped connection.
                return .error(500, "the route \(route.method) \(route.pattern) failed: \(error)")
            }
        case .methodNotAllowed(let allowed):
            if let preflight = CORSPolicy.preflight(request, routes: routes, allowed: allowed) { return preflight }
            if request.method == "OPTIONS" {
                return ServerResponse(status: 204, headers: [("Allow", allowed.joined(separator: ", "))])
            }
            return ServerResponse.error(405, "\(request.path) does not answer \(request.method); it answers \(allowed.joined(separator: ", "))")
                .adding(header: ("Allow", allowed.joined(separator: ", ")))
        case .notFound:
            let known = Set(routes.all.map { $0.pattern.description }).sorted()
            return .error(404, "no route for \(request.path)", extra: [("routes", .array(known.map(JSONValue.string)))])
        }
    }

    func makeResponse(_ response: ServerResponse) -> Response {
        var fields = HTTPFields()
        for header in response.headers {
            if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
        }
        let status = HTTPResponse.Status(code: response.status)
        if response.body.isEmpty {
            // 205 Reset Content must say it has no body (RFC 9110 §15.3.6); so must an empty 200.
            if response.status == 205, !fields.contains(.contentLength) { fields[.contentLength] = "0" }
            return Response(status: status, headers: fields)
        }
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body)))
    }
}

extension ServerResponse {
    func adding(header: (String, String)) -> ServerResponse {
        var copy = self
        copy.headers.append((header.0, header.1))
        return copy
    }
}
