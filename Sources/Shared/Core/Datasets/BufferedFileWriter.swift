#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a file through a large in-memory buffer with `write(2)`, with allocation-free helpers for the
/// things dataset files are made of (bytes, ASCII integers, CSV- and JSON-escaped strings).
///
/// The synthetic generator writes millions of rows per second through this; `String` interpolation per row
/// would cost more than the rest of the generator together. Call ``close()`` to flush and learn about write
/// errors; `deinit` only releases the descriptor.
public final class BufferedFileWriter {
    /// The file being written.
    public let path: String
    private var descriptor: Int32
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var used = 0
    /// Bytes handed to the writer so far.
    public private(set) var bytesWritten = 0

    /// Creates (or truncates) `path`.
    public init(path: String, bufferSize: Int = 1 << 20) throws {
        self.path = path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            throw DatasetError(.writeFailed, "cannot create: \(String(cString: strerror(errno)))", file: path)
        }
        descriptor = fd
        capacity = max(64, bufferSize)
        buffer = .allocate(capacity: capacity)
    }

    deinit {
        if descriptor >= 0 { _ = posixClose(descriptor) }
        buffer.deallocate()
    }

    /// Appends raw bytes.
    @inline(__always)
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if used + bytes.count > capacity {
            try flush()
            if bytes.count > capacity {
                try writeOut(bytes)
                return
            }
        }
        if let base = bytes.baseAddress {
            UnsafeMutableRawPointer(buffer + used).copyMemory(from: base, byteCount: bytes.count)
        }
        used += bytes.count
        bytesWritten += bytes.count
    }

    /// Appends one byte.
    @inline(__always)
    public func write(byte: UInt8) throws {
        if used == capacity { try flush() }
        buffer[used] = byte
        used += 1
        bytesWritten += 1
    }

    /// Appends the UTF-8 of `string` verbatim.
    public func write(_ string: String) throws {
        var string = string
        try string.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Appends `value` in decimal ASCII.
    @inline(__always)
    public func write(decimal value: Int) throws {
        if used + 21 > capacity { try flush() }
        var magnitude = value.magnitude
        if value < 0 {
            buffer[used] = 0x2D
            used += 1
            bytesWritten += 1
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // scratch for up to 20 digits, written reversed
        let count = withUnsafeMutableBytes(of: &digits) { scratch -> Int in
            var n = 0
            repeat {
                scratch[n] = UInt8(truncatingIfNeeded: magnitude % 10) + 0x30
                magnitude /= 10
                n += 1
            } while magnitude > 0
            for k in 0..<n { buffer[used + k] = scratch[n - 1 - k] }
            return n
        }
        used += count
        bytesWritten += count
    }

    /// `field` as one CSV field, as ``write(csvField:)`` writes it: for a writer that repeats a field on many rows.
    public static func csvFieldBytes(_ field: String) -> [UInt8] {
        var field = field
        return field.withUTF8 { bytes in
            guard needsCSVQuotes(bytes) else { return Array(bytes) }
            var quoted: [UInt8] = [0x22]
            for b in bytes {
                if b == 0x22 { quoted.append(0x22) }
                quoted.append(b)
            }
            quoted.append(0x22)
            return quoted
        }
    }

    /// Appends `field` as one CSV field, quoted (with doubled quotes) only when it contains a separator, a
    /// quote or a line break.
    public func write(csvField field: String) throws {
        var field = field
        let plain = try field.withUTF8 { bytes in
            guard !Self.needsCSVQuotes(bytes) else { return false }
            try write(UnsafeRawBufferPointer(bytes))
            return true
        }
        if !plain { try Self.csvFieldBytes(field).withUnsafeBytes { try write($0) } }
    }

    /// Whether `field` holds a separator, a quote or a line break, so ``write(csvField:)`` quotes it.
    public static func needsCSVQuotes(_ field: String) -> Bool {
        var field = field
        return field.withUTF8(needsCSVQuotes)
    }

    private static func needsCSVQuotes(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
    }

    /// Appends `string` as a JSON string literal, quotes included.
    public func write(jsonString string: String) throws {
        try write(byte: 0x22)
        var string = string
        try string.withUTF8 { bytes in
            for b in bytes {
                let escape: UInt8
                switch b {
                case 0x22, 0x5C: escape = b
                case 0x0A: escape = 0x6E
                case 0x0D: escape = 0x72
                case 0x09: escape = 0x74
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    for c in [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]] as [UInt8] {
                        try write(byte: c)
                    }
                    continue
                default:
                    try write(byte: b)
                    continue
                }
                try write(byte: 0x5C)
                try write(byte: escape)
            }
        }
        try write(byte: 0x22)
    }

    /// Writes the buffer out.
    public func flush() throws {
        guard used > 0 else { return }
        try writeOut(UnsafeRawBufferPointer(start: buffer, count: used))
        used = 0
    }

    /// Flushes and closes the file. The writer must not be used afterwards.
    public func close() throws {
        try flush()
        guard descriptor >= 0 else { return }
        let result = posixClose(descriptor)
        descriptor = -1
        if result != 0 {
            throw DatasetError(.writeFailed, "close: \(String(cString: strerror(errno)))", file: path)
        }
    }

    private func writeOut(_ bytes: UnsafeRawBufferPointer) throws {
        guard descriptor >= 0 else { throw DatasetError(.writeFailed, "the writer is closed", file: path) }
        var offset = 0
        while offset < bytes.count {
            let n = posixWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw DatasetError(.writeFailed, String(cString: strerror(errno)), file: path)
            }
            offset += n
        }
    }
}

private func posixClose(_ fd: Int32) -> Int32 { close(fd) }
private func posixWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { write(fd, bytes, count) }
