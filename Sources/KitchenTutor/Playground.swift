import KitchenLessons
import KitchenSQL

/// The default dataset outside any lesson: a database in the Kitchen home made from a fixture
/// (`restaurant` unless the teacher's kitchen.yaml names another), served with that fixture's API.
public enum Playground {
    public static let defaultFixture = "restaurant"

    /// The playground database's path (created from the fixture when missing) and its server spec.
    public static func prepare(home: String, lessonsDirectory: String, fixture: String = defaultFixture) throws -> (path: String, spec: ServerSpec?) {
        let path = home + "/playground.db"
        let fixtures = lessonsDirectory + "/fixtures/"
        if !FileReading.exists(path) {
            let sql = try FileReading.read(fixtures + fixture + ".sql")
            let temporary = path + ".building"
            _ = unlinkFile(temporary)
            let database = try Connection(path: temporary)
            try database.trusted { try database.execute(sql) }
            // Built under another name and renamed, so a kill never leaves half a playground.
            guard renameFile(temporary, path) else { throw FileReading.Failure(path: path, reason: "cannot create it") }
        }
        let specPath = fixtures + fixture + ".server.yaml"
        let spec = FileReading.exists(specPath) ? try ServerSpec.load(file: specPath, lessonsDirectory: lessonsDirectory) : nil
        return (path, spec)
    }
}

#if canImport(Glibc)
import Glibc
#endif

func unlinkFile(_ path: String) -> Bool { unlink(path) == 0 }
func renameFile(_ from: String, _ to: String) -> Bool { rename(from, to) == 0 }
