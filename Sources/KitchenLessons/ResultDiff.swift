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
    /// The result columns the reference sorts by, when known (`ReferenceSort`): rows equal on them
    /// tie, and a strict order is compared tie by tie, each tie's rows in any order among
    /// themselves. Nil: row by row.
    var sortColumns: [Int]?
    /// With `sortColumns`: the reference has a LIMIT, so the rows of its last tie are any of the
    /// rows that tie there (`LIMIT 2` over prices 8, 9, 9 keeps either 9).
    var limited = false

    public init(order: Order = .any, compareColumnNames: Bool = false, tolerance: Double = 1e-9) {
        self.order = order
        self.compareColumnNames = compareColumnNames
        self.tolerance = tolerance
    }

    /// Nil when `actual` matches `expected`; otherwise the explanation lines.
    public func differences(expected: ResultSet, actual: ResultSet) -> [String]? {
        if let problem = columnDifference(expected: expected, actual: actual) { return [problem] }
        let expectedKeys = expected.rows.map(key)
        let actualKeys = actual.rows.map(key)
        let (missing, extra) = unmatchedRows(expected: expected, expectedKeys: expectedKeys, actual: actual, actualKeys: actualKeys)
        if missing.isEmpty && extra.isEmpty || otherRowsOfTheCutTie(expected: expected, missing: missing, extra: extra) {
            return orderDifference(expected: expected, actual: actual, expectedKeys: expectedKeys, actualKeys: actualKeys)
        }
        if expected.rows.count == actual.rows.count, let explained = explainShape(expected: expected, actual: actual) {
            return explained
        }
        return listing(expected: expected, actual: actual, missing: missing, extra: extra)
    }

    /// A different number of columns, or (when names count) other names.
    private func columnDifference(expected: ResultSet, actual: ResultSet) -> String? {
        if expected.columns.count != actual.columns.count {
            return "wrong number of columns: expected \(expected.columns.count) (\(expected.columns.joined(separator: ", "))), got \(actual.columns.count) (\(actual.columns.joined(separator: ", ")))."
        }
        if compareColumnNames, expected.columns.map({ $0.lowercased() }) != actual.columns.map({ $0.lowercased() }) {
            return "The column names are not the ones asked for: expected \(expected.columns.joined(separator: ", ")), got \(actual.columns.joined(separator: ", ")). Name a column with AS."
        }
        return nil
    }

    /// The expected rows `actual` lacks and the rows it has that were not expected, compared as
    /// multisets of keys, then paired within the tolerance.
    private func unmatchedRows(expected: ResultSet, expectedKeys: [String], actual: ResultSet, actualKeys: [String]) -> (missing: [[DatabaseValue]], extra: [[DatabaseValue]]) {
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
        for (index, k) in expectedKeys.enumerated() where (counts[k] ?? 0) > 0 {
            counts[k]! -= 1
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
        return (missing, extra)
    }

    /// The counts, then a few of the missing and the extra rows.
    private func listing(expected: ResultSet, actual: ResultSet, missing: [[DatabaseValue]], extra: [[DatabaseValue]]) -> [String] {
        var lines = ["Expected \(Self.rows(expected.rows.count)), got \(Self.rows(actual.rows.count))."]
        if !missing.isEmpty {
            lines.append("missing \(Self.rows(missing.count)), for example:")
            lines += missing.prefix(shownRows).map { "  - " + Self.describe($0) }
        }
        if !extra.isEmpty {
            lines.append("extra \(Self.rows(extra.count)) that should not be there, for example:")
            lines += extra.prefix(shownRows).map { "  + " + Self.describe($0) }
        }
        return lines
    }

    /// The values a row is sorted by (`sortColumns`), as one key.
    private func sortKey(_ row: [DatabaseValue]) -> String {
        (sortColumns ?? []).map { $0 < row.count ? key(row[$0]) : "" }.joined(separator: "\u{1F}")
    }

    /// True when the rows that differ are all in the reference's last tie, which its LIMIT cut:
    /// as many missing as extra, every one with the sort values of the last row.
    private func otherRowsOfTheCutTie(expected: ResultSet, missing: [[DatabaseValue]], extra: [[DatabaseValue]]) -> Bool {
        guard sortColumns != nil, limited, missing.count == extra.count, let last = expected.rows.last else { return false }
        let tie = sortKey(last)
        return (missing + extra).allSatisfy { sortKey($0) == tie }
    }

    /// With a strict order, the first row that is out of place. With `sortColumns`, the rows are
    /// taken tie by tie: each position must hold a row of the tie the reference has there, and
    /// each tie the same rows (the last one, when a LIMIT cut it, any rows with its values).
    private func orderDifference(expected: ResultSet, actual: ResultSet, expectedKeys: [String], actualKeys: [String]) -> [String]? {
        guard order == .strict else { return nil }
        let misplaced: Int?
        if sortColumns != nil {
            misplaced = firstRowOutOfItsTie(expected: expected, actual: actual, expectedKeys: expectedKeys, actualKeys: actualKeys)
        } else {
            misplaced = expectedKeys.indices.first(where: { expectedKeys[$0] != actualKeys[$0] })
        }
        guard let index = misplaced else { return nil }
        return [
            "The rows are right but the order is not: row \(index + 1) is out of place.",
            "  expected row \(index + 1): " + Self.describe(expected.rows[index]),
            "  your row \(index + 1):     " + Self.describe(actual.rows[index]),
        ]
    }

    private func firstRowOutOfItsTie(expected: ResultSet, actual: ResultSet, expectedKeys: [String], actualKeys: [String]) -> Int? {
        let count = min(expected.rows.count, actual.rows.count)
        var start = 0
        while start < count {
            let tie = sortKey(expected.rows[start])
            var end = start + 1
            while end < count && sortKey(expected.rows[end]) == tie { end += 1 }
            if let index = (start..<end).first(where: { sortKey(actual.rows[$0]) != tie }) { return index }
            let cut = limited && end == expected.rows.count
            if !cut, expectedKeys[start..<end].sorted() != actualKeys[start..<end].sorted() {
                return (start..<end).first { expectedKeys[$0] != actualKeys[$0] } ?? start
            }
            start = end
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
            // Rounded to d significant digits, two values share a key only when they differ by
            // less than 10^(1-d) relatively: d = 1 - log10(tolerance) keeps that within it.
            let digits = max(1, min(15, Int((1 - log10(tolerance)).rounded(.up))))
            let rounded = Self.significantValue(number, digits: digits)
            // 3, 3.0 and 3.0000000000000004 are all the number 3.
            if rounded == rounded.rounded(), abs(rounded) < 9e15 { return "#\(Int64(rounded))" }
            return "#\(rounded)"
        case .text(let text): return "t" + text
        case .blob(let bytes): return "b" + bytes.map { String($0) }.joined(separator: ",")
        }
    }

    // MARK: Explaining a difference of shape

    /// When every row is wrong in the same way, one sentence says how: the columns are in another
    /// order, the values have the right digits but another type, or a single column is wrong.
    private func explainShape(expected: ResultSet, actual: ResultSet) -> [String]? {
        let width = expected.columns.count
        // Each explanation costs a few passes over the rows; a huge result gets the plain listing.
        guard width > 0, !expected.rows.isEmpty, expected.rows.count <= 20_000 else { return nil }
        if width > 1, columnOrder(expected: expected, actual: actual) != nil {
            return ["The columns are in a different order: expected \(expected.columns.joined(separator: ", ")); got \(actual.columns.joined(separator: ", ")). The rows are right otherwise."]
        }
        // Type only: the same rows when text that spells a number is read as that number.
        if sameMultiset(expected.rows.map { looseKey($0) }, actual.rows.map { looseKey($0) }) {
            for column in 0..<width {
                let want = expected.rows.map { Self.typeName($0[column]) }
                let have = actual.rows.map { Self.typeName($0[column]) }
                guard Set(want) != Set(have) || want.sorted() != have.sorted() else { continue }
                let example = actual.rows.first { row in !expected.rows.contains { Self.typeName($0[column]) == Self.typeName(row[column]) } }?[column]
                    ?? actual.rows[0][column]
                let wanted = Self.typeName(expected.rows.first { Self.typeName($0[column]) != Self.typeName(example) }?[column] ?? expected.rows[0][column])
                return ["The values are right but their type is not: the column \(actual.columns[column]) holds \(Self.typeName(example)) values such as \(example.sqlLiteral) where \(wanted) values are expected. Numbers stored as text compare and sort as text; CAST(… AS INTEGER) or CAST(… AS REAL) converts, and typeof() shows a value's type."]
            }
        }
        // A single wrong column: every row is right once that column is left out.
        if width > 1 {
            for column in 0..<width {
                let projectedExpected = expected.rows.map { row in key(row.enumerated().filter { $0.offset != column }.map(\.element)) }
                let projectedActual = actual.rows.map { row in key(row.enumerated().filter { $0.offset != column }.map(\.element)) }
                guard sameMultiset(projectedExpected, projectedActual) else { continue }
                var unused = Array(actual.rows.indices)
                var examples: [String] = []
                for (index, row) in expected.rows.enumerated() {
                    guard let match = unused.firstIndex(where: { projectedActual[$0] == projectedExpected[index] }) else { continue }
                    let other = actual.rows[unused.remove(at: match)]
                    if key(row[column]) != key(other[column]) && !rowsMatch([row[column]], [other[column]]) && examples.count < shownRows {
                        examples.append("  " + Self.describe(row) + "   expected \(actual.columns[column]) = \(Self.shown(row[column])), got \(Self.shown(other[column]))")
                    }
                }
                guard !examples.isEmpty else { continue }
                return ["Every row is right except the column \(actual.columns[column]), which is wrong in some rows, for example:"] + examples
            }
        }
        return nil
    }

    /// The order of `actual`'s columns that makes its rows `expected`'s, when it is not the
    /// order they are in: by name when the names are the same set, else by the values.
    private func columnOrder(expected: ResultSet, actual: ResultSet) -> [Int]? {
        let width = expected.columns.count
        var candidates: [[Int]] = []
        let wantedNames = expected.columns.map { $0.lowercased() }
        let gotNames = actual.columns.map { $0.lowercased() }
        if Set(wantedNames).count == width, Set(wantedNames) == Set(gotNames) {
            candidates.append(wantedNames.map { name in gotNames.firstIndex(of: name)! })
        }
        // Trying every order costs width! passes over the rows: only for small results.
        let orders = (1...max(1, width)).reduce(1, *)
        if width <= 6, orders * expected.rows.count <= 200_000 {
            candidates += Self.permutations(width)
        }
        for order in candidates where order != Array(0..<width) {
            let reordered = actual.rows.map { row in order.map { row[$0] } }
            if sameMultiset(expected.rows.map(key), reordered.map(key)) { return order }
        }
        return nil
    }

    private func sameMultiset(_ first: [String], _ second: [String]) -> Bool {
        guard first.count == second.count else { return false }
        var counts: [String: Int] = [:]
        for item in first { counts[item, default: 0] += 1 }
        for item in second {
            guard let count = counts[item], count > 0 else { return false }
            counts[item] = count - 1
        }
        return true
    }

    /// A row's key with text that spells a number read as the number.
    private func looseKey(_ row: [DatabaseValue]) -> String {
        row.map { value in
            if case .text(let text) = value, let number = Double(text.trimmed) {
                return key(number == number.rounded() && abs(number) < 9e15 ? .integer(Int64(number)) : .real(number))
            }
            return key(value)
        }.joined(separator: "\u{1F}")
    }

    static func typeName(_ value: DatabaseValue) -> String {
        switch value {
        case .null: "NULL"
        case .integer: "integer"
        case .real: "real"
        case .text: "text"
        case .blob: "blob"
        }
    }

    static func shown(_ value: DatabaseValue) -> String {
        if case .text(let text) = value { return "'\(text)'" }
        return describe([value])
    }

    static func permutations(_ count: Int) -> [[Int]] {
        guard count > 1 else { return [Array(0..<count)] }
        var result: [[Int]] = []
        for rest in permutations(count - 1) {
            for position in 0...rest.count {
                var order = rest
                order.insert(count - 1, at: position)
                result.append(order)
            }
        }
        return result
    }

    static func significantValue(_ value: Double, digits: Int) -> Double {
        guard value != 0, value.isFinite else { return value }
        let magnitude = Int(floor(log10(abs(value))))
        let scale = pow(10.0, Double(digits - 1 - magnitude))
        return (value * scale).rounded() / scale
    }

    /// Two rows are the same when every value is: numbers within the relative tolerance (and,
    /// for rounding noise around zero such as 5.55e-17 for 0.1 + 0.2 - 0.3, within 1e-12).
    func rowsMatch(_ first: [DatabaseValue], _ second: [DatabaseValue]) -> Bool {
        guard first.count == second.count else { return false }
        for (a, b) in zip(first, second) {
            if let x = Self.number(a), let y = Self.number(b) {
                let difference = abs(x - y)
                if difference > tolerance * max(abs(x), abs(y)) && difference > 1e-12 { return false }
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
