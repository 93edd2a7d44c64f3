/// Entity tags (RFC 9110 §8.8.3) made from a response body, and `If-None-Match` against them.
public enum EntityTag {
    /// A strong tag of the body's bytes (FNV-1a, 64 bits): equal bodies, equal tags; any changed
    /// byte, another tag (collisions aside, which do not matter for change detection).
    public static func of(_ body: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in body {
            hash ^= UInt64(byte)
            hash = hash &* 0x100000001b3
        }
        let digits = String(hash, radix: 16)
        return "\"" + String(repeating: "0", count: 16 - digits.count) + digits + "\""
    }

    /// Whether an `If-None-Match` value names `tag`: a list of tags or `*`, compared weakly as the
    /// RFC asks for this header (`W/"x"` matches `"x"`).
    public static func matches(_ ifNoneMatch: String, tag: String) -> Bool {
        ifNoneMatch.split(separator: ",").contains { candidate in
            var candidate = Substring(candidate)
            while candidate.first == " " || candidate.first == "\t" { candidate = candidate.dropFirst() }
            while candidate.last == " " || candidate.last == "\t" { candidate = candidate.dropLast() }
            if candidate == "*" { return true }
            if candidate.hasPrefix("W/") { candidate = candidate.dropFirst(2) }
            return candidate == tag
        }
    }
}
