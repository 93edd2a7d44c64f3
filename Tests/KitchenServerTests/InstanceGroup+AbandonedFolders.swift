import Foundation
import Testing
@testable import KitchenServer

@Suite("InstanceGroup: folders left by a killed Kitchen are removed at the next start")
struct InstanceGroupAbandonedFolderTests {
    /// A pid that belonged to a process that has exited (and been reaped), so `kill(pid, 0)` says ESRCH.
    private func exitedPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    private func makeFolder(owner: Int32?) throws -> String {
        let folder = InstanceGroup.temporaryDirectory() + "/kitchen-instances-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        try "x".write(toFile: folder + "/nginx.conf", atomically: true, encoding: .utf8)
        if let owner { try "\(owner)\n".write(toFile: folder + "/" + InstanceGroup.ownerFile, atomically: true, encoding: .utf8) }
        return folder
    }

    @Test("a folder whose owner has exited goes; one whose owner runs, or with no owner file, stays")
    func sweep() throws {
        let abandoned = try makeFolder(owner: try exitedPID())
        let running = try makeFolder(owner: getpid())
        let unknown = try makeFolder(owner: nil)
        defer { for folder in [abandoned, running, unknown] { try? FileManager.default.removeItem(atPath: folder) } }

        InstanceGroup.removeAbandonedFolders()

        #expect(!FileManager.default.fileExists(atPath: abandoned))
        #expect(FileManager.default.fileExists(atPath: running + "/nginx.conf"))
        #expect(FileManager.default.fileExists(atPath: unknown + "/nginx.conf"))
    }
}
