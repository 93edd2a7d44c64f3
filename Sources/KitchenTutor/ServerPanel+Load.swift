import KitchenServer
import KitchenShell

extension ServerPanel {
    /// `.load [-n N] [-c C] [-t S] [METHOD] PATH [BODY]`: a small load test against the server.
    func loadCommand() -> DotCommand {
        DotCommand("load", arguments: [.text(LoadArguments.usage, rest: true)], group: "Server",
                   summary: "Send many requests at once to a route and show requests per second, errors and latency (p50/p95/p99)") { [unowned self] session, arguments in
            guard let port = frontPort else { throw CommandError("the server is not running; .server start starts it") }
            let plan: LoadPlan
            do {
                plan = try LoadArguments.parse(arguments.first ?? "").plan(port: port)
                try plan.validate()
            } catch {
                throw CommandError("\(error)")
            }
            session.output.writeLine(session.style.dim("Sending \(plan.requests) × \(plan.method) \(plan.target) over \(min(plan.connections, plan.requests)) connections (at most \(plan.timeLimitSeconds) s)…"))
            let recordedBefore = server.log.recordedCount
            let result = try Blocking.run { try await LoadRunner.run(plan) }
            for line in LoadReport.lines(result, style: session.style) { session.output.writeLine(line) }
            // Instances report their requests in batches (within 10 ms): the step is checked once
            // the log holds every answered request, or after a short wait for any that never come
            // (an answer nginx gave itself).
            let deadline = ContinuousClock.now + .milliseconds(500)
            while server.log.recordedCount - recordedBefore < result.answered, ContinuousClock.now < deadline {
                try? Blocking.run { try await Task.sleep(for: .milliseconds(2)) }
            }
            // The requests count for the step like one typed at the prompt (the step is checked now).
            if let common = result.statuses.max(by: { $0.value < $1.value }) {
                onRequestSent?(PromptRequest(method: plan.method, target: plan.target, headers: plan.headers, body: plan.body),
                               ReceivedResponse(status: common.key))
            }
            return .done
        }
    }
}
