import Foundation
import KitchenLessons
import KitchenSQL
import Testing
@testable import KitchenServer
@testable import KitchenServerChecks

/// `kitchen routes export`: the exported Flask app, run for real by Python on a loopback port
/// against a copy of the step's database, goes through the same probe battery as the Kitchen
/// route and must answer the same — every route step of the curriculum and of the library
/// lesson passes with its solution, and every shipped wrong route fails on the same probe in
/// Flask as in Kitchen. The Express app is checked by Node.
@Suite("route export: Flask and Express apps answer as Kitchen does", .serialized)
struct RouteExportFrameworkTests {
    /// A Python that has Flask (and bcrypt): Debian's first, then the one on PATH.
    static let python: String? = {
        for candidate in ["/usr/bin/python3", "/usr/local/bin/python3"] + (ProcessInfo.processInfo.environment["PATH"] ?? "")
            .split(separator: ":").map({ $0 + "/python3" }) where FileManager.default.isExecutableFile(atPath: candidate) {
            if (try? runProgram(candidate, ["-c", "import flask, bcrypt"]).status) == 0 { return candidate }
        }
        return nil
    }()

    /// The login lessons hash passwords in their setup, as `kitchen` does with these functions.
    static let bcryptRegistered: Void = BcryptFunctions.registerEverywhere()

    /// Imports the exported app, lets the probes' session tokens (`probe-user-N`) stand for user
    /// N, and serves it on a free loopback port, printed first.
    static let driver = #"""
        import importlib.util, sys
        from werkzeug.serving import make_server

        spec = importlib.util.spec_from_file_location("app", sys.argv[1])
        app = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(app)

        class ProbeSessions(dict):
            def get(self, token, default=None):
                if isinstance(token, str) and token.startswith("probe-user-"):
                    return int(token[len("probe-user-"):])
                return super().get(token, default)

        if hasattr(app, "SESSIONS"):
            app.SESSIONS = ProbeSessions()
        server = make_server("127.0.0.1", 0, app.app)
        print(server.server_port, flush=True)
        server.serve_forever()
        """#

    /// The exported app running in Python, stopped by `stop()`.
    final class RunningApp {
        let process = Process()
        let folder: TemporaryFolder
        let port: Int

        init(routes: [RouteDefinition], python: String) throws {
            folder = try TemporaryFolder()
            try RouteExport.source(of: routes, for: .flask).write(toFile: folder.file("app.py"), atomically: true, encoding: .utf8)
            try RouteExportFrameworkTests.driver.write(toFile: folder.file("driver.py"), atomically: true, encoding: .utf8)
            FileManager.default.createFile(atPath: folder.file("app.db"), contents: nil)
            FileManager.default.createFile(atPath: folder.file("app.log"), contents: nil)
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [folder.file("driver.py"), folder.file("app.py")]
            process.environment = ["DATABASE": folder.file("app.db"), "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle(forWritingAtPath: folder.file("app.log"))
            try process.run()
            var line = Data()
            while true {
                let byte = output.fileHandleForReading.readData(ofLength: 1)
                if byte.isEmpty || byte == Data("\n".utf8) { break }
                line += byte
            }
            guard let port = Int(String(decoding: line, as: UTF8.self)) else {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                let log = (try? String(contentsOfFile: folder.file("app.log"), encoding: .utf8)) ?? ""
                folder.remove()
                throw HTTPAnswer.Problem(description: "the Flask app did not start:\n\(log)")
            }
            self.port = port
        }

        var log: String { (try? String(contentsOfFile: folder.file("app.log"), encoding: .utf8)) ?? "" }

        var server: BaseURLServer {
            BaseURLServer(port: port, databasePath: folder.file("app.db")) { "probe-user-\($0)" }
        }

        /// SIGKILL: a child of the test runner inherits its blocked signals, SIGTERM among them.
        func stop() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            folder.remove()
        }
    }

    /// Grades `answer` on step `index` twice: as Kitchen's route, and exported to Flask.
    static func gradeBoth(_ answer: String, lesson: Lesson, step index: Int, python: String) throws -> (kitchen: Verdict, flask: Verdict, log: String) {
        let step = lesson.steps[index]
        let check = try #require(step.check as? RouteCheck)
        let grader = Grader(lesson: lesson)
        let kitchen = try grader.verdict(for: Answer(answer), step: index, probes: false)
        let lessonRoutes = try lesson.server?.routes.map { try RouteParser.parse($0) } ?? []
        let app = try RunningApp(routes: RouteExport.served(lessonRoutes: lessonRoutes, learnerRoutes: try RouteParser.parse(answer)), python: python)
        defer { app.stop() }
        let flask = try check.aimed(at: app.server).grade(Answer(answer), in: try grader.databases.context(forStep: index))
        return (kitchen, flask, app.log)
    }

    /// Whether every line of every route in `answer` has a translation in the exported app.
    static func translatesFully(_ answer: String) -> Bool {
        ((try? RouteParser.parse(answer)) ?? []).allSatisfy { RouteExport.untranslatedLines(of: $0).isEmpty }
    }

    /// Every route step of these lessons: the solution passes in Flask; each wrong route fails
    /// on the same probe as in Kitchen.
    func proveRouteSteps(of lessons: [Lesson]) async throws -> Int {
        _ = Self.bcryptRegistered
        let python = try #require(Self.python, "Flask is not installed: scripts/install-deps test installs python3-flask and python3-bcrypt")
        var proven = 0
        for original in lessons {
            // The export is of routes; a lesson's practice resources (its /orders API) are not
            // routes, so both sides are compared without them.
            var withoutResources = original
            withoutResources.server?.resources = []
            let lesson = withoutResources
            for (index, step) in lesson.steps.enumerated() where step.check is RouteCheck {
                // Lines the export writes as NOT TRANSLATED comments (cache, header, html, secret…)
                // make the app differ on purpose; those steps are not the export's to prove.
                guard Self.translatesFully(step.solution), Self.translatesFully(lesson.server?.routes ?? "") else { continue }
                let solution = try await onOwnThread { try Self.gradeBoth(step.solution, lesson: lesson, step: index, python: python) }
                #expect(solution.flask.passed, "\(lesson.id)/\(step.id) solution in Flask: \(solution.flask.explanation)\n\(solution.log.suffix(2000))")
                proven += 1
                for wrong in step.wrongAnswers where (try? RouteParser.parse(wrong.answer))?.isEmpty == false && Self.translatesFully(wrong.answer) {
                    let graded = try await onOwnThread { try Self.gradeBoth(wrong.answer, lesson: lesson, step: index, python: python) }
                    #expect(!graded.kitchen.passed && !graded.flask.passed, "\(lesson.id)/\(step.id) wrong answer passed in Flask: \(wrong.answer)")
                    #expect(graded.flask.summary == graded.kitchen.summary,
                            "\(lesson.id)/\(step.id) \(wrong.answer)\nKitchen: \(graded.kitchen.explanation)\nFlask: \(graded.flask.explanation)\n\(graded.log.suffix(2000))")
                }
            }
        }
        return proven
    }

    // 15 minutes, longer under a sanitizer (over 1,100 s under ThreadSanitizer on a loaded machine).
    @Test("the curriculum's route steps: each solution, exported to Flask and run by Python, answers every probe as Kitchen does",
          .timeLimit(.scaledMinutes(15)))
    func curriculumInFlask() async throws {
        let catalog = LessonLoader(registry: HTTPChecks.registry).loadDirectory(Tools.lessons)
        let lessons = catalog.lessons.filter { $0.steps.contains { $0.check is RouteCheck } }
        let proven = try await proveRouteSteps(of: lessons)
        #expect(proven >= 10, "only \(proven) route steps found")
    }

    @Test("the library lesson's route steps (rules of every kind, auth, owner, login) answer the same in Flask", .timeLimit(.scaledMinutes(10)))
    func libraryInFlask() async throws {
        let proven = try await proveRouteSteps(of: [try LibraryLesson.load()])
        #expect(proven >= 2)
    }
}

/// Node on this machine has no `node:sqlite` (Debian 12's nodejs is 18; it arrived in 22.5), so
/// the Express app cannot run here: Node parses each exported app instead.
@Suite("route export: the Express app parses in Node")
struct RouteExportExpressTests {
    static let node: String? = Tools.find("node") ?? Tools.find("nodejs")

    @Test("every route step's solution and wrong routes, exported to Express, pass node --check")
    func expressParses() throws {
        let node = try #require(Self.node, "Node is not installed: scripts/install-deps test installs nodejs and node-express")
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let lessons = LessonLoader(registry: HTTPChecks.registry).loadDirectory(Tools.lessons).lessons + [try LibraryLesson.load()]
        var checked = 0
        for lesson in lessons {
            let lessonRoutes = try lesson.server?.routes.map { try RouteParser.parse($0) } ?? []
            for step in lesson.steps where step.check is RouteCheck {
                for answer in [step.solution] + step.wrongAnswers.map(\.answer) {
                    guard let routes = try? RouteParser.parse(answer), !routes.isEmpty else { continue }
                    let file = folder.file("app\(checked).js")
                    try RouteExport.source(of: RouteExport.served(lessonRoutes: lessonRoutes, learnerRoutes: routes), for: .express)
                        .write(toFile: file, atomically: true, encoding: .utf8)
                    let result = try runProgram(node, ["--check", file])
                    #expect(result.status == 0, "\(lesson.id)/\(step.id): \(answer)\n\(result.stdout)\(result.stderr)")
                    checked += 1
                }
            }
        }
        #expect(checked >= 20, "only \(checked) apps checked")
    }
}
