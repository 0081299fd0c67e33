#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Snapshot {
    /// Writes `graph` to `path` atomically: the bytes go to a temporary file in the same directory, are
    /// flushed to disk, and the file is renamed over `path`, so readers see either the old file or the new one.
    /// The temporary is registered in ``TemporaryPaths`` while it exists, and temporaries left next to `path` by
    /// killed writers are removed first.
    /// - Returns: the written snapshot's info (hash, counts, section table).
    @discardableResult
    public static func write(_ graph: PurchaseGraph, to path: String, compressionLevel: Int = 3) throws
        -> SnapshotInfo
    {
        let (bytes, _) = try encode(graph, compressionLevel: compressionLevel)
        try SnapshotFile.writeAtomically(bytes, to: path)
        return try bytes.withUnsafeBytes { raw throws -> SnapshotInfo in try SnapshotDecoder(file: raw).info }
    }

    /// Reads, fully verifies and decodes the snapshot at `path`.
    /// - Throws: ``SnapshotError`` with `path` set, naming the section that fails verification.
    public static func read(from path: String) throws -> (graph: PurchaseGraph, info: SnapshotInfo) {
        try withFile(path) { bytes in
            try bytes.withUnsafeBytes { raw throws -> (graph: PurchaseGraph, info: SnapshotInfo) in
                let decoder = try SnapshotDecoder(file: raw)
                return (try decoder.decode(), decoder.info)
            }
        }
    }

    /// ``decodeUserIDs(_:)`` of the snapshot at `path`.
    /// - Throws: ``SnapshotError`` with `path` set.
    public static func readUserIDs(from path: String) throws -> (userIDs: [String], hash: ContentHash) {
        try withFile(path, decodeUserIDs)
    }

    /// Verifies the header and every section checksum of the snapshot at `path` and returns its info,
    /// without decompressing or building the graph.
    public static func inspect(path: String) throws -> SnapshotInfo {
        try withFile(path, inspect)
    }

    /// The bytes of the snapshot file at `path`, read once into one array (for a caller that verifies, decodes and
    /// publishes the same bytes); nothing is checked yet.
    /// - Throws: ``SnapshotError`` (`io`) naming the file.
    package static func readBytes(from path: String) throws(SnapshotError) -> [UInt8] {
        try SnapshotFile.readAll(path)
    }

    /// `body` on the bytes of the file at `path`; a ``SnapshotError`` it throws names the file.
    private static func withFile<Result>(_ path: String, _ body: ([UInt8]) throws -> Result) throws -> Result {
        let bytes = try SnapshotFile.readAll(path)
        do {
            return try body(bytes)
        } catch var error as SnapshotError {
            error.path = path
            throw error
        }
    }
}

/// POSIX file access for snapshots.
package enum SnapshotFile {
    static func readAll(_ path: String) throws(SnapshotError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ioError("cannot open for reading", path) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw ioError("cannot stat", path) }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw SnapshotError(code: .io, message: "not a regular file", path: path)
        }
        let size = Int(status.st_size)
        var failure: SnapshotError?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            initialized = 0
            while initialized < size {
                let got = read(fd, buffer.baseAddress! + initialized, size - initialized)
                if got < 0 && errno == EINTR { continue }
                if got < 0 {
                    failure = ioError("read failed", path)
                    return
                }
                if got == 0 { break }  // the file shrank while reading; the parser reports the truncation
                initialized += got
            }
        }
        if let failure { throw failure }
        return bytes
    }

    package static func writeAtomically(_ bytes: [UInt8], to path: String) throws(SnapshotError) {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let base = path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
        let parent = directory.isEmpty ? "/" : directory
        // Named `.<base>.tmp-<pid>.XXXXXX`: temporaries of writers killed before their rename are removed here.
        let prefix = ".\(base).tmp-"
        LeftoverPaths.removeStale(in: parent, prefix: prefix)
        var template = Array("\(parent)/\(prefix)\(getpid()).XXXXXX".utf8CString)
        var fd: Int32 = -1
        // Created and registered in one step, so an interrupt cannot fall between the two and leave it behind.
        let created = TemporaryPaths.create {
            fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else { return nil }
            return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        guard let temporary = created else { throw ioError("cannot create a temporary file next to it", path) }
        var closed = false
        defer {
            if !closed { close(fd) }
            TemporaryPaths.unregister(temporary)
        }
        do {
            var written = 0
            try bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws in
                while written < raw.count {
                    let result = write(fd, raw.baseAddress! + written, raw.count - written)
                    if result < 0 && errno == EINTR { continue }
                    guard result > 0 else { throw ioError("write failed", path) }
                    written += result
                }
            }
            guard fchmod(fd, 0o644) == 0, fsync(fd) == 0 else { throw ioError("cannot flush", path) }
            closed = true
            guard close(fd) == 0 else { throw ioError("cannot close", path) }
            guard rename(temporary, path) == 0 else { throw ioError("cannot rename the temporary file", path) }
        } catch let error as SnapshotError {
            unlink(temporary)
            throw error
        } catch {
            unlink(temporary)
            throw SnapshotError(code: .io, message: "\(error)", path: path, underlying: error)
        }
    }

    private static func ioError(_ what: String, _ path: String) -> SnapshotError {
        let code = errno
        return SnapshotError(code: .io, message: "\(what): \(String(cString: strerror(code)))", path: path)
    }
}
