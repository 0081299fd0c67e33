/// The keyed hash of ``SnapshotDecoder/transposeViolation(_:_:)``: two 64-bit sums over a set of (user, item)
/// pairs, each pair mixed with one key by the SplitMix64 finalizer. Sums commute, so the order in which a
/// direction lists its pairs does not matter.
struct PairHashKey: Sendable {
    let first: UInt64
    let second: UInt64

    struct Sum: Equatable, Sendable {
        var first: UInt64 = 0
        var second: UInt64 = 0
    }

    /// The sum over every entry of `rows`: (row, target) when rows are users, (target, row) when they are items.
    func sum(_ rows: CompressedSparseRows, rowsAreUsers: Bool) -> Sum {
        var total = Sum()
        rows.offsets.withUnsafeBufferPointer { offsets in
            rows.targets.withUnsafeBufferPointer { targets in
                for row in 0..<offsets.count - 1 {
                    for e in offsets[row]..<offsets[row + 1] {
                        let target = UInt64(targets[e]), rowIndex = UInt64(row)
                        let pair = rowsAreUsers ? rowIndex << 32 | target : target << 32 | rowIndex
                        total.first &+= Self.mix(pair ^ first)
                        total.second &+= Self.mix(pair ^ second)
                    }
                }
            }
        }
        return total
    }

    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
