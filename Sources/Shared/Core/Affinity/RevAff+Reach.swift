extension RevAff {
    /// What RevAff does on `labels` over every persona and whom it reaches, without holding Ψ̂: the solver
    /// advisor's probe. Each thread pushes one persona at a time into a users-long column of its own, marks the
    /// users with a non-zero entry in that persona's bit column and clears the entry again, so the memory is a
    /// column and a workspace per thread plus one bit per user and persona, instead of Ψ̂ twice (at 10M users ×
    /// 20 personas, 3.2 GB while it is transposed).
    /// - Parameter columns: the personas to push (all of them when `nil`).
    /// - Returns: the edges the pushes traversed (``Result/totalEdgesTouched`` of ``compute(graph:labels:personas:)``
    ///   on the same input) and, per user, whether any pushed persona's Ψ̂ entry is non-zero.
    func reach(graph: PurchaseGraph, labels: LabelMatrix, columns: Range<Int>? = nil) throws
        -> (edgesTouched: Int, reached: [Bool])
    {
        let columns = (columns ?? 0..<labels.personaCount).clamped(to: 0..<labels.personaCount)
        let userCount = graph.userCount, personaCount = columns.count
        guard labels.userCount == userCount else {
            throw AlgorithmError(
                .shardMismatch, "label matrix has \(labels.userCount) users, graph has \(userCount)",
                context: "RevAff")
        }
        let seeds = labels.sparseColumns()
        let wordsPerPersona = (userCount + 63) / 64
        var bits = [UInt64](repeating: 0, count: max(wordsPerPersona * personaCount, 1))
        var edges = [Int](repeating: 0, count: max(personaCount, 1))
        let context = RevAffContext(graph: graph, walkLength: walkLength, threshold: threshold)
        bits.withUnsafeMutableBufferPointer { bitBuffer in
            edges.withUnsafeMutableBufferPointer { edgeBuffer in
                let bitBase = bitBuffer.baseAddress!, edgeBase = edgeBuffer.baseAddress!
                ParallelLoop.run(
                    chunks: personaCount, threads: threadCount,
                    setup: { ProbeScratch(userCount: userCount, itemCount: graph.itemCount) }
                ) { scratch, chunk in
                    let work = context.push(
                        seeds: seeds[columns.lowerBound + chunk], into: scratch.column, workspace: scratch.workspace)
                    edgeBase[chunk] = work.edges
                    // Each persona owns its own words of `bits`: no two threads write the same memory.
                    let words = bitBase + chunk * wordsPerPersona
                    for user in 0..<userCount where scratch.column[user] != 0 {
                        words[user >> 6] |= 1 << UInt64(user & 63)
                        scratch.column[user] = 0
                    }
                }
            }
        }
        var reached = [Bool](repeating: false, count: userCount)
        for user in 0..<userCount {
            let word = user >> 6, bit = UInt64(1) << UInt64(user & 63)
            reached[user] = (0..<personaCount).contains { bits[$0 * wordsPerPersona + word] & bit != 0 }
        }
        return (edges.reduce(0, +), reached)
    }
}

/// One thread's scratch for ``RevAff/reach(graph:labels:)``: the push workspace and a zeroed users-long column.
private final class ProbeScratch {
    let workspace: RevAffWorkspace
    let column: UnsafeMutablePointer<Double>
    let userCount: Int

    init(userCount: Int, itemCount: Int) {
        self.userCount = userCount
        workspace = RevAffWorkspace(userCount: userCount, itemCount: itemCount)
        column = KernelMemory.allocate(Double.self, capacity: userCount)
        column.initialize(repeating: 0, count: max(userCount, 1))
    }

    deinit { KernelMemory.deallocate(column) }
}
