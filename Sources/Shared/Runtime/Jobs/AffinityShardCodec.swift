import GPLRCore

/// Binary encoding of an `affinity` job's result (``AffinityShardResult``): the Ψ columns of its persona shard and,
/// for RevAff, the residuals it carries on.
///
/// Layout (little-endian): magic `GPLRPSI1` (no residuals) or `GPLRPSI2` (residuals follow), user count (UInt32),
/// persona count |R| (UInt32), shard size (UInt32), the shard's persona indices (UInt32 each), then users × shard
/// Float64 values, row-major; with `GPLRPSI2`, the rest is ``RevAffResiduals/encoded()``. JSON would triple the
/// size of what is mostly floating-point data.
enum AffinityShardCodec {
    static let magic = Array("GPLRPSI1".utf8)
    static let magicWithResiduals = Array("GPLRPSI2".utf8)

    static func encode(_ result: AffinityShardResult) -> [UInt8] {
        var out = encode(result.affinity, magic: result.residuals == nil ? magic : magicWithResiduals)
        if let residuals = result.residuals { out += residuals.encoded() }
        return out
    }

    static func encode(_ matrix: AffinityMatrix, magic: [UInt8] = magic) -> [UInt8] {
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

    /// The shard's columns; its residuals, if any, are read but not returned (``decodeResult(_:)``).
    static func decode(_ bytes: [UInt8]) throws -> AffinityMatrix { try decodeResult(bytes).affinity }

    static func decodeResult(_ bytes: [UInt8]) throws -> AffinityShardResult {
        func fail(_ message: String) -> AlgorithmError {
            AlgorithmError(.shardMismatch, message, context: "affinity shard result")
        }
        guard bytes.count >= 20 else { throw fail("not an affinity shard") }
        let header = Array(bytes[0..<8])
        guard header == magic || header == magicWithResiduals else { throw fail("not an affinity shard") }
        func get32(_ offset: Int) -> Int {
            Int(
                UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
                    | UInt32(bytes[offset + 3]) << 24)
        }
        let users = get32(8), personaCount = get32(12), width = get32(16)
        // Each count is at most the byte count, so the sizes below cannot overflow.
        guard users <= bytes.count, width <= bytes.count else { throw fail("counts larger than the result") }
        let valuesStart = 20 + 4 * width
        let valuesEnd = valuesStart + 8 * users * width
        guard header == magicWithResiduals ? bytes.count >= valuesEnd : bytes.count == valuesEnd else {
            throw fail("expected \(valuesEnd) bytes\(header == magic ? "" : " or more"), got \(bytes.count)")
        }
        let personas = (0..<width).map { get32(20 + 4 * $0) }
        var values = [Double](repeating: 0, count: users * width)
        bytes.withUnsafeBytes { raw in
            #if _endian(little)
                values.withUnsafeMutableBytes {
                    $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[valuesStart..<valuesEnd]))
                }
            #else
                for i in 0..<values.count {
                    values[i] = Double(
                        bitPattern: UInt64(
                            littleEndian: raw.loadUnaligned(fromByteOffset: valuesStart + 8 * i, as: UInt64.self)))
                }
            #endif
        }
        let affinity = try AffinityMatrix(
            userCount: users, personaCount: personaCount, personas: personas, values: values)
        guard header == magicWithResiduals else { return AffinityShardResult(affinity: affinity) }
        let residuals = try RevAffResiduals(decoding: Array(bytes[valuesEnd...]))
        guard residuals.personas == personas else {
            throw fail("the shard holds personas \(personas) but carries residuals of \(residuals.personas)")
        }
        return AffinityShardResult(affinity: affinity, residuals: residuals)
    }
}
