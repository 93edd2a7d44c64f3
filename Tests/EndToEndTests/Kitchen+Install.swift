import Foundation
import Testing

/// `make install` and `make uninstall` with a temporary PREFIX, and the installed binary finding
/// its lessons in PREFIX/share/kitchen from any folder, or saying where it looked.
@Suite("make install: the binary finds its lessons relative to itself",
       .enabled(if: KitchenBinary.path != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/make"), "needs the kitchen binary and make"))
struct KitchenInstallTests {
    /// The checkout: this file is Tests/EndToEndTests/….
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// `make TARGET PREFIX=…` with the already built binary (`-o build`: no rebuild here).
    static func make(_ target: String, prefix: String) throws -> KitchenBinary.Result {
        let binary = try #require(KitchenBinary.path)
        let folder = URL(fileURLWithPath: binary).deletingLastPathComponent()
        return try runTool("/usr/bin/make", ["-s", "-C", root, "-o", "build", target, "PREFIX=\(prefix)",
                                             "BIN=\(folder.path)/kitchen"])
    }

    /// The installed kitchen run from an unrelated folder, with no lessons variable set.
    static func installed(_ prefix: String, _ arguments: [String], home: TemporaryFolder) throws -> KitchenBinary.Result {
        try runTool("/bin/sh", ["-c", "cd \(home.path) && exec \(prefix)/bin/kitchen \"$@\"", "sh"] + arguments,
                    environment: ["KITCHEN_HOME": home.file("home"), "KITCHEN_LESSONS": ""])
    }

    @Test("install puts bin/kitchen and share/kitchen/lessons (fixtures, site) in PREFIX; kitchen finds them; uninstall removes them",
          .timeLimit(.scaledMinutes(3)))
    func installAndUninstall() throws {
        let prefix = try TemporaryFolder()
        defer { prefix.remove() }
        let scratch = try TemporaryFolder()
        defer { scratch.remove() }
        let install = try Self.make("install", prefix: prefix.path)
        #expect(install.status == 0, "\(install.out)\n\(install.err)")
        #expect(prefix.exists("bin/kitchen"))
        #expect(prefix.exists("share/kitchen/lessons/01-tour.yaml"))
        #expect(prefix.exists("share/kitchen/lessons/fixtures/restaurant.sql"))
        #expect(prefix.exists("share/kitchen/lessons/site"))

        let listed = try Self.installed(prefix.path, ["lessons"], home: scratch)
        #expect(listed.status == 0, "\(listed.err)")
        #expect(listed.out.contains("tour"), "\(listed.out)")
        #expect(!listed.err.contains("found no lessons"))

        let uninstall = try Self.make("uninstall", prefix: prefix.path)
        #expect(uninstall.status == 0, "\(uninstall.err)")
        #expect(!prefix.exists("bin/kitchen"))
        #expect(!prefix.exists("share/kitchen"))
    }

    @Test("with no lessons anywhere, kitchen says where it looked and how to point it at them", .timeLimit(.scaledMinutes(1)))
    func noLessonsAdvice() throws {
        let prefix = try TemporaryFolder()
        defer { prefix.remove() }
        let scratch = try TemporaryFolder()
        defer { scratch.remove() }
        try FileManager.default.createDirectory(atPath: prefix.file("bin"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: try #require(KitchenBinary.path), toPath: prefix.file("bin/kitchen"))
        let result = try Self.installed(prefix.path, ["lessons"], home: scratch)
        #expect(result.err.contains("Kitchen found no lessons. It looked in:"), "\(result.err)")
        #expect(result.err.contains("  \(prefix.path)/share/kitchen/lessons\n"))
        #expect(result.err.contains("--lessons DIR") && result.err.contains("KITCHEN_LESSONS=DIR"))
        let named = try Self.installed(prefix.path, ["lessons", "--lessons", scratch.path], home: scratch)
        #expect(named.err.contains("no lessons (*.yaml) in \(scratch.path), given with --lessons."), "\(named.err)")
    }
}
