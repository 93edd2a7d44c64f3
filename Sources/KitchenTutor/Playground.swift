import KitchenLessons
import KitchenSQL
import KitchenSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The default dataset outside any lesson: a database in the Kitchen home made from a fixture of
/// the lessons folder, served with that fixture's API (`fixtures/NAME.server.yaml`).
public struct Playground: Sendable {
    public var path: String
    public var spec: ServerSpec?

    /// The fixture the playground is made from: the teacher's choice (`playground:` in
    /// kitchen.yaml), else the fixture of the first lesson that has one.
    public static func fixture(config: TeacherConfig, lessons: @autoclosure () -> [Lesson]) -> String? {
        config.playground ?? lessons().lazy.compactMap(\.setup.fixtureName).first
    }

    /// The same, from the lessons' fixture names in order (nil for a lesson without one).
    public static func fixture(config: TeacherConfig, fixtures: @autoclosure () -> [String?]) -> String? {
        config.playground ?? fixtures().lazy.compactMap { $0 }.first
    }

    /// The playground database (created from `fixture` when missing) and its server spec, taken
    /// from `knownSpecs` (the lesson index's) when it is there, else read from its file.
    public static func prepare(home: KitchenHome, lessonsDirectory: String, fixture: String, knownSpecs: [String: ServerSpec] = [:]) throws -> Playground {
        let path = home.playgroundDatabase
        let fixtures = lessonsDirectory + "/fixtures/"
        if !FileReading.exists(path) {
            let sql = try FileReading.read(fixtures + fixture + ".sql")
            let temporary = path + ".building"
            unlink(temporary)
            let database = try Connection(path: temporary)
            try database.trusted { try database.execute(sql) }
            // Built under another name and renamed, so a kill never leaves half a playground.
            guard rename(temporary, path) == 0 else { throw FileReading.Failure(path: path, reason: "cannot create it") }
        }
        if let known = knownSpecs[fixture] { return Playground(path: path, spec: known) }
        let specPath = fixtures + fixture + ".server.yaml"
        let spec = FileReading.exists(specPath) ? try ServerSpec.load(file: specPath, lessonsDirectory: lessonsDirectory) : nil
        return Playground(path: path, spec: spec)
    }
}
