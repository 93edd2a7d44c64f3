/// Reading unordered rows the other way round, to find answers that rely on an order nobody
/// asked for.
///
/// Without ORDER BY, SQLite returns rows in whatever order its plan reads them: rowid order, or
/// an index's order. A query that needs an order but leaves out ORDER BY can still look right
/// (`… WHERE sold_at > ? LIMIT 20` walks the sold_at index). SQLite's
/// `PRAGMA reverse_unordered_selects` makes every loop without an ORDER BY to satisfy run
/// backwards, so such a query then gives other rows, or the same rows in another order.
///
/// See <https://www.sqlite.org/pragma.html#pragma_reverse_unordered_selects>.
extension Connection {
    /// Turns `reverse_unordered_selects` on for this connection and keeps untrusted SQL from
    /// turning it off again (an answer that did would escape the check).
    public func readUnorderedRowsReversed() throws {
        try trusted { try execute("PRAGMA reverse_unordered_selects = ON") }
        sandbox.lockedPragmas.insert("reverse_unordered_selects")
    }
}
