import KitchenLessons
import KitchenServer
import KitchenSupport

/// Probes made from the learner's own rules. The battery's boundaries come from the reference's
/// rules, so a rule the learner loosened by a value far from them passes: `one-of
/// open|cancelled|served` where the reference has `open|cancelled` (no near miss of open or
/// cancelled is `served`), or tightened where the reference has no bound at all (`length 1..280`
/// refuses the empty comment that `length ..280` accepts). The learner's own boundaries, sent to
/// both routes, show each such difference.
extension RouteCheck {
    func learnerRuleProbes(reference: RouteDefinition, learner: RouteDefinition, existing: [Probe]) -> [Probe] {
        guard case .object(let fields) = example else { return [] }
        let session = reference.requiresAuth ? user : nil
        var probes: [Probe] = []
        for rule in learner.rules {
            for value in Self.boundaryValues(for: rule, example: fields.first { $0.0 == rule.name }?.1) {
                var copy = fields.filter { $0.0 != rule.name }
                copy.append((rule.name, value.value))
                let input = JSONValue.object(copy)
                let sent = (existing + probes).contains { $0.method == method && $0.target == nil && $0.sessionUser == session && $0.rawBody == nil && $0.input == input }
                if sent { continue }
                probes.append(Probe(name: "\(value.name), at a boundary of your rule", method: method, input: input, sessionUser: session))
            }
        }
        return probes
    }
}
