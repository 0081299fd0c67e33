/// Encodes and decodes an *integer column* of the snapshot format: a width byte `w` (1...4, the fewest bytes
/// that hold the largest value) followed by `w` byte planes of `count` bytes each (plane `k` holds byte `k`
/// of every value). See ``SnapshotFormat``.
enum IntegerColumn {
    /// Number of bytes the column of `count` values of width `width` occupies, width byte included.
    static func size(count: Int, width: Int) -> Int { 1 + count * width }

    /// Appends the column for `values` to `out`.
    static func append(_ values: UnsafeBufferPointer<UInt32>, to out: inout [UInt8]) {
        var largest: UInt32 = 0
        for value in values { largest |= value }
        let width = largest >> 24 != 0 ? 4 : largest >> 16 != 0 ? 3 : largest >> 8 != 0 ? 2 : 1
        let start = out.count
        out.append(UInt8(width))
        out.append(contentsOf: repeatElement(0, count: values.count * width))
        out.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for plane in 0..<width {
                let destination = base + start + 1 + plane * values.count
                let shift = UInt32(plane * 8)
                for i in 0..<values.count { destination[i] = UInt8(truncatingIfNeeded: values[i] >> shift) }
            }
        }
    }

    static func append(_ values: [UInt32], to out: inout [UInt8]) {
        values.withUnsafeBufferPointer { append($0, to: &out) }
    }

    /// Reads a column of `count` values starting at `position` of `raw` and advances `position` past it.
    /// - Throws: a message when the width byte is invalid or the payload is too short.
    static func read(
        _ raw: UnsafeRawBufferPointer, at position: inout Int, count: Int
    ) throws(ColumnError) -> [UInt32] {
        guard position >= 0, position < raw.count else { throw ColumnError("ends before a column's width byte") }
        let width = Int(raw[position])
        guard (1...4).contains(width) else { throw ColumnError("invalid column width \(width)") }
        let (needed, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow, raw.count - position - 1 >= needed else {
            throw ColumnError("a column of \(count) values × \(width) bytes does not fit in the payload")
        }
        guard let base = raw.baseAddress else { throw ColumnError("empty payload") }
        let planes = base.assumingMemoryBound(to: UInt8.self) + position + 1
        position += 1 + needed
        return [UInt32](unsafeUninitializedCapacity: count) { out, initialized in
            let p0 = planes
            let p1 = planes + count
            let p2 = planes + 2 * count
            let p3 = planes + 3 * count
            switch width {
            case 1:
                for i in 0..<count { out[i] = UInt32(p0[i]) }
            case 2:
                for i in 0..<count { out[i] = UInt32(p0[i]) | UInt32(p1[i]) << 8 }
            case 3:
                for i in 0..<count { out[i] = UInt32(p0[i]) | UInt32(p1[i]) << 8 | UInt32(p2[i]) << 16 }
            default:
                for i in 0..<count {
                    out[i] = UInt32(p0[i]) | UInt32(p1[i]) << 8 | UInt32(p2[i]) << 16 | UInt32(p3[i]) << 24
                }
            }
            initialized = count
        }
    }

    struct ColumnError: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }
}
