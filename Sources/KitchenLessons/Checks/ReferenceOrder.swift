/// The row order a `sql-result` step asks for when its author did not say (`order:` left out).
///
/// A reference whose last query ends in its own ORDER BY states that the order is part of the
/// answer ("cheapest first", "newest first"), so it is compared strictly; without one, rows are
/// compared as a multiset. Before this, leaving out `order: strict` made every order pass, an
/// answer with no ORDER BY at all included — the mistake an author on new data makes easily, and
/// one `kitchen lessons test` could not show, since the reference passes either way. An author
/// who sorts only to make the expected rows easy to read writes `order: any`.
enum ReferenceOrder {
    static func implied(by reference: String) -> ResultDiff.Order {
        ordersItsRows(reference) ? .strict : .any
    }

    /// Whether the last statement of `sql` has an ORDER BY of its own: outside parentheses, so an
    /// ORDER BY inside a subquery, a CTE or a window (`OVER (ORDER BY …)`) does not count.
    static func ordersItsRows(_ sql: String) -> Bool {
        let tokens = SQLToken.tokenize(sql)
        var depth = 0
        var ordered = false
        var afterSemicolon = false
        for (index, token) in tokens.enumerated() {
            // A statement after a `;` starts afresh; a `;` at the very end changes nothing.
            if afterSemicolon && token.text != ";" {
                ordered = false
                afterSemicolon = false
            }
            guard token.kind == .symbol || token.kind == .word else { continue }
            switch token.text {
            case "(": depth += 1
            case ")": depth = max(0, depth - 1)
            case ";" where depth == 0: afterSemicolon = true
            default:
                if depth == 0, token.keyword == "ORDER", index + 1 < tokens.count, tokens[index + 1].keyword == "BY" {
                    ordered = true
                }
            }
        }
        return ordered
    }
}
