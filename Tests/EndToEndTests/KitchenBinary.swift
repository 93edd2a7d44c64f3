import Foundation
import Testing

/// The built `kitchen` executable, run as a learner's shell would run it.
///
/// The EndToEndTests target depends on the executable, so it is built into the same products
/// folder as this test bundle. `KITCHEN_BINARY` overrides the search.
enum KitchenBinary {
    static let path: String? = locate()

    private static func locate() -> String? {
        let fileManager = FileManager.default
        if let override = ProcessInfo.processInfo.environment["KITCHEN_BINARY"], fileManager.isExecutableFile(atPath: override) {
            return override
        }
        var folders: [URL] = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        if let executable = Bundle.main.executableURL { folders.append(executable.deletingLastPathComponent()) }
        folders.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for folder in folders {
            // The test bundle may sit in debug/ or inside debug/X.xctest/…; look up a few levels.
            var candidate = folder.standardizedFileURL
            for _ in 0..<4 {
                let binary = candidate.appendingPathComponent("kitchen").path
                var isDirectory: ObjCBool = false
                if fileManager.fileExists(atPath: binary, isDirectory: &isDirectory), !isDirectory.boolValue,
                   fileManager.isExecutableFile(atPath: binary) {
                    return binary
                }
                candidate.deleteLastPathComponent()
            }
        }
        return nil
    }

    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: Data
        var out: String { String(decoding: stdout, as: UTF8.self) }
        var err: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// Runs `kitchen ARGUMENTS` with `input` on stdin (a file, so it is not a terminal) and a fresh
    /// KITCHEN_HOME unless `home` is given. Output goes through files, so large output cannot block.
    static func run(_ arguments: [String], input: String = "", home: String? = nil, environment: [String: String] = [:],
                    wrapper: [String] = [], timeout: Double = 30) throws -> Result {
        let binary = try #require(path, "the kitchen binary was not found next to the test bundle (\(Bundle.main.bundleURL.path))")
        let scratch = try TemporaryFolder()
        defer { scratch.remove() }
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NO_COLOR")
        env["KITCHEN_HOME"] = home ?? scratch.file("home")
        for (key, value) in environment { env[key] = value }
        // A wrapper such as ["/usr/bin/time", "-v"] runs kitchen under another program.
        return try runProgram(wrapper.first ?? binary, wrapper.isEmpty ? arguments : Array(wrapper.dropFirst()) + [binary] + arguments,
                              input: input, environment: env, in: scratch, timeout: timeout, name: "kitchen \(arguments.joined(separator: " "))")
    }

    /// Runs `executable` to its end in `scratch`, with `input` on stdin (a file, so it is not a
    /// terminal) and its output through files, so large output cannot block. Past `timeout`
    /// seconds it is stopped and the test records an issue.
    static func runProgram(_ executable: String, _ arguments: [String], input: String, environment: [String: String],
                           in scratch: TemporaryFolder, timeout: Double?, name: String) throws -> Result {
        let stdinPath = scratch.file("stdin"), stdoutPath = scratch.file("stdout"), stderrPath = scratch.file("stderr")
        try Data(input.utf8).write(to: URL(fileURLWithPath: stdinPath))
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: scratch.path)
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: stdinPath))
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
        if let timeout {
            let timeout = timeout * TestTimeScale.factor
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning {
                if Date() > deadline {
                    process.terminate()
                    Issue.record("\(name) did not finish within \(timeout) s")
                    break
                }
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: try Data(contentsOf: URL(fileURLWithPath: stdoutPath)),
                      stderr: try Data(contentsOf: URL(fileURLWithPath: stderrPath)))
    }
}

/// A fresh folder, removed with `remove()`.
struct TemporaryFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.path + "/kitchen-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }
    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs another program (sqlite3, script) and returns its exit status and output.
func runTool(_ executable: String, _ arguments: [String], input: String = "", environment: [String: String] = [:]) throws -> KitchenBinary.Result {
    let scratch = try TemporaryFolder()
    defer { scratch.remove() }
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    return try KitchenBinary.runProgram(executable, arguments, input: input, environment: env, in: scratch, timeout: nil, name: executable)
}
