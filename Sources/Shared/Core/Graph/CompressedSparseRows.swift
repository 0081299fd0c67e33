/// A sparse 0/1 matrix in compressed-sparse-row form.
///
/// Row `i` holds the column indices `targets[offsets[i] ..< offsets[i + 1]]`, sorted ascending and unique.
/// The purchase graph keeps one of these per direction (users → items and items → users), so every
/// algorithm can walk either side without a transpose at run time.
@usableFromInline struct CompressedSparseRows: Sendable, Equatable {
    /// `rowCount + 1` monotone offsets into `targets`; `offsets[0] == 0`, `offsets.last == targets.count`.
    @usableFromInline let offsets: [Int]
    /// Column indices, row after row.
    @usableFromInline let targets: [UInt32]

    /// Wraps already-valid arrays. Use ``validated(offsets:targets:columnCount:)`` for untrusted input.
    init(offsets: [Int], targets: [UInt32]) {
        precondition(!offsets.isEmpty && offsets.first == 0 && offsets.last == targets.count)
        self.offsets = offsets
        self.targets = targets
    }

    /// An empty matrix with `rowCount` rows.
    init(emptyRows rowCount: Int) {
        self.init(offsets: Array(repeating: 0, count: rowCount + 1), targets: [])
    }

    var rowCount: Int { offsets.count - 1 }
    var entryCount: Int { targets.count }

    /// Number of entries in `row` (the node's degree).
    @inlinable func degree(_ row: Int) -> Int { offsets[row + 1] - offsets[row] }

    /// 1/d for every row (0 for rows of degree 0, which then only ever sum to 0): the walk's step weights.
    func inverseDegrees() -> [Double] {
        (0..<rowCount).map { row in
            let degree = self.degree(row)
            return degree == 0 ? 0 : 1.0 / Double(degree)
        }
    }

    /// The column indices of `row`.
    @inlinable func row(_ row: Int) -> ArraySlice<UInt32> { targets[offsets[row]..<offsets[row + 1]] }

    /// The transpose, with `columnCount` rows. Rows of the result are sorted because rows of `self` are visited
    /// in order (a counting sort), so this is O(rows + columns + entries).
    func transposed(columnCount: Int) -> CompressedSparseRows {
        var counts = [Int](repeating: 0, count: columnCount + 1)
        targets.withUnsafeBufferPointer { t in
            for c in t { counts[Int(c) + 1] += 1 }
        }
        for i in 0..<columnCount { counts[i + 1] += counts[i] }
        let newOffsets = counts
        var cursor = counts
        var newTargets = [UInt32](repeating: 0, count: targets.count)
        offsets.withUnsafeBufferPointer { o in
            targets.withUnsafeBufferPointer { t in
                newTargets.withUnsafeMutableBufferPointer { out in
                    for r in 0..<rowCount {
                        for e in o[r]..<o[r + 1] {
                            let c = Int(t[e])
                            out[cursor[c]] = UInt32(r)
                            cursor[c] += 1
                        }
                    }
                }
            }
        }
        return CompressedSparseRows(offsets: newOffsets, targets: newTargets)
    }

    /// Checks the structural invariants of arrays read from an untrusted source.
    /// - Returns: `nil` when valid, otherwise a human-readable reason.
    static func invariantViolation(offsets: [Int], targets: [UInt32], columnCount: Int) -> String? {
        guard let first = offsets.first, first == 0 else { return "offsets must start at 0" }
        guard offsets.last == targets.count else {
            return "last offset \(offsets.last ?? -1) does not match \(targets.count) entries"
        }
        // Check every offset first, so the row loop below never indexes past `targets`.
        for r in 0..<offsets.count - 1 where offsets[r] > offsets[r + 1] {
            return "offsets decrease at row \(r)"
        }
        for r in 0..<offsets.count - 1 {
            let lo = offsets[r], hi = offsets[r + 1]
            var previous: Int64 = -1
            for e in lo..<hi {
                let c = Int64(targets[e])
                guard c < columnCount else { return "row \(r) has column \(c) >= \(columnCount)" }
                guard c > previous else { return "row \(r) is not strictly ascending" }
                previous = c
            }
        }
        return nil
    }
}
