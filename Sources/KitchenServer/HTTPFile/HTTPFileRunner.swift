#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KitchenSupport

/// Runs a `.http` file against Kitchen's server: `kitchen http FILE` and `.http FILE` at the
/// prompt both go through here.
///
///     let run = try HTTPFileRunner.prepare(path: "menu.http", options: .init(environment: "dev"))
///     let report = run.run(port: server.port)
///
/// `prepare` reads and parses the file, loads the environment, asks for `# @prompt` values and
/// checks every `{{…}}` of every request before anything is sent: a problem there is the file's
/// (exit 2). `run` then sends the requests from top to bottom, as the REST Client would one
/// after the other, with its cookie jar and redirect rules, and checks the expectations.
public struct HTTPFileRunner: Sendable {
    public struct Options: Sendable {
        /// `--env NAME`.
        public var environment: String?
        /// `--var NAME=VALUE`: answers `# @prompt NAME`, and overrides any other variable.
        public var values: [String: String]
        /// Asks the user for a `# @prompt` value; nil in batch mode (then `--var` must give it).
        public var ask: (@Sendable (_ name: String, _ description: String?) -> String?)?
        /// The process environment, for `{{$processEnv NAME}}`.
        public var processEnvironment: @Sendable (String) -> String?

        public init(environment: String? = nil, values: [String: String] = [:],
                    ask: (@Sendable (String, String?) -> String?)? = nil,
                    processEnvironment: @escaping @Sendable (String) -> String? = HTTPFileRunner.getenvValue) {
            self.environment = environment
            self.values = values
            self.ask = ask
            self.processEnvironment = processEnvironment
        }

        /// `--var NAME=VALUE` and `--env NAME` words, as both front ends accept them.
        public static func parse(_ words: [String]) throws(HTTPFileProblems) -> Options {
            var options = Options()
            var index = 0
            func problem(_ message: String) -> HTTPFileProblems {
                HTTPFileProblems([HTTPFileProblem(file: "command line", line: 1, message: message)])
            }
            while index < words.count {
                let word = words[index]
                index += 1
                var value: String?
                var flag = word
                if let equals = word.firstIndex(of: "="), word.hasPrefix("--env=") || word.hasPrefix("--var=") {
                    flag = String(word[..<equals])
                    value = String(word[word.index(after: equals)...])
                }
                guard flag == "--env" || flag == "--var" else { throw problem("unknown option \(word): use --env NAME or --var NAME=VALUE") }
                if value == nil {
                    guard index < words.count else { throw problem("\(flag) needs a value") }
                    value = words[index]
                    index += 1
                }
                if flag == "--env" {
                    options.environment = value
                } else {
                    guard let equals = value!.firstIndex(of: "="), equals != value!.startIndex else {
                        throw problem("--var takes NAME=VALUE, got \(value!)")
                    }
                    options.values[String(value![..<equals])] = String(value![value!.index(after: equals)...])
                }
            }
            return options
        }
    }

    public let file: HTTPFile
    public let environment: HTTPFileEnvironment
    let variables: HTTPFileVariables
    /// `# @prompt` answers, per request line.
    let promptValues: [Int: [String: String]]

    /// The process's own environment variables.
    public static let getenvValue: @Sendable (String) -> String? = { name in
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// Reads, parses and checks a file; throws every problem found, with its line.
    public static func prepare(path: String, options: Options = Options()) throws(HTTPFileProblems) -> HTTPFileRunner {
        let bytes: [UInt8]
        do { bytes = try FileReading.readBytes(path) } catch {
            throw HTTPFileProblems([HTTPFileProblem(file: path, line: 1, message: "cannot read it: \(error)")])
        }
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]).nonEmpty ?? "/" : "."
        let file = try HTTPFileParser.parse(bytes, path: path, directory: directory)
        return try prepare(file, options: options)
    }

    public static func prepare(_ file: HTTPFile, options: Options = Options()) throws(HTTPFileProblems) -> HTTPFileRunner {
        guard !file.requests.isEmpty else {
            throw HTTPFileProblems([HTTPFileProblem(file: file.path, line: 1, message: "no request in this file: write one such as GET /menu (requests are separated by ### lines)")])
        }
        let environment = try HTTPFileEnvironment.load(directory: file.directory, selecting: options.environment)
        var fileVariables: [String: HTTPFileVariable] = [:]
        for variable in file.variables { fileVariables[variable.name] = variable }
        var named: [String: [Int]] = [:]
        for request in file.requests { if let name = request.name { named[name, default: []].append(request.line) } }
        let system = HTTPFileSystemVariables(processEnvironment: options.processEnvironment,
                                             dotenv: HTTPFileEnvironment.dotenv(directory: file.directory),
                                             environment: environment.variables)
        let variables = HTTPFileVariables(fileVariables: fileVariables, environment: environment.variables, values: options.values,
                                          system: system, builtins: [:], namedRequests: named)
        var problems: [HTTPFileProblem] = []
        var prompts: [Int: [String: String]] = [:]
        for request in file.requests {
            for prompt in request.prompts {
                if let value = options.values[prompt.name] ?? options.ask?(prompt.name, prompt.description), !value.isEmpty {
                    prompts[request.line, default: [:]][prompt.name] = value
                } else {
                    problems.append(HTTPFileProblem(file: file.path, line: prompt.line, message: "# @prompt \(prompt.name) needs a value: give it with --var \(prompt.name)=VALUE"))
                    prompts[request.line, default: [:]][prompt.name] = "\u{1}"  // reported once, here, not again where it is used
                }
            }
        }
        let runner = HTTPFileRunner(file: file, environment: environment, variables: variables, promptValues: prompts)
        for request in file.requests {
            do { _ = try runner.builder(for: request, mode: .check(requestLine: request.line)).build(request) } catch {
                problems.append(HTTPFileProblem(file: file.path, line: error.line, message: error.message))
            }
        }
        if !problems.isEmpty { throw HTTPFileProblems(problems) }
        return runner
    }

    func builder(for request: HTTPFileRequest, mode: HTTPFileVariables.Mode, port: Int? = nil, exchanges: [String: HTTPFileExchange] = [:]) -> HTTPFileRequestBuilder {
        var scoped = variables
        scoped.values.merge(promptValues[request.line] ?? [:]) { old, _ in old }
        // Kitchen's own names, last in line: its server.
        let base = "http://127.0.0.1" + (port.map { ":\($0)" } ?? "")
        scoped.builtins = ["host": base, "baseUrl": base]
        scoped.exchanges = exchanges
        return HTTPFileRequestBuilder(file: file, variables: scoped, mode: mode)
    }

    /// Sends every request in order and checks its expectations.
    public func run(port: Int) -> HTTPFileReport {
        var exchanges: [String: HTTPFileExchange] = [:]
        var cookies = CookieJar()
        var outcomes: [HTTPFileOutcome] = []
        for request in file.requests {
            var outcome = HTTPFileOutcome(line: request.line, name: request.name)
            let sent: HTTPFileSentRequest
            do { sent = try builder(for: request, mode: .send, port: port, exchanges: exchanges).build(request) } catch {
                outcome.failures = ["\(file.path):\(error.line): not sent: \(error.message)"]
                outcomes.append(outcome)
                continue
            }
            outcome.request = sent
            do {
                var current = sent
                while true {
                    var outgoing = current
                    if request.usesCookieJar { cookies.apply(to: &outgoing) }
                    let response = try Blocking.run { [outgoing] in try await HTTPFileClient.send(outgoing, port: port) }
                    if request.usesCookieJar { cookies.store(from: response) }
                    outcome.response = response
                    guard [301, 302, 303, 307, 308].contains(response.status), let location = response.header("Location") else { break }
                    guard request.followsRedirects else {
                        outcome.redirectNotFollowed = true
                        break
                    }
                    guard outcome.hops.count < 10 else {
                        outcome.failures.append("more than 10 redirects; the last went to \(location)")
                        break
                    }
                    let next: String
                    do { next = try HTTPFileRequestBuilder.target(of: location.hasPrefix("/") || location.contains("://") ? location : Self.directory(of: current.target) + location, line: request.line, isStatic: false) } catch {
                        outcome.failures.append("redirected to \(location), which is not Kitchen's server; add # @no-redirect to check the redirect itself")
                        break
                    }
                    outcome.hops.append(.init(status: response.status, reason: response.reason, location: next))
                    // As got (the REST Client's HTTP client): 303 turns into a GET without a body;
                    // 301, 302, 307 and 308 keep the method and the body.
                    if response.status == 303 && current.method != "HEAD" {
                        current.method = "GET"
                        current.body = nil
                        current.headers.removeAll { ["content-type", "content-length"].contains($0.name.lowercased()) }
                    }
                    current.target = next
                }
            } catch {
                outcome.failures.append("\(error)")
            }
            if let response = outcome.response {
                if let name = request.name { exchanges[name] = HTTPFileExchange(line: request.line, request: sent, response: response) }
                outcome.failures += request.expectations.compactMap { $0.failure(against: response) }
                outcome.statesExpectations = !request.expectations.isEmpty
            }
            outcomes.append(outcome)
        }
        return HTTPFileReport(file: file.path, outcomes: outcomes)
    }

    static func directory(of target: String) -> String {
        let path = target.prefix { $0 != "?" }
        return path.lastIndex(of: "/").map { String(path[...$0]) } ?? "/"
    }
}

/// What one request of the file did.
public struct HTTPFileOutcome: Sendable {
    public var line: Int
    public var name: String?
    /// The request as built from the file (nil when it could not be built).
    public var request: HTTPFileSentRequest?
    /// Redirects followed, in order.
    public var hops: [Hop] = []
    /// The last response received.
    public var response: ReceivedResponse?
    /// A redirect came back and `# @no-redirect` kept it.
    public var redirectNotFollowed = false
    /// Failed expectations, or why the request was not sent.
    public var failures: [String] = []
    /// The file states what this request should get (`HTTP 201`, asserts).
    public var statesExpectations = false

    public var passed: Bool { failures.isEmpty && response != nil }

    public struct Hop: Sendable {
        public var status: Int
        public var reason: String
        public var location: String
    }

    init(line: Int, name: String?) {
        self.line = line
        self.name = name
    }
}

/// The outcome of a whole file, and its lines as both front ends print them.
public struct HTTPFileReport: Sendable {
    public var file: String
    public var outcomes: [HTTPFileOutcome]

    public var failed: Int { outcomes.filter { !$0.passed }.count }
    public var passed: Int { outcomes.count - failed }
    /// 0 when every request got its expected response, 1 otherwise.
    public var exitCode: Int32 { failed == 0 ? 0 : 1 }

    public struct Line: Sendable, Equatable {
        public enum Kind: Sendable { case passed, failed, detail, summary }
        public var kind: Kind
        public var text: String
    }

    public var lines: [Line] {
        var lines: [Line] = []
        for outcome in outcomes {
            var text = outcome.passed ? "✓ " : "✗ "
            if let request = outcome.request {
                text += "\(request.method) \(request.target)"
                for hop in outcome.hops {
                    text += " → \(hop.status) \(hop.reason), followed to \(hop.location)"
                }
                if let response = outcome.response {
                    text += " → \(response.status) \(response.reason)"
                    if outcome.redirectNotFollowed { text += " (not followed: # @no-redirect)" }
                    text += " (\((response.milliseconds * 100).rounded() / 100) ms)"
                }
            } else {
                text += "request at line \(outcome.line)"
            }
            if !outcome.passed { text += "  (\(file):\(outcome.line))" }
            lines.append(Line(kind: outcome.passed ? .passed : .failed, text: text))
            lines += outcome.failures.map { Line(kind: .detail, text: "    " + $0) }
            if let note = Self.errorNote(outcome) { lines.append(Line(kind: .detail, text: note)) }
        }
        lines.append(Line(kind: .summary, text: "\(passed) passed, \(failed) failed"))
        return lines
    }
}

extension HTTPFileReport {
    /// What the server said with an error status, below the request's line: an error that no
    /// expectation asked about still counts as answered (as in the REST Client and Hurl, a request
    /// without `HTTP …` checks nothing), but a ✓ beside a 422 reads like success; and a failed
    /// expectation is easier to fix with the server's reason beside it.
    static func errorNote(_ outcome: HTTPFileOutcome) -> String? {
        guard let response = outcome.response, response.status >= 400 else { return nil }
        var said = String(decoding: response.body.prefix(200), as: UTF8.self)
            .split(whereSeparator: \.isNewline).map(\.blankTrimmed).joined(separator: " ")
        if response.body.count > 200 || said.count > 120 { said = String(said.prefix(120)) + "…" }
        if outcome.passed && !outcome.statesExpectations {
            return "    \(response.status) is not checked (no HTTP line under the request states a status)"
                + (said.isEmpty ? "" : "; the server said: \(said)")
        }
        return outcome.passed || said.isEmpty ? nil : "    the server said: \(said)"
    }
}

/// The REST Client remembers cookies for later requests (`rememberCookiesForSubsequentRequests`);
/// so does Kitchen, for its one server, unless a request has `# @no-cookie-jar` or sets its own
/// `Cookie` header.
struct CookieJar {
    var cookies: [(name: String, value: String)] = []

    mutating func store(from response: ReceivedResponse) {
        for header in response.headers where header.name.lowercased() == "set-cookie" {
            let parts = header.value.split(separator: ";").map { $0.blankTrimmed }
            guard let pair = parts.first, let equals = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<equals]), value = String(pair[pair.index(after: equals)...])
            let expired = parts.dropFirst().contains { attribute in
                let lower = attribute.lowercased()
                return lower.hasPrefix("max-age=") && (Int(lower.dropFirst(8)) ?? 1) <= 0
            }
            cookies.removeAll { $0.name == name }
            if !expired { cookies.append((name, value)) }
        }
    }

    func apply(to request: inout HTTPFileSentRequest) {
        guard !cookies.isEmpty, request.header("Cookie") == nil else { return }
        request.headers.append(("Cookie", cookies.map { "\($0.name)=\($0.value)" }.joined(separator: "; ")))
    }
}

extension String {
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
