#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The names in a folder, without Foundation (the engine's modules avoid loading it at start).
public enum DirectoryListing {
    public struct Entry: Sendable, Equatable {
        public var name: String
        /// As the folder's entry says (`d_type`); a symbolic link to a folder is not one.
        public var isDirectory: Bool
    }

    /// The entries, sorted by name, without `.` and `..`; empty when the folder cannot be opened.
    public static func entries(in directory: String) -> [Entry] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var entries: [Entry] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { entries.append(Entry(name: name, isDirectory: entry.pointee.d_type == UInt8(DT_DIR))) }
        }
        return entries.sorted { $0.name < $1.name }
    }

    /// The entries' names, sorted, without `.` and `..`; empty when the folder cannot be opened.
    public static func names(in directory: String) -> [String] {
        entries(in: directory).map(\.name)
    }
}
