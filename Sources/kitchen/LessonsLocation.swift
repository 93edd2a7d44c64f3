import CEditLine
import KitchenSupport
#if canImport(Glibc)
import Glibc
#endif

/// Where the lessons are, first match wins:
/// 1. `--lessons DIR`, then `$KITCHEN_LESSONS`;
/// 2. `./lessons` when it holds lessons;
/// 3. `PREFIX/share/kitchen/lessons` beside the binary's `bin/` (after `make install`);
/// 4. a `lessons` folder in a folder above the binary (a built checkout, run from anywhere).
/// When none holds a lesson, Kitchen says where it looked and how to point it at them.
enum LessonsLocation {
    static func resolve(_ explicit: String?) -> String {
        if let explicit {
            if !hasLessons(explicit) { warn("no lessons (*.yaml) in \(explicit), given with --lessons.") }
            return explicit
        }
        if let variable = getenv("KITCHEN_LESSONS").map({ String(cString: $0) }), !variable.isEmpty {
            if !hasLessons(variable) { warn("no lessons (*.yaml) in \(variable), named by KITCHEN_LESSONS.") }
            return variable
        }
        let candidates = self.candidates(executable: executablePath())
        if let found = candidates.first(where: hasLessons) { return found }
        warn("Kitchen found no lessons. It looked in:\n" + candidates.map { "  " + $0 + "\n" }.joined()
             + "Point it at them: kitchen --lessons DIR, or export KITCHEN_LESSONS=DIR (make install puts them in PREFIX/share/kitchen/lessons).")
        return candidates.first ?? "lessons"
    }

    /// The folders searched when no folder is named, in order.
    static func candidates(executable: String?) -> [String] {
        var folders = ["lessons"]
        guard let executable, let slash = executable.lastIndex(of: "/") else { return folders }
        let binFolder = String(executable[..<slash])
        if let up = binFolder.lastIndex(of: "/") {
            folders.append(String(binFolder[..<up]) + "/share/kitchen/lessons")
        }
        var folder = binFolder
        while let slash = folder.lastIndex(of: "/"), !folder.isEmpty {
            folder = String(folder[..<slash])
            folders.append((folder.isEmpty ? "" : folder) + "/lessons")
        }
        return folders
    }

    /// The running binary, symbolic links resolved (so a link in ~/bin still finds share/).
    static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// True when `path` is a folder with at least one lesson file (`.yaml` or `.yml`, as the loader reads).
    static func hasLessons(_ path: String) -> Bool {
        DirectoryListing.names(in: path).contains { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && $0 != "kitchen.yaml" }
    }

    /// Said once per run, however often a command asks for the folder.
    nonisolated(unsafe) static var warned = false

    static func warn(_ message: String) {
        guard !warned else { return }
        warned = true
        let text = message + "\n"
        _ = text.withCString { fputs($0, kitchen_stderr()) }
    }
}
