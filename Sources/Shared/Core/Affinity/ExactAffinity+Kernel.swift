/// One exact solve: the graph, L, the requested columns and the output buffer (row-major, `columns.count` wide).
/// The last pass writes every entry of the buffer (or adds to it, with ``accumulate``), so without `accumulate` it
/// may start uninitialised.
struct ExactPlan {
    let graph: PurchaseGraph
    let labels: LabelMatrix
    let columns: [Int]
    let walkLength: Int
    let threads: Int
    let out: UnsafeMutablePointer<Double>
    /// Add the result to what `out` holds (the running Ψ_raw) instead of overwriting it: one pass, no second matrix.
    var accumulate = false
    /// Where the slabs come from: a run's kept scratch, or (`nil`) memory of this solve's own.
    var scratch: ExactScratch?

    /// Runs the solver with persona blocks of `V.scalarCount` columns.
    func run<V: SIMD>(_: V.Type) where V.Scalar == Double {
        let userCount = graph.userCount, itemCount = graph.itemCount
        let labeledCount = labels.rowCount
        let slabs = scratch ?? ExactScratch()
        let invUser = slabs.inverseDegrees(graph.userItems)
        let invItem = slabs.inverseDegrees(graph.itemUsers)
        let (labeledOffsets, labeledTargets) = labeledBuyers()
        let lanes = V.scalarCount
        let width = columns.count
        let blocks = (width + lanes - 1) / lanes
        // Every persona block has its own L, Y (and X, acc) slab, so one parallel region covers all blocks:
        // chunk c is (block c / ranges, row range c % ranges), block-major so concurrent chunks share a Y slab.
        let blockL = slabs.slab(0, V.self, capacity: blocks * labeledCount)
        let y = slabs.slab(1, V.self, capacity: blocks * itemCount)
        let x = slabs.slab(2, V.self, capacity: walkLength > 1 ? blocks * userCount : 1)
        let acc = slabs.slab(3, V.self, capacity: walkLength > 1 ? blocks * userCount : 1)
        defer { withExtendedLifetime(slabs) {} }  // the pointers above live as long as it does
        var columnOfPersona = [Int](repeating: -1, count: labels.personaCount)
        for (column, persona) in columns.enumerated() { columnOfPersona[persona] = column }
        for block in 0..<blocks {
            fillBlock(blockL + block * labeledCount, first: block * lanes, columnOfPersona: columnOfPersona)
        }
        let parts = threads * 8
        let scale = 1.0 / Double(walkLength)

        graph.userItems.offsets.withUnsafeBufferPointer { userOffsets in
            graph.userItems.targets.withUnsafeBufferPointer { userTargets in
                graph.itemUsers.offsets.withUnsafeBufferPointer { itemOffsets in
                    graph.itemUsers.targets.withUnsafeBufferPointer { itemTargets in
                        labeledOffsets.withUnsafeBufferPointer { labOffsets in
                            labeledTargets.withUnsafeBufferPointer { labTargets in
                                invUser.withUnsafeBufferPointer { invU in
                                    invItem.withUnsafeBufferPointer { invI in
                                        let userRanges = ParallelLoop.balancedRanges(offsets: userOffsets, parts: parts)
                                        let labeledItemRanges = ParallelLoop.balancedRanges(
                                            offsets: labOffsets, parts: parts)
                                        let itemRanges = ParallelLoop.balancedRanges(offsets: itemOffsets, parts: parts)
                                        // Y = P'·L, summing only labeled buyers.
                                        itemHop(
                                            into: y, from: blockL, sourceRows: labeledCount, blocks: blocks,
                                            offsets: labOffsets, targets: labTargets, ranges: labeledItemRanges,
                                            inverse: invI)
                                        for step in 1...walkLength {
                                            if step > 1 {
                                                // Y = P'·X over all buyers.
                                                itemHop(
                                                    into: y, from: x, sourceRows: userCount, blocks: blocks,
                                                    offsets: itemOffsets, targets: itemTargets, ranges: itemRanges,
                                                    inverse: invI)
                                            }
                                            let last = step == walkLength
                                            // X = P·Y; acc += X; on the last step write acc / ℓ̂ to the output.
                                            // Block-major: both threads gather from one Y slab at a time (a user
                                            // tile going through every block in turn, for its output rows' sake,
                                            // was slower at 10M users: docs/benchmarks.md).
                                            let userChunks = userRanges.count
                                            ParallelLoop.run(chunks: blocks * userChunks, threads: threads) { c in
                                                let block = c / userChunks
                                                let first = block * lanes, blockColumns = min(lanes, width - first)
                                                let yBlock = y + block * itemCount
                                                let xBlock = x + block * userCount, accBlock = acc + block * userCount
                                                let range = userRanges[c % userChunks]
                                                let lastEdge = userOffsets[range.upperBound] - 1
                                                for u in range {
                                                    let edges = userOffsets[u]..<userOffsets[u + 1]
                                                    let xu = gather(yBlock, userTargets, edges, lastEdge) * invU[u]
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
            }
        }
    }

    /// Y = P'·`source` in every persona block: each item's row is the mean of the `source` rows its `targets` name
    /// (L's labeled buyers on the first step, every buyer's row of X on later ones); `sourceRows` rows per block.
    private func itemHop<V: SIMD>(
        into y: UnsafeMutablePointer<V>, from source: UnsafeMutablePointer<V>, sourceRows: Int, blocks: Int,
        offsets: UnsafeBufferPointer<Int>, targets: UnsafeBufferPointer<UInt32>, ranges: [Range<Int>],
        inverse: UnsafeBufferPointer<Double>
    ) where V.Scalar == Double {
        let chunks = ranges.count, itemCount = graph.itemCount
        ParallelLoop.run(chunks: blocks * chunks, threads: threads) { c in
            let block = c / chunks
            let sourceBlock = source + block * sourceRows, yBlock = y + block * itemCount
            let range = ranges[c % chunks], lastEdge = offsets[range.upperBound] - 1
            for v in range {
                yBlock[v] = gather(sourceBlock, targets, offsets[v]..<offsets[v + 1], lastEdge) * inverse[v]
            }
        }
    }

    /// Σ rows[targets[e]] over `edges`, prefetching the row ``prefetchDistance`` edges ahead (up to `lastEdge`,
    /// the last edge of the caller's range, so the index read ahead is always in the CSR).
    @inline(__always)
    private func gather<V: SIMD>(
        _ rows: UnsafeMutablePointer<V>, _ targets: UnsafeBufferPointer<UInt32>, _ edges: Range<Int>, _ lastEdge: Int
    ) -> V where V.Scalar == Double {
        var sum = V()
        for e in edges {
            prefetchForRead(rows + Int(targets[min(e &+ Self.prefetchDistance, lastEdge)]))
            sum += rows[Int(targets[e])]
        }
        return sum
    }

    /// How many edges ahead a gather asks for its row: the same loop in C (`Ops/bench-item-major.c`) ran ~25 % faster
    /// with 16 or 32 once the item slab outgrew the L3 (1M items), and no slower inside it (100K items).
    static let prefetchDistance = 16

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
