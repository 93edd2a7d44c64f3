/// The transaction rule of `statements`: order alone cannot tell one transaction from two.
/// `BEGIN; INSERT INTO orders …; COMMIT; BEGIN; INSERT INTO order_items …; COMMIT;` has a BEGIN,
/// both INSERTs and a COMMIT in order, yet a crash between the two blocks leaves an order without
/// lines, which is exactly what the step teaches to avoid.
///
/// The rule: a requirement whose alternatives all start with `BEGIN` opens a group, and the next
/// requirement whose alternatives all start with `COMMIT`, `END` or `ROLLBACK` closes it. The
/// statement meeting the opener must really open a transaction, every requirement between them
/// must be met by a statement that ran inside that same transaction, and the statement meeting the
/// closer must be the one that ended it (so the group committed, or rolled back when the closer is
/// ROLLBACK). A closer with no opener before it must end some transaction; an opener with no closer
/// after it keeps the rest of the list inside its transaction. Requirements outside a group are
/// matched by order only. Where a statement ran is read from SQLite's autocommit flag as the answer
/// runs (`AnswerRun.places`), not from the text.
extension StatementRequirement {
    enum TransactionRole { case opens, closes, neither }

    var transactionRole: TransactionRole {
        let openings = alternatives.map { Array(SQLToken.tokenize($0).prefix(2)).map(\.keyword) }
        if openings.allSatisfy({ $0.first == "BEGIN" }) { return .opens }
        if openings.allSatisfy({ ["COMMIT", "END"].contains($0.first) || ($0.first == "ROLLBACK" && $0.dropFirst().first != "TO") }) {
            return .closes
        }
        return .neither
    }

    /// Nil when `statements`, run at `places`, meet every requirement in order and keep every group
    /// inside one transaction; otherwise the requirements of the group that did not hold together.
    public static func brokenTransaction(_ requirements: [StatementRequirement], in statements: [String],
                                         places: [AnswerRun.TransactionPlace]) -> [StatementRequirement]? {
        guard requirements.contains(where: { $0.transactionRole != .neither }), places.count >= statements.count else { return nil }
        struct State: Hashable { var requirement: Int; var from: Int; var scope: Int? }
        var failed = Set<State>()
        var deepest = 0
        func match(_ state: State) -> Bool {
            if state.requirement == requirements.count { return true }
            if failed.contains(state) { return false }
            deepest = max(deepest, state.requirement)
            let requirement = requirements[state.requirement]
            for index in state.from..<statements.count where requirement.isMet(by: statements[index]) {
                let place = places[index]
                var scope = state.scope
                switch requirement.transactionRole {
                case .opens:
                    guard place.opens else { continue }
                    scope = place.transaction
                case .closes:
                    guard place.closes, state.scope == nil || place.transaction == state.scope else { continue }
                    scope = nil
                case .neither:
                    if let wanted = state.scope, place.transaction != wanted { continue }
                }
                if match(State(requirement: state.requirement + 1, from: index + 1, scope: scope)) { return true }
            }
            failed.insert(state)
            return false
        }
        if match(State(requirement: 0, from: 0, scope: nil)) { return nil }
        return group(containing: deepest, in: requirements)
    }

    /// The requirements of the group (opener to closer) around `index`, or the first group.
    static func group(containing index: Int, in requirements: [StatementRequirement]) -> [StatementRequirement] {
        var groups: [Range<Int>] = []
        var start: Int?
        for (position, requirement) in requirements.enumerated() {
            switch requirement.transactionRole {
            case .opens: start = position
            case .closes:
                groups.append((start ?? position)..<(position + 1))
                start = nil
            case .neither: break
            }
        }
        if let start { groups.append(start..<requirements.count) }
        let chosen = groups.first { $0.contains(index) } ?? groups.last { $0.upperBound <= index } ?? groups.first ?? 0..<requirements.count
        return Array(requirements[chosen])
    }

    /// The learner's explanation of statements that are all there but not in one transaction.
    static func transactionVerdict(group: [StatementRequirement]) -> Verdict {
        let names = group.map(\.described)
        let list = names.count > 1 ? names.dropLast().joined(separator: ", ") + " and " + names.last! : names.joined()
        return .fail("Not yet: the data is right, but \(list) did not run as one transaction.", [
            "A transaction is everything from BEGIN to the COMMIT (or ROLLBACK) that ends it: a statement before BEGIN or after COMMIT runs on its own, and a second BEGIN starts another transaction.",
        ] + group.compactMap(\.message))
    }
}
