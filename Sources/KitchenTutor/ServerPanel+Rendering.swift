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
        session.output.writeLine(Self.visible(exchange.request, style: style))
        session.output.writeLine(style.bold("── response bytes, as the server sent them ──"))
        session.output.writeLine(Self.visible(exchange.response, style: style))
        session.output.writeLine(style.bold("── the same response, read ──"))
    }

    static func visible(_ bytes: [UInt8], style: Style) -> String {
        var text = ""
        var run: [UInt8] = []
        func flushRun() {
            text += String(decoding: run, as: UTF8.self)
            run.removeAll()
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                flushRun()
                text += style.dim("\\r\\n") + "\n"
                index += 2
                continue
            }
            if byte == 0x0A {
                flushRun()
                text += style.dim("\\n") + "\n"
            } else if byte < 0x20 || byte == 0x7F {
                flushRun()
                text += style.dim("\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16))
            } else {
                // Printable bytes, UTF-8 sequences included, are decoded together.
                run.append(byte)
            }
            index += 1
        }
        flushRun()
        return text
    }

    static func format(_ milliseconds: Double) -> String {
        milliseconds < 10 ? "\((milliseconds * 100).rounded() / 100) ms" : "\(Int(milliseconds.rounded())) ms"
    }
}
