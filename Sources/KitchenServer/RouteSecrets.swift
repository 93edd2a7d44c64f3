#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// The values of the server's secrets (`secret NAME` in a route, docs/routes.md): from the
/// lesson's `server: secrets:` and, winning over it, the environment variable
/// `KITCHEN_SECRET_NAME` (the name in capitals). A route binds one to `:NAME`; the server masks
/// every value wherever it would show one: responses, the request log (`.requests`, `kitchen
/// serve`'s lines) and the raw bytes of `.wire`.
public final class ServerSecrets: Sendable {
    /// The prefix of the environment variables that hold secrets.
    public static let environmentPrefix = "KITCHEN_SECRET_"
    /// Shorter values are refused: they would be guessable, and masking them would blot out
    /// ordinary text in every log.
    public static let minimumLength = 8

    private let values = Mutex<[String: String]>([:])

    public init(configured: [String: String] = [:], environment: [String: String] = ServerSecrets.processEnvironment()) {
        configure(configured, environment: environment)
    }

    /// Replaces every value: the configured ones, then the environment's on top.
    public func configure(_ configured: [String: String], environment: [String: String] = ServerSecrets.processEnvironment()) {
        var merged: [String: String] = [:]
        for (name, value) in configured { merged[name.uppercased()] = value }
        for (name, value) in environment where name.hasPrefix(Self.environmentPrefix) && name.count > Self.environmentPrefix.count {
            merged[String(name.dropFirst(Self.environmentPrefix.count)).uppercased()] = value
        }
        values.withLock { $0 = merged }
    }

    /// The variables of this process whose names start with `KITCHEN_SECRET_`.
    public static func processEnvironment() -> [String: String] {
        ProcessInfo.processInfo.environment.filter { $0.key.hasPrefix(environmentPrefix) }
    }

    public enum Lookup: Equatable {
        case value(String)
        case missing
        case tooShort
    }

    /// The value of the secret `name` (names are matched without regard to case, as the
    /// environment variable is written in capitals).
    public func lookup(_ name: String) -> Lookup {
        guard let value = values.withLock({ $0[name.uppercased()] }) else { return .missing }
        return value.count < Self.minimumLength ? .tooShort : .value(value)
    }

    /// Why a declared secret cannot be bound, for the learner; nil when every one can.
    func problem(with names: [String]) -> String? {
        for name in names {
            switch lookup(name) {
            case .value: continue
            case .missing:
                return "the secret \(name) has no value: give it one in the lesson's server: secrets:, or in the environment variable \(Self.environmentPrefix)\(name.uppercased()) before starting Kitchen"
            case .tooShort:
                return "the secret \(name) is shorter than \(Self.minimumLength) characters: too easy to guess, and too short to be masked in the logs"
            }
        }
        return nil
    }

    /// What masks `value`: the name, never a character of the value.
    static func mask(_ name: String) -> String { "[secret \(name)]" }

    /// The values to hide, with the forms they take in a URL (percent-encoded) as well.
    private var hidden: [(form: String, mask: String)] {
        let values = self.values.withLock { $0 }
        var hidden: [(form: String, mask: String)] = []
        for (name, value) in values.sorted(by: { $0.key < $1.key }) where value.count >= Self.minimumLength {
            // As typed, percent-encoded, and with + for spaces (HTML forms, HTTPie's name==value).
            let encoded = QueryString.encode(value)
            for form in [value, encoded, encoded.replacing("%20", with: "+")] where !hidden.contains(where: { $0.form == form }) {
                hidden.append((form: form, mask: Self.mask(name)))
            }
        }
        return hidden
    }

    /// `text` with every secret's value replaced by its mask.
    public func mask(_ text: String) -> String {
        let hidden = self.hidden
        guard !hidden.isEmpty else { return text }
        var text = text
        for (form, mask) in hidden where text.contains(form) { text = text.replacing(form, with: mask) }
        return text
    }

    public func mask(_ bytes: [UInt8]) -> [UInt8] {
        guard !values.withLock({ $0.isEmpty }) else { return bytes }
        let text = String(decoding: bytes, as: UTF8.self)
        let masked = mask(text)
        return masked == text ? bytes : Array(masked.utf8)
    }

    /// A response with no secret in its headers or body.
    func mask(_ response: ServerResponse) -> ServerResponse {
        guard !values.withLock({ $0.isEmpty }) else { return response }
        var response = response
        response.body = mask(response.body)
        response.headers = response.headers.map { (name: $0.name, value: mask($0.value)) }
        return response
    }

    /// A log entry with no secret in anything the client sent or the server answered.
    public func mask(_ entry: LoggedRequest) -> LoggedRequest {
        guard !values.withLock({ $0.isEmpty }) else { return entry }
        var entry = entry
        entry.path = mask(entry.path)
        entry.query = mask(entry.query)
        entry.headers = entry.headers.map { (name: $0.name, value: mask($0.value)) }
        entry.body = mask(entry.body)
        entry.responseHeaders = entry.responseHeaders.map { (name: $0.name, value: mask($0.value)) }
        entry.responseBody = mask(entry.responseBody)
        entry.explanation = entry.explanation?.map { mask($0) }
        return entry
    }
}

/// The definition-time side of secrets: a statement may compare or store a secret, never return it.
enum RouteSecrets {
    /// The first of `secrets` that `sql` would send back: named in a result column list
    /// (between SELECT and FROM, or after RETURNING), at any depth. A look at the text, so it is
    /// conservative (`SELECT :key = :given` is refused too: compare in WHERE); what it cannot see
    /// (a secret stored and then selected) the masking of responses still hides.
    static func returned(in sql: String, secrets: [String]) -> RouteInputs.Parameter? {
        guard !secrets.isEmpty else { return nil }
        let secretSet = Set(secrets)
        // Whether each parenthesis depth is inside a result list.
        var inResults: [Bool] = [false]
        for token in SQLWords.scan(sql) {
            switch token {
            case .open: inResults.append(inResults.last ?? false)
            case .close: if inResults.count > 1 { inResults.removeLast() }
            case .word(let word):
                switch word.uppercased() {
                case "SELECT", "RETURNING": inResults[inResults.count - 1] = true
                case "FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "WINDOW", "UNION", "INTERSECT", "EXCEPT", "VALUES", "SET", "ON":
                    inResults[inResults.count - 1] = false
                default: break
                }
            case .parameter(let parameter):
                if inResults.last == true && secretSet.contains(parameter.name) { return parameter }
            case .end:
                inResults = [false]
            case .positional:
                break
            }
        }
        return nil
    }
}

extension LearnerRoute {
    /// Binds each declared secret to its parameter; a 500 explained to the learner when one has
    /// no value (the client learns nothing about it).
    func bindSecrets(into inputs: inout [String: JSONValue]) -> ServerResponse? {
        guard !definition.options.secrets.isEmpty else { return nil }
        if let problem = secrets.problem(with: definition.options.secrets) {
            var response = ServerResponse.error(500, "the route's secret is not configured; Kitchen's prompt (or kitchen serve) shows the learner why")
            response.explanation = ["the route \(definition.key) cannot run: " + problem]
            return response
        }
        for name in definition.options.secrets {
            if case .value(let value) = secrets.lookup(name) { inputs[name] = .string(value) }
        }
        return nil
    }
}
