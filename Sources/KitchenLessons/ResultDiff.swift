import KitchenSQL

/// Compares two result sets the way a teacher would: columns first, then rows as a multiset
/// (or in order), with a tolerance for REAL values, and says what differs in words.
public struct ResultDiff: Sendable {
    public enum Order: String, Sendable { case any, strict }

    public var order: Order = .any
    public var compareColumnNames = false
    /// Relative tolerance for REAL values.
    public var tolerance = 1e-9
    /// How many missing or extra rows an explanation shows.
    public var shownRows = 5

    public init(order: Order = .any, compareColumnNames: Bool = false, tolerance: Double = 1e-9) {
        self.order = order
        self.compareColumnNames = compareColumnNames
        self.tolerance = tolerance
    }

    /// Nil when `actual` matches `expected`; otherwise the explanation lines.
    public func differences(expected: ResultSet, actual: ResultSet) -> [String]? {
        if expected.columns.count != actual.columns.count {
            return ["wrong number of columns: expected \(expected.columns.count) (\(expected.columns.joined(separator: ", "))), got \(actual.columns.count) (\(actual.columns.joined(separator: ", ")))."]
        }
        if compareColumnNames {
            let wanted = expected.columns.map { $0.lowercased() }
            let got = actual.columns.map { $0.lowercased() }
            if wanted != got {
                return ["The column names are not the ones asked for: expected \(expected.columns.joined(separator: ", ")), got \(actual.columns.joined(separator: ", ")). Name a column with AS."]
            }
        }
        let expectedKeys = expected.rows.map(key)
        let actualKeys = actual.rows.map(key)
        var counts: [String: Int] = [:]
        for k in expectedKeys { counts[k, default: 0] += 1 }
        var extra: [[DatabaseValue]] = []
        for (index, k) in actualKeys.enumerated() {
            if let count = counts[k], count > 0 {
                counts[k] = count - 1
            } else {
                extra.append(actual.rows[index])
            }
        }
        var missing: [[DatabaseValue]] = []
        var remaining = counts
        for (index, k) in expectedKeys.enumerated() where (remaining[k] ?? 0) > 0 {
            remaining[k]! -= 1
            missing.append(expected.rows[index])
        }
        // Rounding to digits puts two close values in different buckets when they straddle a
        // rounding boundary; pair what is left by comparing numbers within the tolerance.
        if !missing.isEmpty && !extra.isEmpty && missing.count * extra.count <= 4_000_000 {
            var unmatched: [[DatabaseValue]] = []
            for row in missing {
                if let index = extra.firstIndex(where: { rowsMatch(row, $0) }) {
                    extra.remove(at: index)
                } else {
                    unmatched.append(row)
                }
            }
            missing = unmatched
        }
        var lines: [String] = []
        if !missing.isEmpty || !extra.isEmpty {
            lines.append("Expected \(Self.rows(expected.rows.count)), got \(Self.rows(actual.rows.count)).")
        }
        if !missing.isEmpty {
            lines.append("missing \(Self.rows(missing.count)), for example:")
            lines += missing.prefix(shownRows).map { "  - " + Self.describe($0) }
        }
        if !extra.isEmpty {
            lines.append("extra \(Self.rows(extra.count)) that should not be there, for example:")
            lines += extra.prefix(shownRows).map { "  + " + Self.describe($0) }
        }
        if !lines.isEmpty { return lines }
        if order == .strict, let index = expectedKeys.indices.first(where: { expectedKeys[$0] != actualKeys[$0] }) {
            return [
                "The rows are right but the order is not: row \(index + 1) is out of place.",
                "  expected row \(index + 1): " + Self.describe(expected.rows[index]),
                "  your row \(index + 1):     " + Self.describe(actual.rows[index]),
            ]
        }
        return nil
    }

    /// A canonical text for a row: numbers compare by value (12 and 12.0 are equal), REAL values
    /// to the tolerance's number of significant digits.
    private func key(_ row: [DatabaseValue]) -> String {
        row.map(key).joined(separator: "\u{1F}")
    }

    private func key(_ value: DatabaseValue) -> String {
        switch value {
        case .null: return "n"
        case .integer(let number): return "#\(number)"
        case .real(let number):
            let digits = max(1, min(15, Int((-log10(tolerance)).rounded())))
            let rounded = Self.significantValue(number, digits: digits)
            // 3, 3.0 and 3.0000000000000004 are all the number 3.
            if rounded == rounded.rounded(), abs(rounded) < 9e15 { return "#\(Int64(rounded))" }
            return "#\(rounded)"
        case .text(let text): return "t" + text
        case .blob(let bytes): return "b" + bytes.map { String($0) }.joined(separator: ",")
        }
    }

    static func significantValue(_ value: Double, digits: Int) -> Double {
        guard value != 0, value.isFinite else { return value }
        let magnitude = Int(floor(log10(abs(value))))
        let scale = pow(10.0, Double(digits - 1 - magnitude))
        return (value * scale).rounded() / scale
    }

    /// Two rows are the same when every value is: numbers within the relative tolerance.
    func rowsMatch(_ first: [DatabaseValue], _ second: [DatabaseValue]) -> Bool {
        guard first.count == second.count else { return false }
        for (a, b) in zip(first, second) {
            if let x = Self.number(a), let y = Self.number(b) {
                if abs(x - y) > tolerance * max(1, abs(x), abs(y)) { return false }
            } else if key(a) != key(b) {
                return false
            }
        }
        return true
    }

    static func number(_ value: DatabaseValue) -> Double? {
        switch value {
        case .integer(let number): Double(number)
        case .real(let number): number
        default: nil
        }
    }

    static func rows(_ count: Int) -> String { count == 1 ? "1 row" : "\(count) rows" }

    /// A row as the learner would read it: `Pizza | 12.5 | NULL`.
    public static func describe(_ row: [DatabaseValue]) -> String {
        row.map { value in
            switch value {
            case .null: "NULL"
            case .text(let text): text.isEmpty ? "''" : text
            default: value.textValue ?? ""
            }
        }.joined(separator: " | ")
    }
}

#if canImport(Glibc)
import Glibc
#endif
