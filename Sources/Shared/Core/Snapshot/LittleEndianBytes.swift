/// Appends fixed-width little-endian integers to a byte array.
struct LittleEndianWriter {
    var bytes: [UInt8] = []

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(contentsOf other: [UInt8]) { bytes.append(contentsOf: other) }
}

/// Reads fixed-width little-endian integers from untrusted bytes; every read is bounds-checked and returns
/// `nil` past the end instead of trapping.
struct LittleEndianReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int

    init(_ bytes: UnsafeRawBufferPointer, at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type) -> T? {
        let size = MemoryLayout<T>.size
        guard position >= 0, bytes.count - position >= size else { return nil }
        let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: T.self))
        position += size
        return value
    }

    mutating func read(count: Int) -> [UInt8]? {
        guard count >= 0, position >= 0, bytes.count - position >= count else { return nil }
        let out = Array(bytes[position..<position + count])
        position += count
        return out
    }
}
