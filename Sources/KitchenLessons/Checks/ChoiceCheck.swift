import KitchenSupport

/// `choice`: a concept question, answered with the option's text, its letter, or its number; or a
/// short answer matched against accepted answers.
///
/// The rule, so that no answer is ambiguous: an answer equal to an option's text (ignoring case,
/// surrounding space and a trailing `.` or `)`) is that option; else a single letter is the
/// option at that position (a, b, c…); else a number is the option at that position, but only
/// when no option's text is a number (with options "2", "3", "4", "5", the answer "3" is the
/// option "3", never the third option).
struct ChoiceCheck: Check {
    var options: [String]
    var accepted: [String]

    static let kind = CheckKind(name: "choice", options: ["options", "accept"]) { options in
        let choices = try options.strings("options") ?? []
        let accepted = try options.strings("accept") ?? []
        guard !choices.isEmpty || !accepted.isEmpty else {
            throw options.problem("a choice check needs 'options' (multiple choice) or 'accept' (short answer)")
        }
        return ChoiceCheck(options: choices, accepted: accepted)
    }

    static let letters = Array("abcdefghijklmnopqrstuvwxyz")

    /// The option an answer names: by text, then by letter, then by number (see the type's rule).
    func option(for answer: String) -> Int? {
        let text = Self.fold(answer)
        if let index = options.firstIndex(where: { Self.fold($0) == text }) { return index }
        if text.count == 1, let letter = text.first, let index = Self.letters.firstIndex(of: letter), index < options.count { return index }
        if !numericOptions, let number = Int(text), number >= 1, number <= options.count { return number - 1 }
        return nil
    }

    /// True when some option's text is a number: then a number answers by text only.
    var numericOptions: Bool {
        options.contains { Double(Self.fold($0)) != nil }
    }

    func grade(_ answer: Answer, in context: GradingContext) throws -> Verdict {
        guard !answer.isEmpty else {
            return .fail("No answer yet: answer with .answer followed by your choice.")
        }
        if options.isEmpty {
            let wanted = ([context.step.solution] + accepted).map(Self.fold)
            return wanted.contains(Self.fold(answer.text))
                ? .pass("Correct.")
                : .fail("That is not the right answer.")
        }
        guard let chosen = option(for: answer.text) else {
            let how = numericOptions ? "Answer with a letter (a number here is read as an option's text):" : "Answer with a letter:"
            return .fail("\(answer.text.trimmed) is not one of the choices. \(how)", listing)
        }
        guard let right = option(for: context.step.solution) else {
            throw LessonProblem(file: context.lesson.file, line: context.step.line, message: "the solution of step '\(context.step.id)' is not one of its options")
        }
        return chosen == right
            ? .pass("Correct: \(options[right]).")
            : .fail("\(Self.letters[chosen])) is not the right answer.")
    }

    var presentation: [String] {
        options.isEmpty ? ["Answer with .answer followed by your answer."] : listing + ["Type the letter of your choice (or .answer and the letter)."]
    }

    var answerKind: AnswerKind { .text }

    func isSameAnswer(_ first: Answer, _ second: Answer) -> Bool {
        if let a = option(for: first.text), let b = option(for: second.text) { return a == b }
        return Self.fold(first.text) == Self.fold(second.text)
    }

    var listing: [String] {
        options.enumerated().map { "  \(Self.letters[$0.offset])) \($0.element)" }
    }

    static func fold(_ text: String) -> String {
        var folded = text.trimmed.lowercased()
        while folded.hasSuffix(".") || folded.hasSuffix(")") { folded.removeLast() }
        return folded
    }
}
