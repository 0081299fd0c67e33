#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A streaming RFC 4180 CSV reader over a file, built for ingesting tens of millions of purchase rows.
///
/// Why hand-written: the Swift CSV packages available (CodableCSV, SwiftCSV, TabularData's CSV reader on
/// Apple platforms only) build a `String` — or a whole `[[String]]`, or a `Decodable` value — per field or
/// per row, which caps them at a few hundred thousand rows per second and, for the in-memory ones, needs
/// the whole file in RAM. Ingest must do millions of rows per second in bounded memory: this reader reads
/// the file in large chunks (4 MiB by default) with `read(2)`, runs a byte-level state machine
/// (``CSVParser``) over them, and hands each row to a callback as a ``CSVRow`` of byte ranges, so callers
/// parse integers and hash ids straight from the bytes and allocate nothing per field.
///
/// The first row is given to the callback like any other (callers read their header from it). Each row
/// carries the 1-based line it starts on, for error messages. A UTF-8 byte-order mark at the start is
/// skipped. Results do not depend on the chunk size.
@usableFromInline final class CSVReader {
    /// The default read size: big enough that system-call overhead vanishes, small enough for the cache.
    @usableFromInline static let defaultChunkSize = 4 << 20

    /// The file being read (as given).
    let path: String
    /// Bytes read from the file so far (whole chunks: a row's callback sees the bytes of its chunk counted).
    private(set) var bytesRead = 0
    private let file: ChunkedFileReader

    /// Opens `path` for reading.
    /// - Parameter chunkSize: bytes per `read(2)`; any size ≥ 1 gives the same rows (tests use tiny ones).
    /// - Throws: ``DatasetError`` with code `fileNotFound` or `readFailed`.
    init(path: String, chunkSize: Int = CSVReader.defaultChunkSize) throws {
        self.path = path
        file = try ChunkedFileReader(path: path, chunkSize: chunkSize)
    }

    /// Reads the file to its end, calling `body` for every row in order. A row with a quoting defect is
    /// still delivered (with ``CSVRow/defect`` set) so the caller decides whether to fail or skip it.
    /// Errors thrown by `body` stop the reading and are rethrown.
    func forEachRow(_ body: (borrowing CSVRow) throws -> Void) throws {
        var parser = CSVParser()
        var atStart = true
        var pendingBOM: [UInt8] = []  // the first bytes while deciding whether they are a BOM
        try file.forEachChunk { read in
            bytesRead += read.count
            var chunk = read
            if atStart {
                // Collect up to three bytes to recognise a byte-order mark even with tiny chunks.
                let take = min(3 - pendingBOM.count, chunk.count)
                pendingBOM.append(contentsOf: chunk[0..<take])
                chunk = UnsafeRawBufferPointer(rebasing: chunk[take...])
                if pendingBOM.count < 3 && chunk.isEmpty { return }
                atStart = false
                if pendingBOM != [0xEF, 0xBB, 0xBF] {
                    try pendingBOM.withUnsafeBytes { try parser.consume($0, emit: body) }
                }
            }
            try parser.consume(chunk, emit: body)
        }
        if atStart && !pendingBOM.isEmpty && pendingBOM != [0xEF, 0xBB, 0xBF] {
            try pendingBOM.withUnsafeBytes { try parser.consume($0, emit: body) }
        }
        try parser.finish(emit: body)
    }
}
