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
        // The name is read in place, up to its NUL. `entry.pointee.d_name` would copy the whole
        // 256-byte array, but a record is only as long as its name: for the last entries in
        // readdir's buffer that copy read past the buffer's end (AddressSanitizer's
        // heap-buffer-overflow under `make sanitize`).
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        while let entry = readdir(handle) {
            let name = String(cString: (UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: CChar.self))
            if name != "." && name != ".." { entries.append(Entry(name: name, isDirectory: entry.pointee.d_type == UInt8(DT_DIR))) }
        }
        return entries.sorted { $0.name < $1.name }
    }

    /// The entries' names, sorted, without `.` and `..`; empty when the folder cannot be opened.
    public static func names(in directory: String) -> [String] {
        entries(in: directory).map(\.name)
    }
}
