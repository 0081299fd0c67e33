#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few path helpers the dataset code needs, without Foundation's URL round trips.
enum FileSystem {
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The size in bytes of the file at `path`, `nil` if it cannot be read.
    static func size(_ path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Creates `path` and missing parents.
    static func createDirectory(_ path: String) throws {
        if isDirectory(path) { return }
        let parentPath = parent(of: path)
        if parentPath != path && !exists(parentPath) { try createDirectory(parentPath) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw DatasetError(.writeFailed, "cannot create directory: \(String(cString: strerror(errno)))", file: path)
        }
    }
}
