/// Decoding of the individual section payloads; each throws a message the caller attaches to the section.
extension SnapshotDecoder {
    typealias ColumnError = IntegerColumn.ColumnError

    /// column(byte lengths) ++ UTF-8 blob → `count` strings.
    static func strings(_ raw: UnsafeRawBufferPointer, count: Int) throws(ColumnError) -> [String] {
        var position = 0
        let lengths = try IntegerColumn.read(raw, at: &position, count: count)
        var total = 0
        for length in lengths {
            let (sum, overflow) = total.addingReportingOverflow(Int(length))
            guard !overflow else { throw ColumnError("string lengths overflow") }
            total = sum
        }
        guard raw.count - position == total else {
            throw ColumnError("string lengths add up to \(total) bytes, the payload holds \(raw.count - position)")
        }
        var strings: [String] = []
        strings.reserveCapacity(count)
        for (index, length) in lengths.enumerated() {
            let bytes = UnsafeRawBufferPointer(rebasing: raw[position..<position + Int(length)])
            guard let string = String(validating: bytes, as: UTF8.self) else {
                throw ColumnError("string \(index) is not valid UTF-8")
            }
            strings.append(string)
            position += Int(length)
        }
        return strings
    }

    /// column(degrees) ++ column(deltas) → a CSR matrix, checked with
    /// ``CompressedSparseRows/invariantViolation(offsets:targets:columnCount:)``.
    static func rows(
        _ raw: UnsafeRawBufferPointer, rowCount: Int, columnCount: Int, entryCount: Int
    ) throws(ColumnError) -> CompressedSparseRows {
        var position = 0
        let degrees = try IntegerColumn.read(raw, at: &position, count: rowCount)
        var targets = try IntegerColumn.read(raw, at: &position, count: entryCount)
        guard position == raw.count else { throw ColumnError("\(raw.count - position) bytes after the last column") }
        var offsets = [Int](repeating: 0, count: rowCount + 1)
        var total = 0
        for row in 0..<rowCount {
            let (sum, overflow) = total.addingReportingOverflow(Int(degrees[row]))
            guard !overflow, sum <= entryCount else {
                throw ColumnError("row degrees exceed the header's \(entryCount) edges at row \(row)")
            }
            total = sum
            offsets[row + 1] = total
        }
        guard total == entryCount else {
            throw ColumnError("row degrees add up to \(total), the header says \(entryCount) edges")
        }
        // Undo the delta coding. Wrapping sums are fine: a wrapped value breaks the ascending order, which the
        // invariant check below reports.
        offsets.withUnsafeBufferPointer { offsets in
            targets.withUnsafeMutableBufferPointer { targets in
                for row in 0..<rowCount {
                    var running: UInt32 = 0
                    for e in offsets[row]..<offsets[row + 1] {
                        running &+= targets[e]
                        targets[e] = running
                    }
                }
            }
        }
        if let problem = CompressedSparseRows.invariantViolation(
            offsets: offsets, targets: targets, columnCount: columnCount)
        {
            throw ColumnError(problem)
        }
        return CompressedSparseRows(offsets: offsets, targets: targets)
    }

    /// Checks that `itemUsers` is exactly the transpose of `userItems`, or says how it is not.
    ///
    /// Both matrices already satisfy the CSR invariants (rows strictly ascending), so each holds a *set* of (user,
    /// item) pairs, and the transpose holds exactly when the two sets are equal. That is tested first by streaming:
    /// each side sums a 128-bit keyed hash of its pairs (two passes in parallel, sequential reads only), and equal
    /// sets give equal sums. The key is drawn at random on every check, so a writer cannot aim at a collision;
    /// unequal sets agree with probability about 2⁻¹²⁸. Only when the sums differ does the exact walk run, to name
    /// the first pair that is wrong. Why: the exact walk reads a cursor and an entry of a random item per edge; at
    /// 10M users (300M edges) it took ~3 s on every snapshot load, in the coordinator and in each worker.
    static func transposeViolation(_ userItems: CompressedSparseRows, _ itemUsers: CompressedSparseRows) -> String? {
        var random = SystemRandomNumberGenerator()
        let key = PairHashKey(first: random.next(), second: random.next())
        let sums = Snapshot.parallelMap(2) { side in
            side == 0 ? key.sum(userItems, rowsAreUsers: true) : key.sum(itemUsers, rowsAreUsers: false)
        }
        if sums[0] == sums[1] { return nil }
        return exactTransposeViolation(userItems, itemUsers) ?? "the two directions hold different pairs"
    }

    /// The exact check in O(E): equal entry counts, then, walking users in order, each edge (u, v) must be the next
    /// unread entry of item v's row, and every item row must be read to its end. Every index below is in bounds (CSR
    /// invariants).
    static func exactTransposeViolation(_ userItems: CompressedSparseRows, _ itemUsers: CompressedSparseRows)
        -> String?
    {
        guard userItems.entryCount == itemUsers.entryCount else {
            return "\(itemUsers.entryCount) entries, user-items has \(userItems.entryCount)"
        }
        var cursor = Array(itemUsers.offsets.dropLast())
        var problem: String?
        userItems.offsets.withUnsafeBufferPointer { uo in
            userItems.targets.withUnsafeBufferPointer { ut in
                itemUsers.offsets.withUnsafeBufferPointer { io in
                    itemUsers.targets.withUnsafeBufferPointer { it in
                        cursor.withUnsafeMutableBufferPointer { cursor in
                            for user in 0..<uo.count - 1 {
                                for e in uo[user]..<uo[user + 1] {
                                    let item = Int(ut[e])
                                    let c = cursor[item]
                                    guard c < io[item + 1], it[c] == UInt32(truncatingIfNeeded: user) else {
                                        problem = "item \(item) does not list user \(user) where expected"
                                        return
                                    }
                                    cursor[item] = c + 1
                                }
                            }
                            for item in 0..<cursor.count where cursor[item] != io[item + 1] {
                                problem = "item \(item) lists users who did not buy it"
                                return
                            }
                        }
                    }
                }
            }
        }
        return problem
    }
}
