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
        let headers = Self.headers(authority: request.head.authority, fields: request.headers)
        let method = request.method.rawValue
        let path = request.uri.path
        let rawQuery = request.uri.query ?? ""
        var body: [UInt8] = []
        var response: ServerResponse
        do {
            var buffer = try await request.body.collect(upTo: limits.maximumBodyBytes)
            body = buffer.readBytes(length: buffer.readableBytes) ?? []
            if let refusal = gateRefusal(method: method, path: path, rawQuery: rawQuery, headers: headers) {
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
        return makeResponse(complete(response, method: method, path: path, rawQuery: rawQuery, headers: headers, body: body, started: started))
    }

    /// Answers a request with no body on the calling thread (a channel's event loop) when that
    /// needs no waiting, for a route that may have a response ready (a cached GET): the gate
    /// refuses it, or the response is there.
    /// Nil sends the request the usual way, to `respond(to:context:)`; nothing was done for it then.
    /// What is answered here is finished and logged exactly as `respond` does.
    func respondAtOnce(method: String, path: String, rawQuery: String, headers: [(name: String, value: String)], clientAddress: String?) -> ServerResponse? {
        let started = ContinuousClock.now
        // Only for a route that may have an answer ready: any other request goes on untouched,
        // without a second gate check and route lookup.
        guard case .found(let route, let parameters) = routes.lookup(method: method, path: path), route.handler.mayRespondAtOnce else { return nil }
        var response: ServerResponse
        if let refusal = gateRefusal(method: method, path: path, rawQuery: rawQuery, headers: headers) {
            response = refusal
        } else {
            var request = ServerRequest(method: method, path: path, rawQuery: rawQuery, headers: headers)
            request.clientAddress = clientAddress
            request.otherSiteOrigins = routes.otherSite.all
            request.pathParameters = parameters
            guard let ready = route.handler.respondAtOnce(to: request, database: database) else { return nil }
            response = ready
        }
        return complete(response, method: method, path: path, rawQuery: rawQuery, headers: headers, body: [], started: started)
    }

    /// The request's headers as routes, the log and `/echo` see them. HTTPTypes keeps Host apart,
    /// as the authority: it comes first, as a header.
    static func headers(authority: String?, fields: HTTPFields) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(fields.count + 1)
        if let authority { headers.append(("Host", authority)) }
        for field in fields {
            headers.append((field.name.rawName, field.value))
        }
        return headers
    }

    func gateRefusal(method: String, path: String, rawQuery: String, headers: [(name: String, value: String)]) -> ServerResponse? {
        RequestGate.refusal(method: method, path: path, rawQuery: rawQuery, headers: headers, port: instance.portForHostCheck(headers, bound: bound.port))
    }

    /// The last steps of every request, however it was answered: what HTTP asks of every
    /// response (`finish`), the instance's name, and the request log's entry.
    func complete(_ response: ServerResponse, method: String, path: String, rawQuery: String, headers: [(name: String, value: String)],
                  body: [UInt8], started: ContinuousClock.Instant) -> ServerResponse {
        var response = Self.finish(response, method: method)
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
        return response
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
        let (status, fields) = Self.head(of: response)
        if response.body.isEmpty { return Response(status: status, headers: fields) }
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body)))
    }

    /// The status and header fields a response is written with.
    static func head(of response: ServerResponse) -> (HTTPResponse.Status, HTTPFields) {
        var fields = HTTPFields()
        for header in response.headers {
            if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
        }
        // 205 Reset Content must say it has no body (RFC 9110 §15.3.6); so must an empty 200.
        if response.body.isEmpty, response.status == 205, !fields.contains(.contentLength) { fields[.contentLength] = "0" }
        return (HTTPResponse.Status(code: response.status), fields)
    }
}

extension ServerResponse {
    func adding(header: (String, String)) -> ServerResponse {
        var copy = self
        copy.headers.append((header.0, header.1))
        return copy
    }
}
