import ArgumentParser
import KitchenServer
import KitchenShell
import KitchenSupport
import KitchenTutor
#if canImport(Glibc)
import Glibc
#endif

/// `kitchen load URL`: a small load test against a server on this machine (Kitchen's, or any
/// other listening on loopback), drawn like `.load` at the prompt.
struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Send many requests at once to a URL on this machine; print requests per second, errors and latency.",
        discussion: """
            Sends -n requests over -c connections at once and stops after -t seconds whatever is left. \
            Only http:// URLs on 127.0.0.1 or localhost: load tests go to this machine only. \
            Exit status 0 when every request got an answer below 400, 1 otherwise.
            """
    )

    @Argument(help: ArgumentHelp("The URL, e.g. http://127.0.0.1:8080/menu (kitchen serve prints its address).", valueName: "URL"))
    var url: String
    @Option(name: .customShort("X"), help: ArgumentHelp("The method.", valueName: "METHOD")) var method: String = "GET"
    @Option(name: .customShort("d"), help: ArgumentHelp("A JSON body (sent with Content-Type: application/json).", valueName: "BODY")) var body: String?
    @Option(name: .customShort("H"), help: ArgumentHelp("A header NAME: VALUE (repeatable).", valueName: "HEADER")) var headers: [String] = []
    @Option(name: .customShort("n"), help: ArgumentHelp("How many requests (1–\(LoadPlan.requestRange.upperBound)).", valueName: "N"))
    var requests: Int = LoadPlan.defaultRequests
    @Option(name: .customShort("c"), help: ArgumentHelp("How many connections at once (1–\(LoadPlan.connectionRange.upperBound)).", valueName: "C"))
    var connections: Int = LoadPlan.defaultConnections
    @Option(name: .customShort("t"), help: ArgumentHelp("The time limit in seconds (1–\(LoadPlan.timeLimitRange.upperBound)).", valueName: "SECONDS"))
    var timeLimit: Int = LoadPlan.defaultTimeLimitSeconds

    func plan() throws -> LoadPlan {
        let location = try LoadPlan.location(of: url)
        var sentHeaders: [PromptRequest.Header] = []
        for header in headers {
            let parts = header.split(separator: ":", maxSplits: 1).map { String($0).trimmed }
            guard parts.count == 2, !parts[0].isEmpty else { throw LoadPlan.Refusal(description: "-H wants NAME: VALUE, not \(header)") }
            sentHeaders.append(.init(name: parts[0], value: parts[1]))
        }
        if body != nil, !sentHeaders.contains(where: { $0.name.lowercased() == "content-type" }) {
            sentHeaders.append(.init(name: "Content-Type", value: "application/json"))
        }
        let plan = LoadPlan(host: location.host, port: location.port, method: method.uppercased(), target: location.target, headers: sentHeaders,
                            body: body, requests: requests, connections: connections, timeLimitSeconds: timeLimit)
        try plan.validate()
        return plan
    }

    func validate() throws {
        do { _ = try plan() } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        let plan = try plan()
        let result = try Blocking.run { try await LoadRunner.run(plan) }
        let style = Style(enabled: Terminal.isTerminal(1) && getenv("NO_COLOR") == nil)
        for line in LoadReport.lines(result, style: style) { print(line) }
        if !result.errorStatuses.isEmpty || !result.failures.isEmpty { throw ExitCode.failure }
    }
}
