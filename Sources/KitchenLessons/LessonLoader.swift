import KitchenSupport
import Yams
#if canImport(Glibc)
import Glibc
#endif

/// Loads lesson files from a folder. A bad file is reported with its file:line and skipped; the
/// other lessons still load.
public struct LessonLoader {
    public var registry: CheckRegistry

    public init(registry: CheckRegistry = .standard) {
        self.registry = registry
    }

    /// Every lesson found, in file-name order, and the problems of the files that did not load.
    public struct Catalog: Sendable {
        /// The lessons in order, as the menu knows them; each parsed in full when first needed.
        public var entries: [LessonEntry]
        public var problems: [LessonProblem]
        /// The folder the lessons came from.
        public var directory: String
        /// The fixtures' server specs by fixture name, when the lesson index knows them.
        public var serverSpecs: [String: ServerSpec] = [:]

        public init(entries: [LessonEntry], problems: [LessonProblem], directory: String) {
            self.entries = entries
            self.problems = problems
            self.directory = directory
        }

        public init(lessons: [Lesson], problems: [LessonProblem], directory: String) {
            self.init(entries: lessons.map { LessonEntry($0) }, problems: problems, directory: directory)
        }

        /// Every lesson, parsed in full.
        public var lessons: [Lesson] { entries.compactMap(\.lesson) }

        public func lesson(_ id: String) -> Lesson? {
            entries.first { $0.id == id }?.lesson
        }
    }

    public func loadDirectory(_ directory: String) -> Catalog {
        var lessons: [Lesson] = []
        var problems: [LessonProblem] = []
        let files = Self.yamlFiles(in: directory)
        if files.isEmpty {
            problems.append(LessonProblem(file: directory, line: nil, message: "no lesson files (*.yaml) found"))
        }
        for (file, result) in zip(files, loadFiles(files, in: directory)) {
            do {
                let lesson = try result.get()
                if let earlier = lessons.first(where: { $0.id == lesson.id }) {
                    problems.append(LessonProblem(file: file, line: lesson.idLine, message: "duplicate lesson id '\(lesson.id)', already used by \(earlier.file)"))
                    continue
                }
                lessons.append(lesson)
            } catch let problem as LessonProblem {
                problems.append(problem)
            } catch {
                problems.append(LessonProblem(file: file, line: nil, message: "\(error)"))
            }
        }
        // Prerequisites must name lessons that loaded.
        for lesson in lessons {
            for required in lesson.requires where !lessons.contains(where: { $0.id == required }) {
                problems.append(LessonProblem(file: lesson.file, line: nil, message: "requires unknown lesson '\(required)'"))
            }
        }
        return Catalog(lessons: lessons, problems: problems, directory: directory)
    }

    public func load(file path: String, displayName: String? = nil, fixtures: String) throws -> Lesson {
        let name = displayName ?? path
        let text: String
        do {
            text = try FileReading.read(path)
        } catch {
            throw LessonProblem(file: name, line: nil, message: "cannot read the file: \(error)")
        }
        return try parse(text, file: name, fixtures: fixtures)
    }

    /// Parses one lesson's YAML text. Past the YAML itself and its format, parsing goes on after
    /// a problem (in a step, the setup, the server…), so an author sees every problem of the file
    /// in one run, in the order of their lines; more than one is thrown as the first with the
    /// others in its `more`.
    public func parse(_ text: String, file: String, fixtures: String) throws -> Lesson {
        let reader = try YAMLReader(try composeRoot(text, file: file), file: file, what: "a lesson")
        guard let format = reader.int("format") else {
            throw reader.problem("the lesson is missing 'format: 1'")
        }
        guard format == 1 else {
            throw reader.problem("format \(format) is not supported; this Kitchen reads format 1", at: reader.line(of: "format"))
        }
        var found = LessonProblem.Collector(file: file)
        found.attempt { try reader.checkKeys(allowed: ["format", "id", "title", "summary", "requires", "setup", "steps", "server"], what: "the lesson") }
        let id = found.attempt { () throws -> String in
            let id = try reader.nonEmptyString("id", in: "the lesson")
            try Self.checkIdentifier(id, reader: reader, key: "id")
            return id
        }
        let setup = found.attempt { try parseSetup(reader, fixtures: fixtures) } ?? LessonSetup()
        let steps = parseSteps(reader, file: file, found: &found)
        let server = found.attempt { try parseServer(reader, setup: setup, file: file, fixtures: fixtures) } ?? nil
        let title = found.attempt { try reader.nonEmptyString("title", in: "the lesson") }
        let summary = found.attempt { try reader.nonEmptyString("summary", in: "the lesson") }
        let requires = found.attempt { try reader.stringList("requires") ?? [] }
        try found.throwIfAny()
        guard let id, let steps, let title, let summary, let requires else { throw reader.problem("the lesson could not be read") }
        var lesson = Lesson(id: id, title: title, summary: summary, requires: requires, setup: setup, steps: steps, server: server, file: file)
        lesson.idLine = reader.line(of: "id")
        return lesson
    }

    /// The YAML document's root node; an empty file or invalid YAML is a `LessonProblem` with
    /// the line Yams names.
    private func composeRoot(_ text: String, file: String) throws -> Node {
        do {
            guard let node = try YAMLReader.compose(text) else {
                throw LessonProblem(file: file, line: nil, message: "the file is empty")
            }
            return node
        } catch let error as YamlError {
            throw LessonProblem(file: file, line: Self.line(of: error), message: "not valid YAML: \(Self.problem(of: error))")
        }
    }

    /// The lesson's steps: at least one, and no two with the same id. A step with a problem is
    /// left out and the next one read, so every step's problems are found.
    private func parseSteps(_ reader: YAMLReader, file: String, found: inout LessonProblem.Collector) -> [Step]? {
        guard let stepNodes = found.attempt({ try reader.list("steps") }) ?? nil, !stepNodes.isEmpty else {
            found.attempt { throw reader.problem("the lesson has no 'steps'") }
            return nil
        }
        var steps: [Step] = []
        for node in stepNodes {
            guard let step = found.attempt({ try parseStep(node, file: file) }) else { continue }
            if steps.contains(where: { $0.id == step.id }) {
                found.attempt { throw LessonProblem(file: file, line: step.line, message: "duplicate step id '\(step.id)'") }
            }
            steps.append(step)
        }
        return steps
    }

    /// The lesson's own `server:`, else the one its fixture brings (`fixtures/NAME.server.yaml`),
    /// with its routes checked by the registry's route validator when there is one.
    private func parseServer(_ reader: YAMLReader, setup: LessonSetup, file: String, fixtures: String) throws -> ServerSpec? {
        var server: ServerSpec?
        if let node = reader.node("server") {
            server = try ServerSpec.parse(node, file: file, lessonsDirectory: Self.parent(of: fixtures))
        } else if let fixture = setup.fixtureName, FileReading.exists(fixtures + "/" + fixture + ".server.yaml") {
            do {
                server = try ServerSpec.load(file: fixtures + "/" + fixture + ".server.yaml", lessonsDirectory: Self.parent(of: fixtures))
            } catch let problem as LessonProblem {
                throw problem
            } catch {
                throw LessonProblem(file: "fixtures/\(fixture).server.yaml", line: nil, message: "\(error)")
            }
        }
        if let routes = server?.routes, let validator = registry.routeValidator, let problem = validator(routes) {
            // A block scalar starts on the line after `routes: |`.
            throw LessonProblem(file: file, line: (server?.routesLine ?? 0) + problem.line, message: "in server.routes: \(problem.message)")
        }
        return server
    }

    private func parseSetup(_ lesson: YAMLReader, fixtures: String) throws -> LessonSetup {
        guard let node = lesson.node("setup") else { return LessonSetup() }
        let reader = try YAMLReader(node, file: lesson.file, what: "'setup'")
        try reader.checkKeys(allowed: ["fixture", "sql", "variant"], what: "'setup'")
        var setup = LessonSetup(sql: try reader.optionalString("sql"), variantSQL: try reader.optionalString("variant"))
        setup.sqlLine = reader.has("sql") ? reader.line(of: "sql") : nil
        setup.variantLine = reader.has("variant") ? reader.line(of: "variant") : nil
        if let fixture = try reader.optionalString("fixture") {
            guard fixture.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw reader.problem("fixture names a file in lessons/fixtures without its .sql ending, such as 'restaurant'", at: reader.line(of: "fixture"))
            }
            do {
                setup.fixtureSQL = try FileReading.read(fixtures + "/" + fixture + ".sql")
                setup.fixtureName = fixture
            } catch {
                throw reader.problem("fixture '\(fixture)' not found: there is no fixtures/\(fixture).sql", at: reader.line(of: "fixture"))
            }
        }
        return setup
    }

    private func parseStep(_ node: Node, file: String) throws -> Step {
        let reader = try YAMLReader(node, file: file, what: "a step")
        try reader.checkKeys(allowed: ["id", "title", "text", "task", "check", "hints", "solution", "wrong", "setup", "probes", "statements"], what: "a step")
        let id = try reader.nonEmptyString("id", in: "a step")
        try Self.checkIdentifier(id, reader: reader, key: "id")
        let what = "step '\(id)'"
        guard let checkNode = reader.node("check") else { throw reader.problem("\(what) is missing 'check'") }
        let checkReader = try YAMLReader(checkNode, file: file, what: "'check'")
        let kindName = try checkReader.nonEmptyString("kind", in: "'check' of \(what)")
        guard let kind = registry.kinds[kindName] else {
            throw checkReader.problem("unknown check kind '\(kindName)'; known kinds: \(registry.names.joined(separator: ", "))", at: checkReader.line(of: "kind"))
        }
        try checkReader.checkKeys(allowed: kind.options.union(["kind"]), what: "a \(kindName) check")
        let check = try kind.make(CheckOptions(reader: checkReader))

        guard let hints = try reader.stringList("hints"), !hints.isEmpty else {
            throw reader.problem("\(what) needs at least one hint in 'hints'")
        }
        guard let wrongNodes = try reader.list("wrong"), !wrongNodes.isEmpty else {
            throw reader.problem("\(what) needs at least one known-wrong answer in 'wrong'")
        }
        let wrong = try wrongNodes.map { node -> WrongAnswer in
            let entry = try YAMLReader(node, file: file, what: "a wrong answer")
            try entry.checkKeys(allowed: ["answer", "expect", "message"], what: "a wrong answer")
            return WrongAnswer(
                answer: try entry.string("answer", in: "a wrong answer of \(what)"),
                expect: try entry.nonEmptyString("expect", in: "a wrong answer of \(what)"),
                message: try entry.optionalString("message"),
                line: entry.line
            )
        }
        let probes = try (reader.list("probes") ?? []).map { try BehaviourProbe.parse($0, file: file, step: id) }
        if !probes.isEmpty && check.answerKind != .sql {
            throw reader.problem("'probes' run SQL after an SQL answer; a \(kindName) step cannot have them", at: reader.line(of: "probes"))
        }
        let statements = try (reader.list("statements") ?? []).map { try StatementRequirement.parse($0, file: file, step: id) }
        if !statements.isEmpty && check.answerKind != .sql {
            throw reader.problem("'statements' name SQL statements an answer must include; a \(kindName) step is not answered with SQL", at: reader.line(of: "statements"))
        }
        var step = Step(
            id: id,
            title: try reader.nonEmptyString("title", in: what),
            text: try reader.nonEmptyString("text", in: what),
            task: try reader.nonEmptyString("task", in: what),
            check: check,
            checkKind: kindName,
            hints: hints,
            solution: try reader.nonEmptyString("solution", in: what),
            wrongAnswers: wrong,
            setupSQL: try reader.optionalString("setup"),
            line: reader.line
        )
        step.probes = probes
        step.statements = statements
        return step
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }

    static func checkIdentifier(_ id: String, reader: YAMLReader, key: String) throws {
        let allowed = id.allSatisfy { ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "-" }
        guard allowed, id.first?.isLetter == true else {
            throw reader.problem("'\(id)' is not a valid id: use lower-case letters, digits and dashes, starting with a letter", at: reader.line(of: key))
        }
    }

    static func line(of error: YamlError) -> Int? {
        switch error {
        // Where the trouble started (an unclosed quote opens) is more useful than where the
        // parser gave up, which can be past the end of the file.
        case .scanner(let context, _, let mark, _), .parser(let context, _, let mark, _), .composer(let context, _, let mark, _):
            return context?.mark.line ?? mark.line
        default:
            return nil
        }
    }

    static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _), .composer(let context, let problem, _, _):
            return [context.map { "\($0.text)" }, problem].compactMap { $0 }.joined(separator: ": ")
        default:
            return "\(error)"
        }
    }

    static func yamlFiles(in directory: String) -> [String] {
        // kitchen.yaml is the teacher's configuration, not a lesson.
        DirectoryListing.names(in: directory).filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && $0 != "kitchen.yaml" }
    }
}
