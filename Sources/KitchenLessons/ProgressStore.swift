import KitchenSQL
import KitchenSupport
#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Keeps `Progress` in one JSON file, written atomically (temporary file, fsync, rename, fsync of
/// the folder) so a kill at any moment leaves either the old or the new file, never half of one.
/// A file that cannot be read is set aside under a new name and reported, never overwritten.
public struct ProgressStore: Sendable {
    public let path: String

    public init(home: String) {
        self.path = KitchenHome(path: home).progressFile
    }

    public struct Loaded: Sendable {
        public var progress: Progress
        /// Set when a corrupt file was moved out of the way: where it went.
        public var setAside: String?
        public var problem: String?
    }

    public func load() -> Loaded {
        removeStaleTemporaryFiles()
        guard FileReading.exists(path) else { return Loaded(progress: Progress()) }
        do {
            let bytes = try FileReading.readBytes(path)
            let progress = try JSONDecoder().decode(Progress.self, from: Data(bytes))
            guard progress.format == 1 else {
                return setAside(reason: "it was written by a newer Kitchen (format \(progress.format))")
            }
            return Loaded(progress: progress)
        } catch let error as FileReading.Failure {
            return Loaded(progress: Progress(), problem: "cannot read \(path): \(error.reason); progress will not be saved over it")
        } catch {
            return setAside(reason: "it is not valid progress JSON (\(error))")
        }
    }

    /// A kill between writing and renaming leaves `progress.json.tmp-PID` behind; the real file
    /// is intact, so the leftovers of processes that are gone can go.
    private func removeStaleTemporaryFiles() {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) } ?? "."
        let prefix = (slash.map { String(path[path.index(after: $0)...]) } ?? path) + ".tmp-"
        for name in DirectoryListing.names(in: folder) {
            guard name.hasPrefix(prefix), let pid = Int32(name.dropFirst(prefix.count)) else { continue }
            // Only files of processes that no longer run: a live Kitchen may be writing its own.
            if pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH {
                unlink(folder + "/" + name)
            }
        }
    }

    private func setAside(reason: String) -> Loaded {
        var stamp = timespec()
        clock_gettime(CLOCK_REALTIME, &stamp)
        // A name no earlier set-aside file has, so one corrupt file never replaces another.
        var aside = path + ".corrupt-\(stamp.tv_sec)"
        var suffix = 1
        while FileReading.exists(aside) {
            suffix += 1
            aside = path + ".corrupt-\(stamp.tv_sec)-\(suffix)"
        }
        if rename(path, aside) == 0 {
            return Loaded(progress: Progress(), setAside: aside, problem: "\(path) could not be used: \(reason). It was kept as \(aside); starting fresh.")
        }
        return Loaded(progress: Progress(), problem: "\(path) could not be used: \(reason), and could not be moved aside: \(String(cString: strerror(errno)))")
    }

    public func save(_ progress: Progress) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let bytes = Array(try encoder.encode(progress))
        // Resuming a lesson saves progress that has not changed: the file already holds these
        // very bytes (written durably before), so the two fsyncs of a rewrite are skipped.
        if let current = try? FileReading.readBytes(path), current == bytes { return }
        try AtomicFile.write(bytes, to: path)
    }
}
