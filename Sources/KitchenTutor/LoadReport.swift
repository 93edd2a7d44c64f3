import KitchenServer
import KitchenShell

/// A load run drawn for the terminal: the summary, errors by status, the percentiles and a small
/// histogram of bars. Shared by `.load` at the prompt and `kitchen load`.
public enum LoadReport {
    /// The widest bar, in characters.
    static let barWidth = 40

    public static func lines(_ result: LoadResult, style: Style) -> [String] {
        let plan = result.plan
        var lines: [String] = []
        lines.append(style.bold("\(plan.method) \(plan.target)") + style.dim(" — \(result.sent) requests over \(min(plan.connections, plan.requests)) connections in \(seconds(result.elapsedSeconds))"))
        if result.stoppedByTimeLimit {
            lines.append(style.yellow("Stopped at the time limit of \(plan.timeLimitSeconds) s with \(plan.requests - result.sent) of \(plan.requests) requests not sent (-t raises it)."))
        }
        lines.append("Requests per second: " + style.bold(rate(result.requestsPerSecond)))
        let good = result.statuses.filter { $0.key < 400 }.sorted { $0.key < $1.key }
        if !good.isEmpty {
            lines.append("Answered: " + good.map { "\($0.value) × \($0.key)" }.joined(separator: ", "))
        }
        if result.errorStatuses.isEmpty && result.failures.isEmpty {
            lines.append("Errors: " + style.green("none"))
        } else {
            for error in result.errorStatuses {
                lines.append(style.red("Errors: \(error.count) × \(error.status)"))
            }
            for (reason, count) in result.failures.sorted(by: { $0.value > $1.value }) {
                lines.append(style.red("No answer: \(count) × \(reason)"))
            }
        }
        guard let p50 = result.p50, let p95 = result.p95, let p99 = result.p99 else { return lines }
        lines.append("Latency: p50 \(time(p50))  p95 \(time(p95))  p99 \(time(p99))"
                     + style.dim("  (fastest \(time(result.fastest ?? 0)), slowest \(time(result.slowest ?? 0)))"))
        let most = max(1, result.bars.map(\.count).max() ?? 1)
        let labels = result.bars.map { "≤ " + time($0.upToMicroseconds) }
        let labelWidth = labels.map(\.count).max() ?? 0
        for (bar, label) in zip(result.bars, labels) {
            let length = bar.count == 0 ? 0 : max(1, bar.count * barWidth / most)
            let padded = String(repeating: " ", count: labelWidth - label.count) + label
            lines.append("  \(padded) " + style.cyan(String(repeating: "█", count: length)) + " \(bar.count)")
        }
        return lines
    }

    /// Microseconds as the unit that reads best: 850 µs, 4.2 ms, 1.3 s.
    static func time(_ microseconds: UInt64) -> String {
        if microseconds < 1000 { return "\(microseconds) µs" }
        if microseconds < 10_000 { return "\(Double(microseconds / 10) / 100) ms" }
        if microseconds < 1_000_000 { return "\(Double(microseconds / 100) / 10) ms" }
        return "\(Double(microseconds / 10_000) / 100) s"
    }

    static func seconds(_ value: Double) -> String {
        "\((value * 100).rounded() / 100) s"
    }

    static func rate(_ value: Double) -> String {
        value >= 100 ? "\(Int(value.rounded()))" : "\((value * 10).rounded() / 10)"
    }
}
