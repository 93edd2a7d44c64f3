#if canImport(Glibc)
import Glibc
#endif

/// Where the lessons are: `--lessons`, else `$KITCHEN_LESSONS`, else `./lessons`, else a `lessons`
/// folder above the binary (so a built checkout works from anywhere).
enum LessonsLocation {
    static func resolve(_ explicit: String?) -> String {
        if let explicit { return explicit }
        if let variable = getenv("KITCHEN_LESSONS").map({ String(cString: $0) }), !variable.isEmpty { return variable }
        if isDirectory("lessons") { return "lessons" }
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if length > 0 {
            var folder = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            while let slash = folder.lastIndex(of: "/"), !folder.isEmpty {
                folder = String(folder[..<slash])
                if isDirectory(folder + "/lessons") { return folder + "/lessons" }
            }
        }
        return "lessons"
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
