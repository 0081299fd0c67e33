#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a text file line by line in large chunks, handing each line's bytes (without `\n` or a trailing
/// `\r`) and its 1-based number to a callback. Used for JSON Lines files.
final class LineReader {
    let path: String
    private let file: ChunkedFileReader

    init(path: String, chunkSize: Int = CSVReader.defaultChunkSize) throws {
        self.path = path
        file = try ChunkedFileReader(path: path, chunkSize: chunkSize)
    }

    func forEachLine(_ body: (UnsafeRawBufferPointer, Int) throws -> Void) throws {
        var carry: [UInt8] = []  // the start of a line that continues in the next chunk
        var line = 1
        func deliver(_ bytes: UnsafeRawBufferPointer) throws {
            var bytes = bytes
            if let last = bytes.last, last == 0x0D { bytes = UnsafeRawBufferPointer(rebasing: bytes.dropLast()) }
            try body(bytes, line)
            line += 1
        }
        try file.forEachChunk { chunk in
            var start = 0
            while let newline = chunk[start...].firstIndex(of: 0x0A) {
                if carry.isEmpty {
                    try deliver(UnsafeRawBufferPointer(rebasing: chunk[start..<newline]))
                } else {
                    carry.append(contentsOf: chunk[start..<newline])
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
