import KitchenServer
import KitchenShell

/// How the prompt shows responses and the bytes on the wire.
extension ServerPanel {
    func render(_ response: ReceivedResponse, session: ShellSession) {
        let style = session.style
        let statusLine = "\(response.version) \(response.status) \(response.reason)"
        let colored = response.status < 300 ? style.green(statusLine) : (response.status < 500 ? style.yellow(statusLine) : style.red(statusLine))
        session.output.writeLine(style.bold(colored) + style.dim("  (\(Self.format(response.milliseconds)))"))
        if showHeaders {
            for header in response.headers {
                session.output.writeLine(style.cyan(header.name) + ": " + header.value.terminalSafeLine)
            }
        }
        guard !response.body.isEmpty else { return }
        if showHeaders { session.output.writeLine() }
        // The body is data: shown as sent, never word-wrapped.
        session.output.verbatim {
            if let json = response.json, (response.header("Content-Type") ?? "").contains("json") {
                session.output.writeLine(json.pretty(color: session.settings.color))
            } else {
                session.output.writeLine(response.bodyText.terminalSafe)
            }
        }
    }

    /// The exchange's bytes, with CR LF made visible so the learner sees HTTP's line endings.
    func renderWire(_ request: PromptRequest, session: ShellSession) {
        guard let exchange = server.wire.latest(startingWith: "\(request.method) \(request.target) ") else {
            session.output.writeLine(session.style.dim("(no bytes recorded for this exchange)"))
            return
        }
        let style = session.style
        session.output.writeLine(style.bold("── request bytes, as the server received them ──"))
        // Bytes, never word-wrapped (see `.wire`).
        session.output.verbatim { session.output.writeLine(Self.visible(exchange.request, style: style)) }
        session.output.writeLine(style.bold("── response bytes, as the server sent them ──"))
        session.output.verbatim { session.output.writeLine(Self.visible(exchange.response, style: style)) }
        session.output.writeLine(style.bold("── the same response, read ──"))
    }

    static func visible(_ bytes: [UInt8], style: Style) -> String {
        TerminalText.escapedBytes(bytes, mark: style.dim)
    }

    static func format(_ milliseconds: Double) -> String {
        milliseconds < 10 ? "\((milliseconds * 100).rounded() / 100) ms" : "\(Int(milliseconds.rounded())) ms"
    }
}
