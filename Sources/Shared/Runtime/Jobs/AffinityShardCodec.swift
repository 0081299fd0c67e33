import GPLRCore

/// Binary encoding of an `affinity` job's result: the Ψ columns of its persona shard.
///
/// Layout (little-endian): magic `GPLRPSI1`, user count (UInt32), persona count |R| (UInt32), shard size
/// (UInt32), the shard's persona indices (UInt32 each), then users × shard Float64 values, row-major. JSON would
/// triple the size of what is mostly floating-point data.
enum AffinityShardCodec {
    static let magic = Array("GPLRPSI1".utf8)

    static func encode(_ matrix: AffinityMatrix) -> [UInt8] {
        var out = magic
        out.reserveCapacity(20 + 4 * matrix.columnCount + 8 * matrix.values.count)
        func put32(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { out.append(contentsOf: $0) } }
        put32(matrix.userCount)
        put32(matrix.personaCount)
        put32(matrix.columnCount)
        for persona in matrix.personas { put32(persona) }
        #if _endian(little)
            // The wire format is the host's: one bulk copy instead of 8 bytes at a time (shards are 10–100 MB).
            matrix.values.withUnsafeBytes { out.append(contentsOf: $0) }
        #else
            for value in matrix.values {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { out.append(contentsOf: $0) }
            }
        #endif
        return out
    }

    static func decode(_ bytes: [UInt8]) throws -> AffinityMatrix {
        func fail(_ message: String) -> AlgorithmError {
            AlgorithmError(.shardMismatch, message, context: "affinity shard result")
        }
        guard bytes.count >= 20, Array(bytes[0..<8]) == magic else { throw fail("not an affinity shard") }
        func get32(_ offset: Int) -> Int {
            Int(
                UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
                    | UInt32(bytes[offset + 3]) << 24)
        }
        let users = get32(8), personaCount = get32(12), width = get32(16)
        let valuesStart = 20 + 4 * width
        guard bytes.count == valuesStart + 8 * users * width else {
            throw fail("expected \(valuesStart + 8 * users * width) bytes, got \(bytes.count)")
        }
        let personas = (0..<width).map { get32(20 + 4 * $0) }
        var values = [Double](repeating: 0, count: users * width)
        bytes.withUnsafeBytes { raw in
            #if _endian(little)
                values.withUnsafeMutableBytes {
                    $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[valuesStart...]))
                }
            #else
                for i in 0..<values.count {
                    values[i] = Double(
                        bitPattern: UInt64(
                            littleEndian: raw.loadUnaligned(fromByteOffset: valuesStart + 8 * i, as: UInt64.self)))
                }
            #endif
        }
        return try AffinityMatrix(userCount: users, personaCount: personaCount, personas: personas, values: values)
    }
}
