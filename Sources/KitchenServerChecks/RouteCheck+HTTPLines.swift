import KitchenLessons
import KitchenServer
import KitchenSQL
import KitchenSupport

/// The probes for the `header`, `cache`, `limit` and `cors` lines: the headers of every answer
/// compared with the reference's, requests from listed and foreign origins and their preflights,
/// N+1 requests in a minute, and If-None-Match before and after a change to the data.
extension RouteCheck {
    /// An origin no route lists.
    static let foreignOrigin = "http://foreign.example"

    /// Which line makes which header, for saying what the learner's route lacks.
    static func line(making header: String) -> String? {
        switch header {
        case "cache-control", "etag": "cache SECONDS"
        case "retry-after": "limit N per minute"
        case "vary": "cors ORIGIN…"
        default: header.hasPrefix("access-control-") ? "cors ORIGIN…" : nil
        }
    }

    /// The response headers graded: those either route's `header` lines name, and those the
    /// `cache`, `limit` and `cors` lines make.
    static func gradedHeaderNames(_ reference: RouteDefinition, _ learner: RouteDefinition) -> Set<String> {
        Set((reference.http.headers + learner.http.headers).map { $0.name.lowercased() } + ["cache-control", "etag", "retry-after", "vary"])
    }

    /// How the graded headers of two answers differ (an ETag only by being there).
    static func headerDifference(expected: LoggedRequest, got: LoggedRequest, names: Set<String>) -> String? {
        func values(_ headers: [(name: String, value: String)]) -> [String: String] {
            var values: [String: String] = [:]
            for header in headers {
                let name = header.name.lowercased()
                guard names.contains(name) || name.hasPrefix("access-control-") else { continue }
                values[name] = values[name].map { $0 + ", " + header.value } ?? header.value
            }
            return values
        }
        let want = values(expected.responseHeaders), have = values(got.responseHeaders)
        func spelled(_ name: String) -> String {
            (expected.responseHeaders + got.responseHeaders).first { $0.name.lowercased() == name }?.name ?? name
        }
        for name in Set(want.keys).union(have.keys).sorted() {
            let wanted = want[name], received = have[name]
            if name == "etag" && (wanted == nil) == (received == nil) { continue }
            guard wanted != received else { continue }
            let line = Self.line(making: name).map { " (the line \($0))" } ?? " (a header line)"
            switch (wanted, received) {
            case (let wanted?, nil):
                return "the header \(spelled(name)) is missing; expected \(spelled(name)): \(wanted)\(line)"
            case (nil, let received?):
                return "your route sends \(spelled(name)): \(received); the reference sends no \(spelled(name))\(line)"
            default:
                return "the header \(spelled(name)) is \(received ?? ""); expected \(wanted ?? "")\(line)"
            }
        }
        return nil
    }

    /// For routes with a `cors` line (the reference's or the learner's): the valid request from
    /// each listed origin and from a foreign one, and a preflight from each.
    func corsProbes(reference: RouteDefinition, learner: RouteDefinition) -> [Probe] {
        let listed = reference.http.corsOrigins + learner.http.corsOrigins
        guard !listed.isEmpty else { return [] }
        var origins: [String] = []
        for origin in listed.map({ $0 == CORSPolicy.otherSite ? CORSPolicy.otherSiteStandIn : $0 }) + [Self.foreignOrigin]
        where origin != "*" && !origins.contains(origin) {
            origins.append(origin)
        }
        let session = reference.requiresAuth ? user : nil
        var probes: [Probe] = []
        for origin in origins {
            let whose = origin == Self.foreignOrigin ? "a foreign origin (\(origin))" : origin == CORSPolicy.otherSiteStandIn ? "the other site" : origin
            probes.append(Probe(name: "the valid request from a page on \(whose)", method: method, input: example, sessionUser: session,
                                headers: [("Origin", origin)]))
            probes.append(Probe(name: "a preflight OPTIONS from a page on \(whose)", method: "OPTIONS", input: nil, sessionUser: nil,
                                headers: [("Origin", origin), ("Access-Control-Request-Method", method),
                                          ("Access-Control-Request-Headers", "content-type")]))
        }
        return probes
    }

    /// The probes that need several requests on one server: `limit` and `cache`. Nil when the
    /// learner's route answers them as the reference does.
    func sequenceProblem(reference: RouteDefinition, learner: RouteDefinition, learnerRoutes: [RouteDefinition],
                         referenceRoutes: [RouteDefinition], context: GradingContext) throws -> Verdict? {
        let names = Self.gradedHeaderNames(reference, learner)
        let limits = [reference.http.limitPerMinute, learner.http.limitPerMinute].compactMap { $0 }
        if let most = limits.max() {
            let count = min(most, 1000) + 1
            let probe = Probe(name: "", method: method, input: example, sessionUser: reference.requiresAuth ? user : nil)
            let sent = try sendInOneMinute(Array(repeating: probe, count: count), learnerRoutes: learnerRoutes, referenceRoutes: referenceRoutes, context: context)
            for (index, exchange) in sent.enumerated() {
                var exchange = exchange
                exchange.probe.name = "request \(index + 1) of \(count) sent within a minute"
                if exchange.learner.status != exchange.expected.status {
                    let why = exchange.expected.status == 429 ? " (the line limit N per minute)" : ""
                    return failure(exchange, reference: reference, ["expected status \(exchange.expected.status), got \(exchange.learner.status)\(why)"])
                }
                if let difference = Self.headerDifference(expected: exchange.expected, got: exchange.learner, names: names) {
                    return failure(exchange, reference: reference, [difference])
                }
            }
        }
        guard reference.http.cacheSeconds != nil || learner.http.cacheSeconds != nil else { return nil }
        return try revalidationProblem(reference: reference, names: names, learnerRoutes: learnerRoutes, referenceRoutes: referenceRoutes, context: context)
    }

    /// How many requests `sequenceProblem` sends to each route set.
    func sequenceRequestCount(reference: RouteDefinition, learner: RouteDefinition) -> Int {
        let limits = [reference.http.limitPerMinute, learner.http.limitPerMinute].compactMap { $0 }
        let limitRequests = limits.max().map { min($0, 1000) + 1 } ?? 0
        let cached = reference.http.cacheSeconds != nil || learner.http.cacheSeconds != nil
        return limitRequests + (cached ? (change == nil ? 2 : 3) : 0)
    }

    /// GET, then GET with If-None-Match of the tag each route gave; then, when the step names a
    /// `change`, the change and the same conditional GET again: a 304 for changed data fails.
    func revalidationProblem(reference: RouteDefinition, names: Set<String>, learnerRoutes: [RouteDefinition],
                             referenceRoutes: [RouteDefinition], context: GradingContext) throws -> Verdict? {
        let session = reference.requiresAuth ? user : nil
        let plain = Probe(name: "the valid request", method: method, input: example, sessionUser: session)
        var steps: [(probe: Probe, changeFirst: Bool)] = [(plain, false)]
        var conditional = plain
        conditional.name = "the valid request again, with If-None-Match: the ETag of the first answer"
        steps.append((conditional, false))
        if change != nil {
            conditional.name = "the same conditional request after the data changed (\(change ?? ""))"
            steps.append((conditional, true))
        }
        let learnerServer = InProcessServer(database: try context.freshCopy(), spec: context.lesson.server, extraRoutes: learnerRoutes)
        let referenceServer = InProcessServer(database: try context.freshCopy(), spec: context.lesson.server, extraRoutes: referenceRoutes)
        var tags: (learner: String?, reference: String?) = (nil, nil)
        for (index, step) in steps.enumerated() {
            if step.changeFirst, let change {
                for server in [learnerServer, referenceServer] { try server.withConnection { try $0.execute(change) } }
            }
            var learnerRequest = request(for: step.probe, on: learnerServer)
            var referenceRequest = request(for: step.probe, on: referenceServer)
            if index > 0 {
                // Each route gets its own tag back, as a browser would send it.
                learnerRequest.headers.append(.init(name: "If-None-Match", value: tags.learner ?? "\"none\""))
                referenceRequest.headers.append(.init(name: "If-None-Match", value: tags.reference ?? "\"none\""))
            }
            guard let learner = try learnerServer.send([learnerRequest]).first, let expected = try referenceServer.send([referenceRequest]).first else {
                throw HTTPAnswer.Problem(description: "no response")
            }
            if index == 0 {
                tags = (learner.responseHeaders.first { $0.name.lowercased() == "etag" }?.value,
                        expected.responseHeaders.first { $0.name.lowercased() == "etag" }?.value)
            }
            var shown = step.probe
            if index > 0 { shown.headers.append(("If-None-Match", tags.learner ?? "\"none\"")) }
            let exchange = Exchange(probe: shown, request: learnerRequest, learner: learner, expected: expected)
            if learner.status != expected.status {
                let why = learner.status == 304 ? " (the reference's answer changed after the change; yours stayed the same)" : expected.status == 304 ? " (the line cache SECONDS)" : ""
                return failure(exchange, reference: reference, ["expected status \(expected.status), got \(learner.status)\(why)"])
            }
            if let difference = Self.headerDifference(expected: expected, got: learner, names: names) {
                return failure(exchange, reference: reference, [difference])
            }
        }
        return nil
    }

    /// The same requests sent in a row to one server per route set, as from one client.
    func sendInOneMinute(_ probes: [Probe], learnerRoutes: [RouteDefinition], referenceRoutes: [RouteDefinition],
                         context: GradingContext) throws -> [Exchange] {
        let learnerServer = InProcessServer(database: try context.freshCopy(), spec: context.lesson.server, extraRoutes: learnerRoutes)
        let referenceServer = InProcessServer(database: try context.freshCopy(), spec: context.lesson.server, extraRoutes: referenceRoutes)
        let learnerRequests = probes.map { request(for: $0, on: learnerServer) }
        let learnerLog = try learnerServer.send(learnerRequests)
        let referenceLog = try referenceServer.send(probes.map { request(for: $0, on: referenceServer) })
        return zip(probes, zip(learnerRequests, zip(learnerLog, referenceLog))).map { probe, rest in
            Exchange(probe: probe, request: rest.0, learner: rest.1.0, expected: rest.1.1)
        }
    }
}
