import KitchenSQL

extension DatabaseComparison {
    /// True when `query` gives exactly the same rows in the same order on both connections,
    /// compared value by value as SQLite steps both statements together.
    ///
    /// A fast way to settle the common case before the row-by-row diff, which builds every row
    /// of both tables in memory and matches them in any order: grading a route compares the
    /// whole database after every probe, and most tables (a 120,000-row one among them) were
    /// not touched. Equal sequences are equal in any order, so answering true never hides a
    /// difference; anything else (another order, another type) is left to the full diff.
    static func sameRows(_ query: String, _ first: Connection, _ second: Connection) throws -> Bool {
        try first.trusted {
            try second.trusted {
                let one = try first.prepare(query)
                let other = try second.prepare(query)
                let columns = one.columnCount
                guard columns == other.columnCount else { return false }
                while true {
                    let more = try one.step()
                    guard more == (try other.step()) else { return false }
                    guard more else { return true }
                    for index in 0..<columns where !sameValue(one, other, at: index) { return false }
                }
            }
        }
    }

    /// Same storage class and same value; reals by their bits, so that -0.0 and 0.0 (which the
    /// diff may tell apart) never count as the same here.
    private static func sameValue(_ one: Statement, _ other: Statement, at index: Int) -> Bool {
        let type = one.columnType(at: index)
        guard type == other.columnType(at: index) else { return false }
        switch type {
        case .null: return true
        case .real: return one.double(at: index).bitPattern == other.double(at: index).bitPattern
        case .blob:
            return one.withBlob(at: index) { a in other.withBlob(at: index) { b in a.elementsEqual(b) } }
        case .integer: return one.value(at: index) == other.value(at: index)
        case .text:
            return one.withText(at: index) { a in other.withText(at: index) { b in a.elementsEqual(b) } ?? false } ?? false
        }
    }
}
