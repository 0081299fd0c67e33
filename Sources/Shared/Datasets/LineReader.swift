#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a text file line by line in large chunks, handing each line's bytes (without `\n` or a trailing
/// `\r`) and its 1-based number to a callback. Used for JSON Lines files.
final class LineReader {
    let path: String
    private let chunkSize: Int
    private let descriptor: Int32

    init(path: String, chunkSize: Int = CSVReader.defaultChunkSize) throws {
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

    func forEachLine(_ body: (UnsafeRawBufferPointer, Int) throws -> Void) throws {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        var carry: [UInt8] = []  // the start of a line that continues in the next chunk
        var line = 1
        func deliver(_ bytes: UnsafeRawBufferPointer) throws {
            var bytes = bytes
            if let last = bytes.last, last == 0x0D { bytes = UnsafeRawBufferPointer(rebasing: bytes.dropLast()) }
            try body(bytes, line)
            line += 1
        }
        while true {
            let got = read(descriptor, buffer, chunkSize)
            if got < 0 {
                if errno == EINTR { continue }
                throw DatasetError(.readFailed, String(cString: strerror(errno)), file: path)
            }
            if got == 0 { break }
            let chunk = UnsafeRawBufferPointer(start: buffer, count: got)
            var start = 0
            while let newline = chunk[start...].firstIndex(of: 0x0A) {
                if carry.isEmpty {
                    try deliver(UnsafeRawBufferPointer(rebasing: chunk[start ..< newline]))
                } else {
                    carry.append(contentsOf: chunk[start ..< newline])
                    try carry.withUnsafeBytes { try deliver($0) }
                    carry.removeAll(keepingCapacity: true)
                }
                start = newline + 1
            }
            carry.append(contentsOf: chunk[start...])
        }
        if !carry.isEmpty { try carry.withUnsafeBytes { try deliver($0) } }
    }
}
