#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open file read in fixed-size chunks with `read(2)`: what ``CSVReader`` and ``LineReader`` stream over.
/// Opening and reading failures are ``DatasetError``s naming the file.
final class ChunkedFileReader {
    let path: String
    private let chunkSize: Int
    private let descriptor: Int32

    /// - Throws: ``DatasetError`` with code `fileNotFound` or `readFailed`.
    init(path: String, chunkSize: Int) throws {
        self.path = path
        self.chunkSize = max(1, chunkSize)
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let err = errno
            throw DatasetError(
                err == ENOENT ? .fileNotFound : .readFailed, "cannot open: \(String(cString: strerror(err)))",
                file: path)
        }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Reads to the end of the file, handing each chunk (valid only during the call) to `body`.
    func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let got = read(descriptor, buffer, chunkSize)
            if got < 0 {
                if errno == EINTR { continue }
                throw DatasetError(.readFailed, String(cString: strerror(errno)), file: path)
            }
            if got == 0 { return }
            try body(UnsafeRawBufferPointer(start: buffer, count: got))
        }
    }
}
