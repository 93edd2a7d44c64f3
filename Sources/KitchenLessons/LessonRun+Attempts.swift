import KitchenSQL
import KitchenSupport

/// Which things the learner does count as attempts at the current step, and the one-line
/// verdict a wrong attempt gets without asking.
///
/// The rule (documented in docs/lesson-format.md, "Feedback without asking"):
/// - a route defined, replaced or removed on a route step is always an attempt;
/// - a request sent from the prompt on an HTTP step is an attempt when it goes to the same
///   resource (first path segment) as the step's reference request, and the learner has sent as
///   many requests there as the reference does (the first DELETE of "DELETE it twice" is not);
/// - a statement on an SQL step is an attempt when it names a table (or view) that the step's
///   reference solution names, and
///   - on a step whose reference changes the database (INSERT, CREATE INDEX, …) it changes the
///     database too: looking at the table there is exploration;
///   - on a step whose reference is a query it is a query (SELECT, WITH, VALUES);
///   - it did not fail, except on an `sql-error` step (where a failure is the answer): the error
///     printed is feedback enough;
///   - PRAGMA, EXPLAIN and ANALYZE are never attempts, nor are dot-commands (they are not events).
extension LessonRun {
    func gradeRoutes() -> [LessonOutcome] {
        guard let step, step.check.answerKind == .routes else { return [] }
        return gradeQuietly(attempt: true)
    }

    /// Requests that other clients (curl in a second terminal, a browser) sent since the HTTP step
    /// was last graded: the step is graded on them when the learner is next back at the prompt,
    /// so a request made with curl passes the step without `.check`. Only a pass is announced:
    /// nothing the learner typed asked for a verdict.
    func gradeOutsideRequests() -> [LessonOutcome] {
        guard let lesson, let step, step.check.answerKind == .http, !progress.hasPassed(lesson.id, step: step.id) else { return [] }
        let count = environment.requestsSinceStepStart()
        guard count > requestsGraded else { return [] }
        requestsGraded = count
        return gradeQuietly(attempt: false)
    }

    /// Whether `sql`, just run (`failed`: with an error), is a plausible attempt at `step`.
    func isAttempt(sql: String, failed: Bool, at step: Step) -> Bool {
        guard step.check.answerKind == .sql else { return false }
        if failed && step.checkKind != "sql-error" { return false }
        let words = SQLWords(sql)
        guard let verb = words.verb, !["PRAGMA", "EXPLAIN", "ANALYZE", "VACUUM", "ATTACH", "DETACH", "BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"].contains(verb) else { return false }
        let reference = SQLWords(step.solution)
        if reference.changesData, !words.changesData, step.checkKind != "sql-error" { return false }
        if !reference.changesData, words.changesData { return false }
        let known = Set(((try? database?.schema())?.tableNames ?? []).map { $0.lowercased() })
        let named = words.names.intersection(known.union(reference.createdTables))
        return !named.isDisjoint(with: reference.names)
    }

    /// Whether the request `text` sent from the prompt is a plausible attempt at `step`.
    func isAttempt(request text: String, at step: Step) -> Bool {
        guard step.check.answerKind == .http else { return false }
        let sent = lesson.map { progress.lesson($0.id).answer } ?? [text]
        return Self.isAttempt(request: text, sent: sent, reference: step.solution)
    }

    /// The rule for a request: `text` is the last of `sent`, the requests sent from the prompt
    /// since the step began. It must go to the reference's resource; and when the reference sends
    /// several requests there (a DELETE, then the same DELETE again to see the 404), the learner's
    /// first ones are the way there, not wrong attempts: an attempt once as many were sent.
    /// When the reference's first request there is conditional (`If-None-Match`, `If-Match`, …),
    /// its validator was copied from an earlier answer, so getting that answer is one more request
    /// on the way.
    static func isAttempt(request text: String, sent: [String], reference: String) -> Bool {
        guard let wanted = resource(of: reference) else { return true }
        guard resource(of: text) == wanted else { return false }
        let there = requests(in: reference).filter { resource(of: $0) == wanted }
        let needed = there.count + (there.first.map(isConditional) == true ? 1 : 0)
        return sent.filter { resource(of: $0) == wanted }.count >= needed
    }

    /// Whether a request sends a precondition header (RFC 9110 §13.1), in block form
    /// (`If-None-Match: "tag"` on a line of its own) or the prompt's (`If-None-Match:'"tag"'`).
    static func isConditional(_ request: String) -> Bool {
        let preconditions = ["if-none-match:", "if-match:", "if-modified-since:", "if-unmodified-since:"]
        return request.split(whereSeparator: { $0 == "\n" || $0 == " " }).contains { word in
            let word = word.lowercased()
            return preconditions.contains { word.hasPrefix($0) }
        }
    }

    /// The requests of an HTTP answer: its parts between lines that start with `###`.
    static func requests(in answer: String) -> [String] {
        var parts: [String] = [""]
        for line in answer.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.drop(while: { $0 == " " }).hasPrefix("###") { parts.append("") } else { parts[parts.count - 1] += line + "\n" }
        }
        return parts.map(\.trimmed).filter { !$0.isEmpty }
    }

    /// The first path segment of a request's first line ("GET /menu/5?x=1" → "menu").
    public static func resource(of request: String) -> String? {
        let firstLine = request.trimmed.split(separator: "\n").first.map(String.init) ?? ""
        let parts = firstLine.split(separator: " ")
        guard let target = parts.first(where: { $0.hasPrefix("/") || $0.hasPrefix("http") }) else { return nil }
        var path = Substring(target)
        if let scheme = path.range(of: "://") {
            path = path[scheme.upperBound...]
            path = path.firstIndex(of: "/").map { path[$0...] } ?? "/"
        }
        let segment = path.drop { $0 == "/" }.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return segment.lowercased()
    }
}

extension Verdict {
    /// The verdict as one line, for feedback the learner did not ask for:
    /// "not yet: missing 3 rows — .check for details".
    public var oneLine: String {
        var reason = summary.trimmed
        let generic = reason.hasPrefix("Not yet: ") && ["not the one asked for.", "what it should after your statements.", "does not behave as this step asks."].contains { reason.hasSuffix($0) }
        if generic, let detail = details.first(where: { !$0.hasPrefix(" ") && !$0.isEmpty }) {
            reason = detail
        }
        for prefix in ["Not yet: ", "Not yet, ", "Not yet "] where reason.hasPrefix(prefix) {
            reason.removeFirst(prefix.count)
        }
        for suffix in [", for example:", ":", "."] where reason.hasSuffix(suffix) {
            reason.removeLast(suffix.count)
        }
        if let first = reason.first, reason.dropFirst().first?.isUppercase != true {
            reason = first.lowercased() + reason.dropFirst()
        }
        return "not yet: \(reason) — .check for details"
    }
}

/// The words of an SQL text, enough to tell what a statement does and which names it mentions.
struct SQLWords {
    /// Lowercased identifiers and keywords, outside strings and comments ("quoted" names included).
    var names: Set<String> = []
    /// The first keyword, uppercased.
    var verb: String?
    /// Whether any statement in the text writes (INSERT, UPDATE, DELETE, REPLACE, CREATE, DROP, ALTER).
    var changesData = false
    /// Tables the text creates.
    var createdTables: Set<String> = []

    static let writes: Set<String> = ["insert", "update", "delete", "create", "drop", "alter"]

    init(_ sql: String) {
        var words: [String] = []
        var index = sql.startIndex
        while index < sql.endIndex {
            let character = sql[index]
            if character == "-", sql[index...].hasPrefix("--") {
                index = sql[index...].firstIndex(of: "\n") ?? sql.endIndex
            } else if character == "/", sql[index...].hasPrefix("/*") {
                index = sql[sql.index(index, offsetBy: 2)...].range(of: "*/")?.upperBound ?? sql.endIndex
            } else if character == "'" {
                index = sql[sql.index(after: index)...].firstIndex(of: "'").map { sql.index(after: $0) } ?? sql.endIndex
            } else if character == "\"" || character == "`" || character == "[" {
                let close: Character = character == "[" ? "]" : character
                let start = sql.index(after: index)
                let end = sql[start...].firstIndex(of: close) ?? sql.endIndex
                words.append(String(sql[start..<end]).lowercased())
                index = end < sql.endIndex ? sql.index(after: end) : end
            } else if character.isLetter || character == "_" {
                let end = sql[index...].firstIndex { !($0.isLetter || $0.isNumber || $0 == "_") } ?? sql.endIndex
                words.append(String(sql[index..<end]).lowercased())
                index = end
            } else {
                index = sql.index(after: index)
            }
        }
        names = Set(words)
        verb = words.first?.uppercased()
        changesData = !names.isDisjoint(with: Self.writes) || verb == "REPLACE"
        for (position, word) in words.enumerated() where word == "table" && position > 0 && words[position - 1] == "create" {
            var next = position + 1
            if words.count > next + 2, words[next] == "if", words[next + 1] == "not", words[next + 2] == "exists" { next += 3 }
            if next < words.count { createdTables.insert(words[next]) }
        }
    }
}

extension LessonRun {
    /// On a multiple-choice step, the answer a line that is just an option names: a letter or a
    /// number by the choice check's rule ("c", "C", "3", "c)", "(c)", "c;", "c."). Nil for
    /// anything else, and on every other kind of step.
    public func choiceAnswer(in line: String) -> String? {
        guard let step, let choice = step.check as? ChoiceCheck, !choice.options.isEmpty else { return nil }
        var text = line.trimmed
        while let last = text.last, ";.)".contains(last) { text.removeLast() }
        if text.hasPrefix("(") { text.removeFirst() }
        text = text.trimmed
        guard text.count <= 2, !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber }),
              text.count == 1 || text.allSatisfy(\.isNumber), choice.option(for: text) != nil else { return nil }
        return text
    }

    /// What to type on a question step, for advice after something went wrong: "`.answer c`",
    /// with the option `input` seems to name (else the first letter).
    public func answerAdvice(for input: String) -> String? {
        guard let step, step.check.answerKind == .text else { return nil }
        let choice = step.check as? ChoiceCheck
        guard let choice, !choice.options.isEmpty else { return "This step is a question: type `.answer` and your answer." }
        guard let named = SQLWords(input).names.sorted().first(where: { $0.count == 1 && $0.first!.isLetter && choice.option(for: $0) != nil }) else {
            return "This step is a question: type the letter of your choice (or `.answer` and the letter) to answer it."
        }
        return "This step is a question: type `.answer \(named)` (or just the letter) to answer it."
    }
}
