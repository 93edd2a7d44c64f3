import KitchenLessons
import KitchenServer
import KitchenSQL
import KitchenSupport

/// Probe values at and around the limits of an input rule, and near misses of a pattern.
extension RouteCheck {
    /// The values at and around a rule's limits, each named for the probe that sends it.
    static func boundaryValues(for rule: FieldRule, example: JSONValue?) -> [(name: String, value: JSONValue)] {
        switch rule.kind {
        case .integer, .number:
            return numberBoundaries(for: rule)
        case .boolean:
            return [("\(rule.name) is true", .bool(true)), ("\(rule.name) is false", .bool(false))]
        case .text, .email, .date:
            let values = textBoundaries(for: rule, example: example)
            guard rule.pattern == nil, rule.choices == nil, rule.kind != .date else { return values }
            return values + lengthBoundaries(for: rule)
        }
    }

    /// Each `one-of` number, and the minimum and maximum, one step below and one step above each.
    static func numberBoundaries(for rule: FieldRule) -> [(name: String, value: JSONValue)] {
        var values: [(name: String, value: JSONValue)] = []
        let name = rule.name
        let make: (Double) -> JSONValue = { rule.kind == .integer ? .integer(Int64($0)) : .number($0) }
        let step = rule.kind == .integer ? 1.0 : 0.5
        if let choices = rule.choices {
            for choice in choices {
                if let number = Double(choice) { values.append(("\(name) is \(choice), one of \(choices.joined(separator: "|"))", make(number))) }
            }
        }
        if let minimum = rule.minimum {
            values.append(("\(name) exactly \(FieldValidation.show(minimum)) (the minimum)", make(minimum)))
            values.append(("\(name) just below \(FieldValidation.show(minimum)) (\(FieldValidation.show(minimum - step)))", make(minimum - step)))
            values.append(("\(name) just above \(FieldValidation.show(minimum)) (\(FieldValidation.show(minimum + step)))", make(minimum + step)))
        }
        if let maximum = rule.maximum {
            values.append(("\(name) exactly \(FieldValidation.show(maximum)) (the maximum)", make(maximum)))
            values.append(("\(name) just below \(FieldValidation.show(maximum)) (\(FieldValidation.show(maximum - step)))", make(maximum - step)))
            values.append(("\(name) just above \(FieldValidation.show(maximum)) (\(FieldValidation.show(maximum + step)))", make(maximum + step)))
        }
        if rule.minimum == nil && rule.maximum == nil && rule.choices == nil {
            values.append(("\(name) is 0", make(0)))
            values.append(("\(name) is negative", make(-1)))
        }
        return values
    }

    /// Each `one-of` text and near misses, values matching and breaking a pattern, tricky dates.
    static func textBoundaries(for rule: FieldRule, example: JSONValue?) -> [(name: String, value: JSONValue)] {
        var values: [(name: String, value: JSONValue)] = []
        let name = rule.name
        if let choices = rule.choices {
            for choice in choices { values.append(("\(name) is \"\(choice)\", one of \(choices.joined(separator: "|"))", .string(choice))) }
            // Near misses catch a loosened list (A|B|C|D for A|B|C).
            var nearMisses: [String] = []
            for choice in choices {
                for candidate in patternVariants(of: choice) + [choice + "x"] where !choices.contains(candidate) && !nearMisses.contains(candidate) {
                    nearMisses.append(candidate)
                }
            }
            for miss in nearMisses.prefix(4) { values.append(("\(name) is \"\(miss)\", not one of \(choices.joined(separator: "|"))", .string(miss))) }
            values.append(("\(name) is \"\(choices[0].uppercased() == choices[0] ? choices[0].lowercased() : choices[0].uppercased())\" (another case)",
                           .string(choices[0].uppercased() == choices[0] ? choices[0].lowercased() : choices[0].uppercased())))
        }
        if let pattern = rule.pattern, let regex = try? Regex(pattern) {
            let seed = example?.stringValue ?? ""
            let matches: (String) -> Bool = { (try? regex.wholeMatch(in: $0)) != nil }
            // The whole text shifted first; else one character at a time, which finds a second
            // value for a pattern that pins some characters (`[0-9]{2}:[03]0` for 10:30: 20:30).
            if let valid = (patternVariants(of: seed) + positionVariants(of: seed)).first(where: { $0 != seed && matches($0) }) {
                values.append(("\(name) \"\(valid.prefix(40))\", which matches the pattern", .string(valid)))
            }
            for invalid in patternBreakers(of: seed).filter({ !matches($0) }).prefix(4) {
                values.append(("\(name) \"\(invalid.prefix(40))\", which does not match the pattern", .string(invalid)))
            }
        }
        if rule.kind == .date {
            values.append(("\(name) on a leap day (2024-02-29)", .string("2024-02-29")))
            values.append(("\(name) 2023-02-29 (not a leap year)", .string("2023-02-29")))
            values.append(("\(name) not written YYYY-MM-DD (01/05/2024)", .string("01/05/2024")))
        }
        return values
    }

    /// Texts exactly at the length limits, one too short and one too long.
    static func lengthBoundaries(for rule: FieldRule) -> [(name: String, value: JSONValue)] {
        var values: [(name: String, value: JSONValue)] = []
        let name = rule.name
        func text(_ length: Int) -> String? {
            guard length >= 0 else { return nil }
            if rule.kind == .email {
                guard length >= 14 else { return nil }
                return String(repeating: "a", count: length - 12) + "@example.com"
            }
            return String(repeating: "x", count: length)
        }
        if let minimum = rule.minimumLength {
            // One too few is the empty text for a minimum of 1: a rule `length 1..280` where the
            // reference says `length ..280` differs on that value only.
            for (length, label) in [(minimum, "exactly \(minimum) characters (the minimum)"), (minimum - 1, "\(minimum - 1) characters, one too few")] {
                if let value = text(length) { values.append(("\(name) \(label)", .string(value))) }
            }
        }
        if let maximum = rule.maximumLength {
            for (length, label) in [(maximum, "exactly \(maximum) characters (the maximum)"), (maximum + 1, "\(maximum + 1) characters, one too many")] {
                if let value = text(length) { values.append(("\(name) \(label)", .string(value))) }
            }
        }
        return values
    }

    /// Texts shaped like `seed` with other characters of the same kinds (digits for digits,
    /// letters for letters), to find a second value a pattern accepts.
    static func patternVariants(of seed: String) -> [String] {
        func shift(_ text: String, by amount: UInt32) -> String {
            String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
                switch scalar.value {
                case 0x30...0x39: return Unicode.Scalar(0x30 + (scalar.value - 0x30 + amount) % 10)!
                case 0x61...0x7A: return Unicode.Scalar(0x61 + (scalar.value - 0x61 + amount) % 26)!
                case 0x41...0x5A: return Unicode.Scalar(0x41 + (scalar.value - 0x41 + amount) % 26)!
                default: return scalar
                }
            }))
        }
        return [shift(seed, by: 1), shift(seed, by: 3), shift(seed, by: 7)]
    }

    /// `seed` with one digit or letter at a time moved to the next of its kind (and the one
    /// after), first position first.
    static func positionVariants(of seed: String) -> [String] {
        let scalars = Array(seed.unicodeScalars)
        var variants: [String] = []
        for amount: UInt32 in [1, 2] {
            for (index, scalar) in scalars.enumerated() {
                let moved: Unicode.Scalar?
                switch scalar.value {
                case 0x30...0x39: moved = Unicode.Scalar(0x30 + (scalar.value - 0x30 + amount) % 10)
                case 0x61...0x7A: moved = Unicode.Scalar(0x61 + (scalar.value - 0x61 + amount) % 26)
                case 0x41...0x5A: moved = Unicode.Scalar(0x41 + (scalar.value - 0x41 + amount) % 26)
                default: moved = nil
                }
                guard let moved else { continue }
                var copy = scalars
                copy[index] = moved
                variants.append(String(String.UnicodeScalarView(copy)))
            }
        }
        return variants
    }

    /// Near misses of `seed`: a character more or less, a digit turned into a letter and back,
    /// another case, nothing at all. The ones the pattern rejects are the probes.
    static func patternBreakers(of seed: String) -> [String] {
        var candidates: [String] = []
        if let last = seed.last { candidates.append(seed + String(last)) }
        if !seed.isEmpty { candidates.append(String(seed.dropLast())) }
        func replacing(_ index: String.Index, with character: Character) -> String {
            var copy = seed
            copy.replaceSubrange(index...index, with: [character])
            return copy
        }
        if let index = seed.firstIndex(where: \.isNumber) { candidates.append(replacing(index, with: "x")) }
        if let index = seed.firstIndex(where: \.isLetter) { candidates.append(replacing(index, with: "7")) }
        candidates += [seed + " ", " " + seed, seed.uppercased(), seed.lowercased(), seed + "x", "x" + seed, "", "x"]
        var seen: Set<String> = [seed]
        return candidates.filter { seen.insert($0).inserted }
    }

}
