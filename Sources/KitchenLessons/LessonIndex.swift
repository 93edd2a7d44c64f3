import Dispatch
import KitchenSupport
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A lesson as the menu knows it: what the first screen shows, with the whole lesson parsed
/// only when something needs it (opening it, grading it).
public final class LessonEntry: Sendable {
    public let id: String
    public let title: String
    public let summary: String
    public let requires: [String]
    public let stepCount: Int
    public let fixtureName: String?
    /// The file name within the lessons folder.
    public let file: String
    private let parsed: Mutex<Lesson?>
    private let parse: @Sendable () -> Lesson?
    /// A parse begun on another thread by `prefetch`, which `lesson` waits for.
    private let prefetching: Mutex<DispatchGroup?>

    init(_ summary: LessonIndex.Summary, file: String, parse: @escaping @Sendable () -> Lesson?) {
        id = summary.id
        title = summary.title
        self.summary = summary.summary
        requires = summary.requires
        stepCount = summary.stepCount
        fixtureName = summary.fixtureName
        self.file = file
        parsed = Mutex(nil)
        self.parse = parse
        prefetching = Mutex(nil)
    }

    init(_ lesson: Lesson) {
        id = lesson.id
        title = lesson.title
        summary = lesson.summary
        requires = lesson.requires
        stepCount = lesson.steps.count
        fixtureName = lesson.setup.fixtureName
        file = lesson.file
        parsed = Mutex(lesson)
        parse = { nil }
        prefetching = Mutex(nil)
    }

    /// The whole lesson, parsed the first time it is asked for. Nil only when the file changed
    /// since the index was checked and no longer loads.
    public var lesson: Lesson? {
        if let lesson = parsed.withLock({ $0 }) { return lesson }
        if let group = prefetching.withLock({ $0 }) {
            group.wait()
            if let lesson = parsed.withLock({ $0 }) { return lesson }
        }
        let lesson = parse()
        parsed.withLock { $0 = lesson }
        return lesson
    }

    /// Starts parsing the lesson on another thread, when it is not parsed yet: `lesson` then
    /// waits for that parse instead of starting its own. For a front end that knows which lesson
    /// it will show first (the learner's current one), while it does other start-up work.
    public func prefetch() {
        let group = DispatchGroup()
        let started = prefetching.withLock { pending in
            guard pending == nil else { return false }
            pending = group
            return true
        }
        guard started, parsed.withLock({ $0 }) == nil else { return }
        DispatchQueue.global().async(group: group) { [self] in
            let lesson = parse()
            parsed.withLock { if $0 == nil { $0 = lesson } }
        }
    }
}

/// The lesson index: for every lesson file, what the menu shows (or why the file did not load),
/// kept in the Kitchen home so the tutor starts without parsing the YAML of every lesson.
///
/// An entry is used only while its file has the same size, modification time and inode, the
/// fixtures folder is unchanged, and the index was written by this very Kitchen binary; anything
/// else and the file is parsed again (and the index rewritten).
public struct LessonIndex: Sendable, Equatable {
    public struct Summary: Sendable, Equatable {
        var id: String
        var title: String
        var summary: String
        var requires: [String]
        var stepCount: Int
        var fixtureName: String?
        var idLine: Int
    }

    public struct Entry: Sendable, Equatable {
        var file: String
        var stamp: String
        var summary: Summary?
        var problemLine: Int?
        var problemMessage: String?
        var problemFile: String?
        /// The file's further problems, as the first problem's `more` holds them.
        var moreProblems: [MoreProblem]?
    }

    struct MoreProblem: Sendable, Equatable {
        var file: String
        var line: Int?
        var message: String
    }

    var format = 2
    var directory: String
    /// The Kitchen binary and the fixtures folder the entries were made with.
    var environment: String
    var entries: [Entry]
    /// The fixtures' server specs (`fixtures/NAME.server.yaml`) by fixture name, those that
    /// load: the playground is served from one at start without parsing YAML.
    var serverSpecs: [String: ServerSpec]?

    /// Size, modification time (ns) and inode of a file, or nil when it cannot be read.
    static func stamp(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return "\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec):\(info.st_ino)"
    }

    /// What every entry depends on besides its own file: this binary, and the fixtures folder
    /// (the fixtures' SQL and server specs are read while a lesson loads).
    static func environment(lessonsDirectory directory: String) -> String {
        var parts = ["kitchen " + (stamp("/proc/self/exe") ?? "?")]
        let fixtures = directory + "/fixtures"
        parts.append("fixtures " + (stamp(fixtures) ?? "-"))
        for name in DirectoryListing.names(in: fixtures) { parts.append(name + " " + (stamp(fixtures + "/" + name) ?? "-")) }
        return parts.joined(separator: "\n")
    }

    static func read(_ path: String) -> LessonIndex? {
        guard let bytes = try? FileReading.readBytes(path) else { return nil }
        return LessonIndex(text: String(decoding: bytes, as: UTF8.self))
    }

    /// Every fixture's server spec that loads, by fixture name.
    static func serverSpecs(lessonsDirectory directory: String) -> [String: ServerSpec] {
        let fixtures = directory + "/fixtures"
        var specs: [String: ServerSpec] = [:]
        for name in DirectoryListing.names(in: fixtures) where name.hasSuffix(".server.yaml") {
            let fixture = String(name.dropLast(".server.yaml".count))
            specs[fixture] = try? ServerSpec.load(file: fixtures + "/" + name, lessonsDirectory: directory)
        }
        return specs
    }

    func write(to path: String) {
        // A cache: failing to keep it only costs the next start its speed.
        try? AtomicFile.write(Array(text.utf8), to: path)
    }
}

extension LessonLoader {
    /// Like `loadDirectory`, with the lessons' summaries taken from the index at `indexPath`
    /// where their files have not changed: only changed files are parsed now; the others when
    /// first needed. The index is rewritten when anything changed.
    public func loadDirectory(_ directory: String, index indexPath: String) -> Catalog {
        let files = Self.yamlFiles(in: directory)
        guard !files.isEmpty else { return loadDirectory(directory) }
        let environment = LessonIndex.environment(lessonsDirectory: directory)
        let kept = LessonIndex.read(indexPath).flatMap { $0.directory == directory && $0.environment == environment && $0.format == 2 ? $0 : nil }
        let keptEntries = Dictionary((kept?.entries ?? []).map { ($0.file, $0) }, uniquingKeysWith: { first, _ in first })
        let stamps = files.map { LessonIndex.stamp(directory + "/" + $0) ?? "-" }
        let stale = files.indices.filter { keptEntries[files[$0]]?.stamp != stamps[$0] || stamps[$0] == "-" }
        let fresh = Dictionary(uniqueKeysWithValues: zip(stale.map { files[$0] }, loadFiles(stale.map { files[$0] }, in: directory)))

        var entries: [LessonEntry] = []
        var problems: [LessonProblem] = []
        var index = LessonIndex(directory: directory, environment: environment, entries: [])
        let registry = self.registry
        for (file, stamp) in zip(files, stamps) {
            var record = LessonIndex.Entry(file: file, stamp: stamp)
            let entry: LessonEntry?
            if let result = fresh[file] {
                switch result {
                case .success(let lesson):
                    record.summary = LessonIndex.Summary(id: lesson.id, title: lesson.title, summary: lesson.summary, requires: lesson.requires,
                                                         stepCount: lesson.steps.count, fixtureName: lesson.setup.fixtureName, idLine: lesson.idLine)
                    entry = LessonEntry(lesson)
                case .failure(let error):
                    let problem = error as? LessonProblem ?? LessonProblem(file: file, line: nil, message: "\(error)")
                    record.problemFile = problem.file
                    record.problemLine = problem.line
                    record.problemMessage = problem.message
                    record.moreProblems = problem.more.isEmpty ? nil : problem.more.map { LessonIndex.MoreProblem(file: $0.file, line: $0.line, message: $0.message) }
                    entry = nil
                }
            } else {
                record = keptEntries[file]!
                entry = record.summary.map { summary in
                    LessonEntry(summary, file: file) {
                        try? LessonLoader(registry: registry).load(file: directory + "/" + file, displayName: file, fixtures: directory + "/fixtures")
                    }
                }
            }
            index.entries.append(record)
            if let message = record.problemMessage {
                var problem = LessonProblem(file: record.problemFile ?? file, line: record.problemLine, message: message)
                problem.more = (record.moreProblems ?? []).map { LessonProblem(file: $0.file, line: $0.line, message: $0.message) }
                problems.append(problem)
            }
            guard let entry, let summary = record.summary else { continue }
            if let earlier = entries.first(where: { $0.id == entry.id }) {
                problems.append(LessonProblem(file: file, line: summary.idLine, message: "duplicate lesson id '\(entry.id)', already used by \(earlier.file)"))
                continue
            }
            entries.append(entry)
        }
        for entry in entries {
            for required in entry.requires where !entries.contains(where: { $0.id == required }) {
                problems.append(LessonProblem(file: entry.file, line: nil, message: "requires unknown lesson '\(required)'"))
            }
        }
        // Kept while the fixtures folder is unchanged (it is part of `environment`).
        index.serverSpecs = kept?.serverSpecs ?? LessonIndex.serverSpecs(lessonsDirectory: directory)
        if index != kept { index.write(to: indexPath) }
        var catalog = Catalog(entries: entries, problems: problems, directory: directory)
        catalog.serverSpecs = index.serverSpecs ?? [:]
        return catalog
    }
}
