import Foundation
import Testing
@testable import KitchenServer

/// Every file of `Tests/http-corpus`, as written (LF), with CR LF line endings, and with CR LF
/// and a UTF-8 byte order mark, run against a recording server: the bytes that arrive must be
/// exactly those of `NAME.expected`, whatever the line endings of the file.
///
/// `KITCHEN_RECORD_CORPUS=1 swift test --filter HTTPFileCorpus` writes missing `.expected` files
/// from what arrives; read them before committing.
@Suite("A corpus of .http files, LF and CR LF, recorded at the socket")
struct HTTPFileCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("http-corpus").path

    static let names: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: corpus)) ?? [])
        .filter { $0.hasSuffix(".http") }.sorted()

    enum LineEndings: String, CaseIterable, CustomTestStringConvertible {
        case lf, crlf, crlfWithByteOrderMark
        var testDescription: String { rawValue }

        func apply(_ text: String) -> [UInt8] {
            switch self {
            case .lf: return Array(text.utf8)
            case .crlf: return Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
            case .crlfWithByteOrderMark: return [0xEF, 0xBB, 0xBF] + Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
            }
        }
    }

    static let processEnvironment: @Sendable (String) -> String? = { name in
        ["KITCHEN_TEST_TOKEN": "env-tok-5", "KITCHEN_TEST_MEAL": "for two"][name]
    }

    @Test("the corpus has files", .timeLimit(.scaledMinutes(1)))
    func corpusIsThere() {
        #expect(Self.names.count >= 12, "\(Self.corpus)")
    }

    @Test("each file sends exactly its expected bytes", .timeLimit(.scaledMinutes(1)), arguments: names, LineEndings.allCases)
    func recorded(name: String, endings: LineEndings) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let copy = folder.file("corpus")
        try FileManager.default.copyItem(atPath: Self.corpus, toPath: copy)
        let text = try String(contentsOfFile: Self.corpus + "/" + name, encoding: .utf8)
        try Data(endings.apply(text)).write(to: URL(fileURLWithPath: copy + "/" + name))

        var options = HTTPFileRunner.Options(processEnvironment: Self.processEnvironment)
        if let first = text.split(separator: "\n").first, first.hasPrefix("# kitchen-test:") {
            let given = try HTTPFileRunner.Options.parse(first.dropFirst("# kitchen-test:".count).split(separator: " ").map(String.init))
            options.environment = given.environment
            options.values = given.values
        }
        let server = try RecordingServer()
        defer { server.stop() }
        let runner = try HTTPFileRunner.prepare(path: copy + "/" + name, options: options)
        let report = await runner.runOffPool(port: server.port)
        #expect(report.exitCode == 0, "\(report.lines.map(\.text).joined(separator: "\n"))")
        #expect(report.outcomes.count == runner.file.requests.count)

        let expectedPath = Self.corpus + "/" + name.replacingOccurrences(of: ".http", with: ".expected")
        if !FileManager.default.fileExists(atPath: expectedPath), ProcessInfo.processInfo.environment["KITCHEN_RECORD_CORPUS"] == "1", endings == .lf {
            try server.transcript.write(toFile: expectedPath, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: expectedPath, encoding: .utf8)
        #expect(server.transcript == expected)
    }
}
