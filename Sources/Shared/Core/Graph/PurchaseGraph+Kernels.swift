extension PurchaseGraph {
    /// Runs `body` with both CSR sides as buffer pointers (users → items offsets and targets, then items → users
    /// offsets and targets): what the affinity kernels' loops index, without bounds checks or array retains.
    /// Always inlined, so a kernel's loops compile as if they had nested the four `withUnsafeBufferPointer` calls.
    @inline(__always)
    func withUnsafeAdjacency<Result>(
        _ body: (
            _ userOffsets: UnsafeBufferPointer<Int>, _ userTargets: UnsafeBufferPointer<UInt32>,
            _ itemOffsets: UnsafeBufferPointer<Int>, _ itemTargets: UnsafeBufferPointer<UInt32>
        ) throws -> Result
    ) rethrows -> Result {
        try userItems.offsets.withUnsafeBufferPointer { userOffsets in
            try userItems.targets.withUnsafeBufferPointer { userTargets in
                try itemUsers.offsets.withUnsafeBufferPointer { itemOffsets in
                    try itemUsers.targets.withUnsafeBufferPointer { itemTargets in
                        try body(userOffsets, userTargets, itemOffsets, itemTargets)
                    }
                }
            }
        }
    }

    /// 1/d(u) for every user, 0 for a user of degree 0 (whose rows then only ever sum to 0).
    func inverseUserDegrees() -> [Double] { userItems.inverseDegrees() }
    /// 1/d(v) for every item, 0 for an item of degree 0.
    func inverseItemDegrees() -> [Double] { itemUsers.inverseDegrees() }
}

extension CompressedSparseRows {
    /// 1/degree for every row, 0 for an empty row.
    func inverseDegrees() -> [Double] {
        (0..<rowCount).map { row in
            let entries = degree(row)
            return entries == 0 ? 0 : 1.0 / Double(entries)
        }
    }
}
