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

    /// About how many lines the file holds: its size times the newlines per byte of its first `sampleBytes` (at
    /// least one line per 64 bytes), read with `pread` (the reading position stays where it is). A guess to reserve
    /// arrays with, never a count: 0 for an empty or unreadable file.
    func estimatedLineCount(sampleBytes: Int = 1 << 20) -> Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size > 0 else { return 0 }
        let size = Int(status.st_size)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: min(size, sampleBytes), alignment: 16)
        defer { buffer.deallocate() }
        let got = pread(descriptor, buffer.baseAddress, buffer.count, 0)
        guard got > 0 else { return 0 }
        let newlines = UnsafeRawBufferPointer(rebasing: buffer[..<got]).count { $0 == 0x0A }
        guard got < size else { return newlines + 1 }
        let perByte = max(Double(newlines) / Double(got), 1.0 / 64)
        return Int(Double(size) * perByte * 1.05) + 1024
    }

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
