/// Encodes and decodes the purchase-counts payload (see ``SnapshotFormat``): counts are mostly 1–3, so each
/// gets a 2-bit code (0, 1, 2 for counts 1, 2, 3; 3 = "see the escape column"), four codes per byte, lowest
/// bits first (unused bits of the last byte are zero), followed by an integer column of the escaped counts in
/// edge order. Packing four small counts per byte gets under the one-bit-per-byte floor of zstd's Huffman
/// literals (0.26 instead of 0.35 bytes per edge on an Instacart-shaped graph).
enum PurchaseCountColumn {
    static func packedSize(count: Int) -> Int { count / 4 + (count % 4 == 0 ? 0 : 1) }

    static func encode(_ counts: [UInt32]) -> [UInt8] {
        var packed = [UInt8](repeating: 0, count: packedSize(count: counts.count))
        var escaped: [UInt32] = []
        for (index, count) in counts.enumerated() {
            let code: UInt8
            if count >= 1, count <= 3 {
                code = UInt8(count - 1)
            } else {
                code = 3
                escaped.append(count)
            }
            packed[index >> 2] |= code << UInt8((index & 3) * 2)
        }
        IntegerColumn.append(escaped, to: &packed)
        return packed
    }

    /// Decodes `count` purchase counts; every count must be ≥ 1.
    static func decode(_ raw: UnsafeRawBufferPointer, count: Int) throws(IntegerColumn.ColumnError) -> [UInt32] {
        let packedBytes = packedSize(count: count)
        guard raw.count >= packedBytes else {
            throw IntegerColumn.ColumnError("\(raw.count) bytes cannot hold \(count) packed counts")
        }
        if count % 4 != 0, raw[packedBytes - 1] >> UInt8((count % 4) * 2) != 0 {
            throw IntegerColumn.ColumnError("padding bits after the last count are set")
        }
        var counts = [UInt32](repeating: 0, count: count)
        var escapes = 0
        counts.withUnsafeMutableBufferPointer { counts in
            for index in 0..<count {
                let code = UInt32(raw[index >> 2] >> UInt8((index & 3) * 2)) & 3
                counts[index] = code + 1  // 4 marks an escape, filled in below
                escapes += code == 3 ? 1 : 0
            }
        }
        var position = packedBytes
        let escaped = try IntegerColumn.read(raw, at: &position, count: escapes)
        guard position == raw.count else {
            throw IntegerColumn.ColumnError("\(raw.count - position) bytes after the escaped counts")
        }
        var next = 0
        for index in 0..<count where counts[index] == 4 {
            let value = escaped[next]
            guard value >= 1 else { throw IntegerColumn.ColumnError("edge \(index) has purchase count 0") }
            counts[index] = value
            next += 1
        }
        return counts
    }
}
