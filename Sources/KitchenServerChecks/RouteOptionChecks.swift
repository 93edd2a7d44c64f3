import KitchenLessons
import KitchenServer

/// What the `route` check adds for HTML routes and secrets (docs/lesson-format.md, `route`).
enum RouteOptionChecks {
    /// A route that has a secret's value written in it fails, whatever the probes say: the value
    /// belongs in the server's secrets (`secret NAME`), not in code that is saved, listed and shared.
    static func writtenSecret(in answer: String, spec: ServerSpec?) -> Verdict? {
        guard let name = spec?.secrets.sorted(by: { $0.key < $1.key }).first(where: { answer.contains($0.value) })?.key else { return nil }
        return .fail("Not yet: your route has the value of the secret \(name) written in it.", [
            "Anyone who reads the route (.routes, the saved file, an export) now knows it. Declare it with the line",
            "secret \(name) and use :\(name) in the SQL; the server binds the value and never shows it.",
        ])
    }

    /// For bodies that are not JSON (an `html` route's page): nil when they are the same text,
    /// else where they first differ.
    static func pageDifference(expected: [UInt8], actual: [UInt8]) -> String? {
        guard expected != actual else { return nil }
        let want = Array(String(decoding: expected, as: UTF8.self)), got = Array(String(decoding: actual, as: UTF8.self))
        var index = 0
        while index < want.count && index < got.count && want[index] == got[index] { index += 1 }
        func excerpt(_ characters: [Character]) -> String {
            let start = max(0, index - 20)
            let text = String(characters[start..<min(characters.count, index + 40)])
            return (start > 0 ? "…" : "") + text.replacing("\n", with: "\\n")
        }
        return "the page differs from character \(index + 1): got \"\(excerpt(got))\"; expected \"\(excerpt(want))\""
    }
}
