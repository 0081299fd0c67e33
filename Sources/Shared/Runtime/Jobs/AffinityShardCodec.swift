import GPLRCore

/// Binary encoding of an `affinity` job's result (``AffinityShardResult``): the Ψ columns of its persona shard and,
/// for RevAff, the residuals it carries on.
///
/// Layout (little-endian): magic, user count (UInt32), persona count |R| (UInt32), shard size (UInt32), the shard's
/// persona indices (UInt32 each), the users × shard Float64 values (row-major), dense or sparse, then, for RevAff,
/// ``RevAffResiduals/encoded()``. The magic says which: `GPLRPSI1` dense, `GPLRPSI2` dense with residuals,
/// `GPLRPSI3` sparse, `GPLRPSI4` sparse with residuals. Dense is every value in order. Sparse is the count of
/// non-zero values (UInt64), a bitmap of ⌈users × shard / 8⌉ bytes (bit `i % 8` of byte `i / 8`, lowest first,
/// set when value `i` is non-zero), then the non-zero values in order: a RevAff increment touches only the users
/// its new mass reaches (10–30 % of the entries at 1M users, docs/benchmarks.md). The encoder writes whichever is
/// smaller; "non-zero" compares bit patterns, so the decoded values are the encoded ones to the last bit (a `-0.0`
/// is kept as such). JSON would triple the size of what is mostly floating-point data.
enum AffinityShardCodec {
    static let magic = Array("GPLRPSI1".utf8)
    static let magicWithResiduals = Array("GPLRPSI2".utf8)
    static let sparseMagic = Array("GPLRPSI3".utf8)
    static let sparseMagicWithResiduals = Array("GPLRPSI4".utf8)

    static func encode(_ result: AffinityShardResult) -> [UInt8] {
        let matrix = result.affinity
        let nonZero = matrix.values.reduce(0) { $0 + ($1.bitPattern == 0 ? 0 : 1) }
        let denseSize = 8 * matrix.values.count, sparseSize = 8 + (matrix.values.count + 7) / 8 + 8 * nonZero
        let sparse = sparseSize < denseSize
        let withResiduals = result.residuals != nil
        var out =
            sparse
            ? (withResiduals ? sparseMagicWithResiduals : sparseMagic) : (withResiduals ? magicWithResiduals : magic)
        out.reserveCapacity(20 + 4 * matrix.columnCount + min(sparseSize, denseSize))
        appendHeader(of: matrix, to: &out)
        if sparse {
            appendSparseValues(matrix.values, nonZero: nonZero, to: &out)
        } else {
            appendDenseValues(matrix.values, to: &out)
        }
        if let residuals = result.residuals { out += residuals.encoded() }
        return out
    }

    private static func put32(_ value: Int, to out: inout [UInt8]) {
        withUnsafeBytes(of: UInt32(value).littleEndian) { out.append(contentsOf: $0) }
    }

    private static func appendHeader(of matrix: AffinityMatrix, to out: inout [UInt8]) {
        put32(matrix.userCount, to: &out)
        put32(matrix.personaCount, to: &out)
        put32(matrix.columnCount, to: &out)
        for persona in matrix.personas { put32(persona, to: &out) }
    }

    private static func appendDenseValues(_ values: [Double], to out: inout [UInt8]) {
        #if _endian(little)
            // The wire format is the host's: one bulk copy instead of 8 bytes at a time (shards are 10–100 MB).
            values.withUnsafeBytes { out.append(contentsOf: $0) }
        #else
            for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        #endif
    }

    /// The count, the bitmap and the `nonZero` non-zero values of `values`, written in place in one pass.
    private static func appendSparseValues(_ values: [Double], nonZero: Int, to out: inout [UInt8]) {
        withUnsafeBytes(of: UInt64(nonZero).littleEndian) { out.append(contentsOf: $0) }
        let bitmapStart = out.count, bitmapLength = (values.count + 7) / 8
        out.append(contentsOf: repeatElement(0, count: bitmapLength + 8 * nonZero))
        out.withUnsafeMutableBytes { bytes in
            let bitmap = bytes.baseAddress! + bitmapStart, valuesStart = bitmapStart + bitmapLength
            var written = 0
            for (index, value) in values.enumerated() where value.bitPattern != 0 {
                bitmap.storeBytes(
                    of: bitmap.load(fromByteOffset: index >> 3, as: UInt8.self) | 1 << UInt8(index & 7),
                    toByteOffset: index >> 3, as: UInt8.self)
                bytes.storeBytes(
                    of: value.bitPattern.littleEndian, toByteOffset: valuesStart + 8 * written, as: UInt64.self)
                written += 1
            }
        }
    }

    /// The shard's columns; its residuals, if any, are read but not returned (``decodeResult(_:)``).
    static func decode(_ bytes: [UInt8]) throws -> AffinityMatrix { try decodeResult(bytes).affinity }

    static func decodeResult(_ bytes: [UInt8]) throws -> AffinityShardResult {
        try bytes.withUnsafeBytes { try decodeResult(raw: $0) }
    }

    /// ``decodeResult(_:)`` straight from the bytes Redis returned (no copy of a shard of tens of megabytes).
    static func decodeResult(raw bytes: UnsafeRawBufferPointer) throws -> AffinityShardResult {
        func fail(_ message: String) -> AlgorithmError {
            AlgorithmError(.shardMismatch, message, context: "affinity shard result")
        }
        guard bytes.count >= 20 else { throw fail("not an affinity shard") }
        let header = Array(bytes[0..<8])
        let sparse = header == sparseMagic || header == sparseMagicWithResiduals
        let withResiduals = header == magicWithResiduals || header == sparseMagicWithResiduals
        guard sparse || withResiduals || header == magic else { throw fail("not an affinity shard") }
        func get32(_ offset: Int) -> Int {
            Int(
                UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
                    | UInt32(bytes[offset + 3]) << 24)
        }
        let users = get32(8), personaCount = get32(12), width = get32(16)
        // A sparse value takes at least a bit, any other at least a byte: bounded so, the sizes below cannot overflow.
        let (cells, overflow) = users.multipliedReportingOverflow(by: width)
        guard users <= 8 * bytes.count, width <= bytes.count, !overflow, cells <= 8 * bytes.count else {
            throw fail("counts larger than the result")
        }
        let valuesStart = 20 + 4 * width
        guard bytes.count >= valuesStart else {
            throw fail("expected \(valuesStart) bytes or more, got \(bytes.count)")
        }
        let personas = (0..<width).map { get32(20 + 4 * $0) }
        let (values, valuesEnd) =
            sparse
            ? try sparseValues(bytes, from: valuesStart, count: users * width, fail: fail)
            : try denseValues(bytes, from: valuesStart, count: users * width, withResiduals: withResiduals, fail: fail)
        guard withResiduals || bytes.count == valuesEnd else {
            throw fail("expected \(valuesEnd) bytes, got \(bytes.count)")
        }
        let affinity = try AffinityMatrix(
            userCount: users, personaCount: personaCount, personas: personas, values: values)
        guard withResiduals else { return AffinityShardResult(affinity: affinity) }
        let residuals = try RevAffResiduals(decoding: Array(bytes[valuesEnd...]))
        guard residuals.personas == personas else {
            throw fail("the shard holds personas \(personas) but carries residuals of \(residuals.personas)")
        }
        return AffinityShardResult(affinity: affinity, residuals: residuals)
    }

    /// `count` values written whole from `start`, and where they end.
    private static func denseValues(
        _ raw: UnsafeRawBufferPointer, from start: Int, count: Int, withResiduals: Bool,
        fail: (String) -> AlgorithmError
    ) throws -> ([Double], end: Int) {
        let end = start + 8 * count
        guard raw.count >= end else {
            throw fail("expected \(end) bytes\(withResiduals ? " or more" : ""), got \(raw.count)")
        }
        // Every value is written below: no zero-fill first (a dense shard is tens of megabytes).
        let values = [Double](unsafeUninitializedCapacity: count) { out, initialized in
            #if _endian(little)
                UnsafeMutableRawBufferPointer(out).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[start..<end]))
            #else
                for i in 0..<count {
                    out[i] = Double(
                        bitPattern: UInt64(
                            littleEndian: raw.loadUnaligned(fromByteOffset: start + 8 * i, as: UInt64.self)))
                }
            #endif
            initialized = count
        }
        return (values, end)
    }

    /// `count` values written sparse from `start` (the non-zero count, the bitmap, the non-zero values), and where
    /// they end. The bitmap must mark exactly as many values as the count says, and none past `count`.
    private static func sparseValues(
        _ raw: UnsafeRawBufferPointer, from start: Int, count: Int, fail: (String) -> AlgorithmError
    )
        throws -> ([Double], end: Int)
    {
        let bitmapStart = start + 8, bitmapLength = (count + 7) / 8
        guard raw.count >= bitmapStart + bitmapLength else {
            throw fail("expected \(bitmapStart + bitmapLength) bytes or more, got \(raw.count)")
        }
        let nonZero = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: start, as: UInt64.self))
        guard nonZero <= UInt64(count) else { throw fail("\(nonZero) non-zero values of \(count)") }
        let valuesStart = bitmapStart + bitmapLength, end = valuesStart + 8 * Int(nonZero)
        guard raw.count >= end else { throw fail("expected \(end) bytes or more, got \(raw.count)") }
        var values = [Double](repeating: 0, count: count)
        var marked = 0
        try values.withUnsafeMutableBufferPointer { out in
            for byteIndex in 0..<bitmapLength {
                var bits = raw[bitmapStart + byteIndex]
                while bits != 0 {
                    let index = byteIndex << 3 | bits.trailingZeroBitCount
                    guard index < count else { throw fail("the bitmap marks a value past the \(count)") }
                    guard marked < Int(nonZero) else { throw fail("the bitmap marks more than \(nonZero) values") }
                    out[index] = Double(
                        bitPattern: UInt64(
                            littleEndian: raw.loadUnaligned(fromByteOffset: valuesStart + 8 * marked, as: UInt64.self)))
                    marked += 1
                    bits &= bits &- 1
                }
            }
        }
        guard marked == Int(nonZero) else { throw fail("the bitmap marks \(marked) values, the count \(nonZero)") }
        return (values, end)
    }
}
