#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KitchenSupport

/// Environments for a `.http` file, chosen with `--env NAME`:
///
/// - the REST Client's `"rest-client.environmentVariables"` in `.vscode/settings.json` (in the
///   file's folder or the nearest folder above it that has one), where `$shared` holds values
///   for every environment and `{{$shared NAME}}` refers to one of them;
/// - JetBrains' `http-client.env.json` beside the file, with `http-client.private.env.json`
///   overriding it value by value.
///
/// When both name the same environment, the REST Client's values win. Without `--env`, only
/// `$shared` applies (the REST Client's "No Environment").
public struct HTTPFileEnvironment: Sendable {
    public var name: String?
    public var variables: [String: String]

    public static func load(directory: String, selecting name: String?) throws(HTTPFileProblems) -> HTTPFileEnvironment {
        var sources: [(file: String, environments: [String: [String: String]])] = []
        for file in ["http-client.env.json", "http-client.private.env.json"] {
            let path = directory + "/" + file
            if exists(path) { sources.append((path, try environments(inJSONFile: path, key: nil))) }
        }
        var folder = realPath(directory) ?? directory
        for _ in 0..<64 {
            let path = folder + "/.vscode/settings.json"
            if exists(path) {
                let found = try environments(inJSONFile: path, key: "rest-client.environmentVariables")
                if !found.isEmpty { sources.append((path, found)) }
                break
            }
            let parent = parentFolder(of: folder)
            if parent == folder { break }
            folder = parent
        }
        var merged: [String: [String: String]] = [:]
        for source in sources {
            for (environment, values) in source.environments {
                merged[environment, default: [:]].merge(values) { _, new in new }
            }
        }
        let shared = merged["$shared"] ?? [:]
        var chosen = shared
        if let name {
            guard let values = merged[name] else {
                let known = merged.keys.filter { $0 != "$shared" }.sorted()
                let message = known.isEmpty
                    ? "no environment named \(name): there is no http-client.env.json beside the file and no rest-client.environmentVariables in .vscode/settings.json"
                    : "no environment named \(name); the environments are: \(known.joined(separator: ", "))"
                throw HTTPFileProblems([HTTPFileProblem(file: sources.first?.file ?? directory, line: 1, message: message)])
            }
            chosen.merge(values) { _, new in new }
        }
        // {{$shared NAME}} inside an environment's values.
        for (key, value) in chosen where value.contains("{{$shared") {
            var text = value
            while let open = text.range(of: "{{$shared"), let close = text[open.upperBound...].range(of: "}}") {
                let sharedName = text[open.upperBound..<close.lowerBound].blankTrimmed
                text.replaceSubrange(open.lowerBound..<close.upperBound, with: shared[sharedName] ?? "")
            }
            chosen[key] = text
        }
        return HTTPFileEnvironment(name: name, variables: chosen)
    }

    static func environments(inJSONFile path: String, key: String?) throws(HTTPFileProblems) -> [String: [String: String]] {
        let text: String
        do { text = try FileReading.read(path) } catch {
            throw HTTPFileProblems([HTTPFileProblem(file: path, line: 1, message: "cannot read it: \(error)")])
        }
        // settings.json is JSON with comments: drop whole-line // comments.
        let cleaned = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.blankTrimmed.hasPrefix("//") ? "" : String($0) }.joined(separator: "\n")
        let root: JSONValue
        do { root = try JSONValue.parse(cleaned) } catch {
            let parseError = error as? JSONValue.ParseError
            throw HTTPFileProblems([HTTPFileProblem(file: path, line: parseError?.line ?? 1, message: "not valid JSON: \(parseError.map { "\($0.message) (column \($0.column))" } ?? "\(error)")")])
        }
        var table = root
        if let key {
            guard let section = root[key] else { return [:] }
            table = section
        }
        guard case .object(let environments) = table else {
            throw HTTPFileProblems([HTTPFileProblem(file: path, line: 1, message: "environments must be a JSON object of objects: {\"dev\": {\"host\": \"…\"}}")])
        }
        var result: [String: [String: String]] = [:]
        for (environment, values) in environments {
            guard case .object(let pairs) = values else {
                throw HTTPFileProblems([HTTPFileProblem(file: path, line: 1, message: "the environment \(environment) must be an object of names and values")])
            }
            for (name, value) in pairs {
                switch value {
                case .string(let text): result[environment, default: [:]][name] = text
                case .integer, .number, .bool: result[environment, default: [:]][name] = value.serialized()
                default:
                    throw HTTPFileProblems([HTTPFileProblem(file: path, line: 1, message: "\(environment).\(name) must be a string or a number")])
                }
            }
            if result[environment] == nil { result[environment] = [:] }
        }
        return result
    }

    /// `KEY=VALUE` lines of a `.env` file (`#` comments, optional quotes, optional `export`).
    static func dotenv(directory: String) -> [String: String]? {
        let path = directory + "/.env"
        guard exists(path), let text = try? FileReading.read(path) else { return nil }
        var values: [String: String] = [:]
        for raw in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            var line = raw.blankTrimmed
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).blankTrimmed }
            guard let equals = line.firstIndex(of: "=") else { continue }
            var value = String(line[line.index(after: equals)...]).blankTrimmed
            if value.count >= 2, let quote = value.first, quote == "\"" || quote == "'", value.last == quote {
                value = String(value.dropFirst().dropLast())
            }
            values[String(line[..<equals]).blankTrimmed] = value
        }
        return values
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The folder above an absolute folder ("/" is its own parent).
    static func parentFolder(of folder: String) -> String {
        guard let slash = folder.lastIndex(of: "/"), slash != folder.startIndex else { return "/" }
        return String(folder[..<slash])
    }
}
