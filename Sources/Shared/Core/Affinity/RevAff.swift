/// RevAff (Algorithm 2, with DESIGN §3's corrections): ε-approximate Ψ[:, r] for one persona at a time by
/// pushing residuals backwards from the prototypes, hop by hop.
///
/// Hop 0 holds L[:, r] on users; pushing node ŵ at hop t < 2ℓ̂ adds Δ = q_t[ŵ] / d(w) (the *receiving* node's
/// degree) to Ψ̂_{t+1}[w] and q_{t+1}[w] for every neighbour w. A node is pushed only while its residual is
/// ≥ θ = ε / (2ℓ̂) (and > 0); smaller residuals are dropped. Since residuals only flow from hop t to t + 1, each
/// hop is processed once, in order, each node at most once per hop, without a priority queue. The output is
/// Ψ̂[u, r] = (1/ℓ̂) Σ_{ℓ=1..ℓ̂} Ψ̂_{2ℓ}[u], with |Ψ̂ − Ψ| ≤ ε for every user (Thm. 3); ε = 0 is exact up to
/// float rounding.
public struct RevAff: Sendable {
    /// ℓ̂ ≥ 1.
    public var walkLength: Int
    /// ε ≥ 0, the absolute error bound per user and persona.
    public var epsilon: Double
    /// Personas computed concurrently (one persona per task), ≥ 1.
    public var threadCount: Int

    public init(walkLength: Int = 1, epsilon: Double, threadCount: Int? = nil) {
        self.walkLength = walkLength
        self.epsilon = epsilon
        self.threadCount = threadCount ?? ParallelLoop.defaultThreadCount
    }

    /// θ = ε / (2ℓ̂): the smallest residual that is pushed.
    public var threshold: Double { epsilon / Double(2 * walkLength) }

    /// Work done for one persona.
    struct PersonaStats: Sendable, Equatable {
        let persona: Int
        /// Nodes pushed (over all hops).
        let pushes: Int
        /// Edges traversed by those pushes (Σ of the pushed nodes' degrees).
        let edgesTouched: Int
    }

    /// Ψ̂ for the requested personas and the work done per persona (ascending persona).
    public struct Result: Sendable, Equatable {
        public let affinity: AffinityMatrix
        let stats: [PersonaStats]
        var totalPushes: Int { stats.reduce(0) { $0 + $1.pushes } }
        var totalEdgesTouched: Int { stats.reduce(0) { $0 + $1.edgesTouched } }
    }

    /// Ψ̂ for `personas` (every persona when `nil`), up to `threadCount` personas at a time.
    public func compute(graph: PurchaseGraph, labels: LabelMatrix, personas: [Int]? = nil) throws -> Result {
        try validate(graph: graph, labels: labels)
        let columns = try validatedPersonas(personas, personaCount: labels.personaCount, context: "RevAff")
        var dropped: [RevAffCarry] = []
        return solve(graph: graph, labels: labels, columns: columns, carries: &dropped)
    }

    /// What `labels` (an iteration's new prototypes) add to Ψ̂ for `personas`, pushed together with the residuals
    /// earlier additions left below θ (`residuals`), and the residuals this push leaves: one step of
    /// ``IncrementalRevAff`` for a shard of personas, with its state passed in and out instead of kept. This is how
    /// a stateless worker's `affinity` jobs stay incremental. The pushes are the ones ``IncrementalRevAff`` makes,
    /// and its running column gains exactly the returned increment, so the running sums agree to the last bit.
    /// - Parameter residuals: what earlier additions left (personas it does not hold carry nothing).
    /// - Throws: ``AlgorithmError`` when a residual does not fit the graph or walk length.
    public func increment(
        graph: PurchaseGraph, labels: LabelMatrix, personas: [Int]? = nil, carrying residuals: RevAffResiduals
    ) throws -> (result: Result, residuals: RevAffResiduals) {
        try validate(graph: graph, labels: labels)
        let columns = try validatedPersonas(personas, personaCount: labels.personaCount, context: "RevAff")
        var carries = try columns.map {
            try residuals.carry(of: $0, graph: graph, walkLength: walkLength, threshold: threshold)
        }
        let result = solve(graph: graph, labels: labels, columns: columns, carries: &carries)
        return (result, RevAffResiduals(personas: columns, hops: carries.map(RevAffResiduals.hops(of:))))
    }

    /// Pushes each of `columns` (ascending personas) into a zeroed column; with `carries` (one per column) the
    /// residuals below θ are joined and kept there, without (empty) they are dropped.
    private func solve(graph: PurchaseGraph, labels: LabelMatrix, columns: [Int], carries: inout [RevAffCarry])
        -> Result
    {
        let userCount = graph.userCount, width = columns.count
        let seeds = labels.sparseColumns()
        // Largest seed sets first: they tend to cost most, and starting them early balances the threads.
        let order = columns.indices.sorted { seeds[columns[$0]].count > seeds[columns[$1]].count }
        var columnMajor = [Double](repeating: 0, count: userCount * width)
        var stats = [PersonaStats?](repeating: nil, count: width)
        let context = RevAffContext(graph: graph, walkLength: walkLength, threshold: threshold)
        columnMajor.withUnsafeMutableBufferPointer { buffer in
            stats.withUnsafeMutableBufferPointer { statsBuffer in
                carries.withUnsafeMutableBufferPointer { carryBuffer in
                    let base = buffer.baseAddress, statsBase = statsBuffer.baseAddress!
                    // Each column owns its carry: no two threads share memory.
                    let carryBase = carryBuffer.isEmpty ? nil : carryBuffer.baseAddress
                    ParallelLoop.run(
                        chunks: width, threads: threadCount,
                        setup: { RevAffWorkspace(userCount: userCount, itemCount: graph.itemCount) }
                    ) { workspace, chunk in
                        let column = order[chunk], persona = columns[column]
                        let work = context.push(
                            seeds: seeds[persona], into: base! + column * userCount, workspace: workspace,
                            carry: carryBase.map { $0 + column })
                        statsBase[column] = PersonaStats(
                            persona: persona, pushes: work.pushes, edgesTouched: work.edges)
                    }
                }
            }
        }
        let values = Self.transposed(columnMajor, rows: width, columns: userCount, threads: threadCount)
        let affinity = AffinityMatrix(
            trustedUserCount: userCount, personaCount: labels.personaCount, personas: columns, values: values)
        return Result(affinity: affinity, stats: stats.map { $0! })
    }

    /// Ψ̂[:, persona] as a `userCount`-long column, with the work done, on the calling thread.
    func computeColumn(graph: PurchaseGraph, labels: LabelMatrix, persona: Int) throws
        -> (column: [Double], stats: PersonaStats)
    {
        try validate(graph: graph, labels: labels)
        _ = try validatedPersonas([persona], personaCount: labels.personaCount, context: "RevAff")
        var column = [Double](repeating: 0, count: graph.userCount)
        let workspace = RevAffWorkspace(userCount: graph.userCount, itemCount: graph.itemCount)
        let context = RevAffContext(graph: graph, walkLength: walkLength, threshold: threshold)
        let work = column.withUnsafeMutableBufferPointer { out in
            context.push(seeds: labels.sparseColumn(persona), into: out.baseAddress!, workspace: workspace)
        }
        return (column, PersonaStats(persona: persona, pushes: work.pushes, edgesTouched: work.edges))
    }

    func validate(graph: PurchaseGraph, labels: LabelMatrix) throws {
        guard walkLength >= 1 else {
            throw AlgorithmError(.invalidParameter, "walk length must be ≥ 1, got \(walkLength)", context: "RevAff")
        }
        guard epsilon >= 0 && epsilon.isFinite else {
            throw AlgorithmError(.invalidParameter, "epsilon must be finite and ≥ 0, got \(epsilon)", context: "RevAff")
        }
        guard threadCount >= 1 else {
            throw AlgorithmError(.invalidParameter, "thread count must be ≥ 1, got \(threadCount)", context: "RevAff")
        }
        guard labels.userCount == graph.userCount else {
            throw AlgorithmError(
                .shardMismatch, "label matrix has \(labels.userCount) users, graph has \(graph.userCount)",
                context: "RevAff")
        }
    }

    /// Row-major `columns × rows` from column-major `rows × columns` (rows = personas here), in parallel.
    static func transposed(_ source: [Double], rows: Int, columns: Int, threads: Int) -> [Double] {
        var result = [Double](repeating: 0, count: source.count)
        transpose(source, into: &result, rows: rows, columns: columns, threads: threads)
        return result
    }

    /// Writes the transposition of `source` over `result` (of the same size).
    ///
    /// Output-major: each output row (a user's personas) is written in one sequential run, gathered from the
    /// `rows` input lines, whose cache lines each serve 8 consecutive users while they are hot. (Input-major with
    /// 4,096-column blocks wrote every output line `rows` times, 408 bytes apart; in a `perf` profile of `gplr bench
    /// affinity --run-iterations 10` at 51 personas its samples were about a third of a solve's pushes.)
    static func transpose(_ source: [Double], into result: inout [Double], rows: Int, columns: Int, threads: Int) {
        precondition(result.count == source.count, "transposing into an array of another size")
        guard rows > 0 && columns > 0 else { return }
        let blockSize = 8192
        let blocks = (columns + blockSize - 1) / blockSize
        source.withUnsafeBufferPointer { s in
            result.withUnsafeMutableBufferPointer { r in
                let src = s.baseAddress!, dst = r.baseAddress!
                ParallelLoop.run(chunks: blocks, threads: threads) { block in
                    let lo = block * blockSize, hi = min(columns, lo + blockSize)
                    for column in lo..<hi {
                        let out = dst + column * rows
                        for row in 0..<rows { out[row] = src[row * columns + column] }
                    }
                }
            }
        }
    }
}
