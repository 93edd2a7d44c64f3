/// A logged request as one line of JSON: how an instance of `kitchen serve --instances` tells
/// the process in front of it what it answered, so one request log holds every instance's.
extension LoggedRequest {
    /// How much of each body travels (the log keeps little more, and a line must stay small).
    static let jsonLineBodyBytes = 4096

    public var jsonLine: String {
        func pairs(_ headers: [(name: String, value: String)]) -> JSONValue {
            .array(headers.map { .array([.string($0.name), .string($0.value)]) })
        }
        func text(_ bytes: [UInt8]) -> JSONValue { .string(String(decoding: bytes.prefix(Self.jsonLineBodyBytes), as: UTF8.self)) }
        var fields: [(String, JSONValue)] = [
            ("time", .number(time)), ("method", .string(method)), ("path", .string(path)), ("query", .string(query)),
            ("headers", pairs(headers)), ("body", text(body)), ("status", .integer(Int64(status))),
            ("responseHeaders", pairs(responseHeaders)), ("responseBody", text(responseBody)),
            ("milliseconds", .number(durationMilliseconds)),
        ]
        if let explanation { fields.append(("explanation", .array(explanation.map(JSONValue.string)))) }
        return JSONValue.object(fields).serialized()
    }

    /// Reads a line written by `jsonLine`; nil for anything else.
    public init?(jsonLine line: String) {
        guard let value = try? JSONValue.parse(Array(line.utf8)), let method = value["method"]?.stringValue,
              let path = value["path"]?.stringValue, let status = value["status"]?.doubleValue else { return nil }
        func pairs(_ value: JSONValue?) -> [(name: String, value: String)] {
            guard case .array(let items)? = value else { return [] }
            return items.compactMap { item in
                guard case .array(let pair) = item, pair.count == 2, let name = pair[0].stringValue, let value = pair[1].stringValue else { return nil }
                return (name, value)
            }
        }
        var explanation: [String]?
        if case .array(let lines)? = value["explanation"] { explanation = lines.compactMap(\.stringValue) }
        self.init(id: 0, time: value["time"]?.doubleValue ?? 0, method: method, path: path, query: value["query"]?.stringValue ?? "",
                  headers: pairs(value["headers"]), body: Array((value["body"]?.stringValue ?? "").utf8), status: Int(status),
                  responseHeaders: pairs(value["responseHeaders"]), responseBody: Array((value["responseBody"]?.stringValue ?? "").utf8),
                  durationMilliseconds: value["milliseconds"]?.doubleValue ?? 0, explanation: explanation)
    }
}
