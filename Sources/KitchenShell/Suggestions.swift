/// "Did you mean …?" by edit distance.
public enum Suggestions {
    /// The closest candidate within a distance that still looks like a typo, if any.
    public static func nearest(to word: String, among candidates: [String]) -> String? {
        let target = word.lowercased()
        let limit = max(1, target.count / 3 + 1)
        let scored = candidates.map { ($0, distance(target, $0.lowercased())) }
            .filter { $0.1 <= limit && $0.1 > 0 }
        return scored.min { $0.1 < $1.1 }?.0
            ?? candidates.first { $0.lowercased().hasPrefix(target) || target.hasPrefix($0.lowercased()) && $0.count > 2 }
    }

    /// Levenshtein distance.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
