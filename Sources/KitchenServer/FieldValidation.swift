/// Checks a request's inputs against a route's rules; every failing field is reported.
public enum FieldValidation {
    /// The problems by field, in rule order; empty when every input is valid.
    static func problems(_ rules: [FieldRule], inputs: [String: JSONValue], fromQuery: Bool) -> [(String, String)] {
        var problems: [(String, String)] = []
        for rule in rules {
            guard let value = inputs[rule.name], !value.isNull else {
                if rule.required { problems.append((rule.name, "is required")) }
                continue
            }
            if let problem = check(rule, value, fromQuery: fromQuery) { problems.append((rule.name, problem)) }
        }
        return problems
    }

    static func check(_ rule: FieldRule, _ value: JSONValue, fromQuery: Bool) -> String? {
        var value = value
        // Query strings carry only text; read numbers out of them.
        if fromQuery, case .string(let text) = value {
            switch rule.kind {
            case .integer: if let number = Int64(text) { value = .integer(number) }
            case .number: if let number = Double(text) { value = .number(number) }
            case .boolean: if text == "true" || text == "false" { value = .bool(text == "true") }
            default: break
            }
        }
        switch rule.kind {
        case .integer:
            guard case .integer(let number) = value else { return "must be a whole number" }
            return range(rule, Double(number))
        case .number:
            guard let number = value.doubleValue else { return "must be a number" }
            return range(rule, number)
        case .boolean:
            guard case .bool = value else { return "must be true or false" }
            return nil
        case .text, .email, .date:
            guard case .string(let text) = value else { return "must be text (a string in double quotes)" }
            if rule.kind == .email && !isEmail(text) { return "must be an email address such as ann@example.com" }
            if rule.kind == .date && !isDate(text) { return "must be a date written YYYY-MM-DD" }
            if let minimum = rule.minimumLength, text.count < minimum {
                return minimum == 1 ? "must not be empty" : "must be at least \(minimum) characters"
            }
            if let maximum = rule.maximumLength, text.count > maximum { return "must be at most \(maximum) characters" }
            if let pattern = rule.pattern, let regex = try? Regex(pattern), (try? regex.wholeMatch(in: text)) == nil {
                return "must match the pattern \(pattern)"
            }
            if let choices = rule.choices, !choices.contains(text) { return "must be one of \(choices.joined(separator: ", "))" }
            return nil
        }
    }

    static func range(_ rule: FieldRule, _ number: Double) -> String? {
        if let choices = rule.choices, !choices.contains(where: { Double($0) == number }) {
            return "must be one of \(choices.joined(separator: ", "))"
        }
        switch (rule.minimum, rule.maximum) {
        case (let low?, let high?) where number < low || number > high: return "must be between \(show(low)) and \(show(high))"
        case (let low?, nil) where number < low: return "must be at least \(show(low))"
        case (nil, let high?) where number > high: return "must be at most \(show(high))"
        default: return nil
        }
    }

    public static func show(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : "\(number)"
    }

    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !text.contains(" "), text.count <= 254 else { return false }
        return true
    }

    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }
}
