/// One exact solve: the graph, L, the requested columns and the output buffer (row-major, `columns.count` wide).
struct ExactPlan {
    let graph: PurchaseGraph
    let labels: LabelMatrix
    let columns: [Int]
    let walkLength: Int
    let threads: Int
    let out: UnsafeMutablePointer<Double>
    /// Add the result to what `out` holds (the running Ψ_raw) instead of overwriting it: one pass, no second matrix.
    var accumulate = false

    /// Runs the solver with persona blocks of `V.scalarCount` columns.
    func run<V: SIMD>(_: V.Type) where V.Scalar == Double {
        let userCount = graph.userCount, itemCount = graph.itemCount
        let labeledCount = labels.rowCount
        let invUser = graph.inverseUserDegrees()
        let invItem = graph.inverseItemDegrees()
        let (labeledOffsets, labeledTargets) = labeledBuyers()
        let lanes = V.scalarCount
        let width = columns.count
        let blocks = (width + lanes - 1) / lanes
        // Every persona block has its own L, Y (and X, acc) slab, so one parallel region covers all blocks:
        // chunk c is (block c / ranges, row range c % ranges), block-major so concurrent chunks share a Y slab.
        let blockL = KernelMemory.allocate(V.self, capacity: blocks * labeledCount)
        let y = KernelMemory.allocate(V.self, capacity: blocks * itemCount)
        let x = KernelMemory.allocate(V.self, capacity: walkLength > 1 ? blocks * userCount : 1)
        let acc = KernelMemory.allocate(V.self, capacity: walkLength > 1 ? blocks * userCount : 1)
        defer {
            KernelMemory.deallocate(blockL)
            KernelMemory.deallocate(y)
            KernelMemory.deallocate(x)
            KernelMemory.deallocate(acc)
        }
        var columnOfPersona = [Int](repeating: -1, count: labels.personaCount)
        for (column, persona) in columns.enumerated() { columnOfPersona[persona] = column }
        for block in 0..<blocks {
            fillBlock(blockL + block * labeledCount, first: block * lanes, columnOfPersona: columnOfPersona)
        }
        let parts = threads * 8
        let scale = 1.0 / Double(walkLength)

        graph.withUnsafeAdjacency { userOffsets, userTargets, itemOffsets, itemTargets in
            labeledOffsets.withUnsafeBufferPointer { labOffsets in
                labeledTargets.withUnsafeBufferPointer { labTargets in
                    invUser.withUnsafeBufferPointer { invU in
                        invItem.withUnsafeBufferPointer { invI in
                            let userRanges = ParallelLoop.balancedRanges(offsets: userOffsets, parts: parts)
                            let labeledItemRanges = ParallelLoop.balancedRanges(
                                offsets: labOffsets, parts: parts)
                            let itemRanges = ParallelLoop.balancedRanges(offsets: itemOffsets, parts: parts)
                            // Y = P'·S for every block, S's slabs `stride` apart from `source`, its buyers listed by
                            // `offsets`/`targets` and balanced by `ranges`.
                            func itemProduct(
                                ranges: [Range<Int>], offsets: UnsafeBufferPointer<Int>,
                                targets: UnsafeBufferPointer<UInt32>, source: UnsafeMutablePointer<V>, stride: Int
                            ) {
                                let chunks = ranges.count
                                ParallelLoop.run(chunks: blocks * chunks, threads: threads) { c in
                                    let block = c / chunks
                                    let sBlock = source + block * stride, yBlock = y + block * itemCount
                                    for v in ranges[c % chunks] {
                                        yBlock[v] = Self.transitionProduct(
                                            v, offsets: offsets, targets: targets, of: sBlock, inverseDegree: invI)
                                    }
                                }
                            }
                            // Y = P'·L, summing only labeled buyers.
                            itemProduct(
                                ranges: labeledItemRanges, offsets: labOffsets, targets: labTargets, source: blockL,
                                stride: labeledCount)
                            for step in 1...walkLength {
                                if step > 1 {
                                    // Y = P'·X over all buyers.
                                    itemProduct(
                                        ranges: itemRanges, offsets: itemOffsets, targets: itemTargets, source: x,
                                        stride: userCount)
                                }
                                let last = step == walkLength
                                // X = P·Y; acc += X; on the last step write acc / ℓ̂ to the output.
                                let userChunks = userRanges.count
                                ParallelLoop.run(chunks: blocks * userChunks, threads: threads) { c in
                                    let block = c / userChunks
                                    let first = block * lanes, blockColumns = min(lanes, width - first)
                                    let yBlock = y + block * itemCount
                                    let xBlock = x + block * userCount, accBlock = acc + block * userCount
                                    for u in userRanges[c % userChunks] {
                                        let xu = Self.transitionProduct(
                                            u, offsets: userOffsets, targets: userTargets, of: yBlock,
                                            inverseDegree: invU)
                                        if last {
                                            let total = step == 1 ? xu : (accBlock[u] + xu) * scale
                                            let row = out + u * width + first
                                            if accumulate {
                                                for j in 0..<blockColumns { row[j] += total[j] }
                                            } else {
                                                for j in 0..<blockColumns { row[j] = total[j] }
                                            }
                                        } else {
                                            xBlock[u] = xu
                                            accBlock[u] = step == 1 ? xu : accBlock[u] + xu
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Row `row` of a walk step, (P·S)[u] = Σ_{v ∈ N(u)} S[v] / d(u) on users or (P'·S)[v] on items: the sum of
    /// `source` over the row's CSR entries, times the row's inverse degree. With the labeled buyers as entries it is
    /// (P'·L)[v], L being zero for every other user. Always inlined, so each kernel loop compiles as if written out.
    @inline(__always)
    private static func transitionProduct<V: SIMD>(
        _ row: Int, offsets: UnsafeBufferPointer<Int>, targets: UnsafeBufferPointer<UInt32>,
        of source: UnsafeMutablePointer<V>, inverseDegree: UnsafeBufferPointer<Double>
    ) -> V where V.Scalar == Double {
        var sum = V()
        for e in offsets[row]..<offsets[row + 1] {
            sum += source[Int(targets[e])]
        }
        return sum * inverseDegree[row]
    }

    /// For every item, the labeled rows (indices into L's rows) of its buyers: a CSR built from the labeled
    /// users' side, so it costs O(edges of prototypes) rather than O(|E|).
    private func labeledBuyers() -> (offsets: [Int], targets: [UInt32]) {
        let itemCount = graph.itemCount
        var offsets = [Int](repeating: 0, count: itemCount + 1)
        let userOffsets = graph.userItems.offsets, userTargets = graph.userItems.targets
        for user in labels.rowUsers {
            for e in userOffsets[user]..<userOffsets[user + 1] { offsets[Int(userTargets[e]) + 1] += 1 }
        }
        for v in 0..<itemCount { offsets[v + 1] += offsets[v] }
        var cursor = offsets
        var targets = [UInt32](repeating: 0, count: offsets[itemCount])
        for (index, user) in labels.rowUsers.enumerated() {
            for e in userOffsets[user]..<userOffsets[user + 1] {
                let v = Int(userTargets[e])
                targets[cursor[v]] = UInt32(index)
                cursor[v] += 1
            }
        }
        return (offsets, targets)
    }

    /// Copies the columns `first ..< first + lanes` of L's labeled rows into `block` (zero-padded).
    private func fillBlock<V: SIMD>(_ block: UnsafeMutablePointer<V>, first: Int, columnOfPersona: [Int])
    where V.Scalar == Double {
        let lanes = V.scalarCount
        for index in 0..<labels.rowCount {
            var row = V()
            for e in labels.rowOffsets[index]..<labels.rowOffsets[index + 1] {
                let column = columnOfPersona[labels.entryPersonas[e]] - first
                if column >= 0 && column < lanes { row[column] = labels.entryValues[e] }
            }
            block[index] = row
        }
    }
}
