/// RevAff kept up to date over a run's iterations: each ``add(graph:labels:)`` pushes only the new prototypes'
/// seeds, joined by the residuals earlier pushes left below θ, into the running Ψ̂_raw.
///
/// Ψ_raw is linear in L_raw (DESIGN §3), and a residual below θ is carried (per persona and hop) rather than
/// dropped, so after any number of additions every residual still left is below θ: the invariant one solve from
/// all the seeds ends with. The bound |Ψ̂ − Ψ| ≤ ε of Thm. 3 therefore holds for the running matrix as it does for
/// one solve. Each seed is pushed once and a carried residual when its total reaches θ; an item whose mass keeps
/// growing is pushed again each time it gains θ, which is what keeps every addition's Ψ̂ within ε. T = 10 additions
/// push 1.2–1.5 times what one solve from all the seeds does (docs/benchmarks.md, "RevAff carrying its residuals").
/// Adding the separate solves of each batch instead would drop every batch's residuals below θ, and the error would
/// grow with T.
///
/// Ψ̂ is held column-major, as ``RevAff/compute(graph:labels:personas:)`` builds it (a persona's pushes scatter into
/// one users-long column, which stays in cache); ``writeRowMajor(into:)`` and ``rowMajor(threadCount:)`` transpose
/// it for the run's steps.
public struct IncrementalRevAff: Sendable {
    public let solver: RevAff
    public let userCount: Int
    public let personaCount: Int
    /// `personaCount` columns of `userCount` values: Ψ̂_raw[u, r] is `columns[r * userCount + u]`.
    private var columns: [Double]
    /// Per persona: the residuals left below θ, by hop.
    private var carried: [RevAffCarry]
    /// Nodes pushed so far, over every addition and persona.
    public private(set) var pushes = 0
    /// Edges those pushes spread over (RevAff's work in column updates, as ``RevAff/Result/totalEdgesTouched``).
    public private(set) var edgesTouched = 0

    /// An all-zero Ψ̂ for `userCount` users and `personaCount` personas, nothing carried.
    public init(solver: RevAff, userCount: Int, personaCount: Int) {
        self.solver = solver
        self.userCount = userCount
        self.personaCount = personaCount
        columns = [Double](repeating: 0, count: userCount * personaCount)
        carried = Array(repeating: RevAffCarry(), count: personaCount)
    }

    /// Residuals carried for the next addition, over every persona and hop.
    public var carriedResiduals: Int { carried.reduce(0) { $0 + $1.count } }

    /// The residuals carried for the next addition, every persona's (no hops where none is carried), in the form
    /// that leaves the process.
    public var residuals: RevAffResiduals {
        RevAffResiduals(personas: Array(0..<personaCount), hops: carried.map(RevAffResiduals.hops(of:)))
    }

    /// Pushes `labels` (the new prototypes only: a user's seeds must not be added twice) into Ψ̂, each persona on
    /// one of the solver's threads.
    public mutating func add(graph: PurchaseGraph, labels: LabelMatrix) throws {
        try solver.validate(graph: graph, labels: labels)
        guard graph.userCount == userCount, labels.personaCount == personaCount else {
            throw AlgorithmError(
                .shardMismatch,
                "labels of \(labels.userCount) users × \(labels.personaCount) personas added to Ψ̂ of \(userCount) × "
                    + "\(personaCount)", context: "IncrementalRevAff")
        }
        let seeds = labels.sparseColumns()
        let context = RevAffContext(graph: graph, walkLength: solver.walkLength, threshold: solver.threshold)
        // Largest seed sets first, as in a full solve: they tend to cost most.
        let order = (0..<personaCount).sorted { seeds[$0].count > seeds[$1].count }
        var work = [(pushes: Int, edges: Int)](repeating: (0, 0), count: personaCount)
        let userCount = userCount
        columns.withUnsafeMutableBufferPointer { columnBuffer in
            carried.withUnsafeMutableBufferPointer { carryBuffer in
                work.withUnsafeMutableBufferPointer { workBuffer in
                    let base = columnBuffer.baseAddress, carry = carryBuffer.baseAddress!
                    let workBase = workBuffer.baseAddress!
                    ParallelLoop.run(
                        chunks: personaCount, threads: solver.threadCount,
                        setup: { RevAffWorkspace(userCount: userCount, itemCount: graph.itemCount) }
                    ) { workspace, chunk in
                        // Each persona owns its column and its carried residuals: no two threads share memory.
                        // The push goes into a zeroed column that is then added in, as a worker's increment is
                        // added by the coordinator (``RevAff/increment(graph:labels:personas:carrying:)``): the
                        // same sums, to the last bit, wherever the affinities are computed.
                        let persona = order[chunk]
                        let increment = workspace.outputColumn()
                        workBase[persona] = context.push(
                            seeds: seeds[persona], into: increment, workspace: workspace, carry: carry + persona)
                        let column = base! + persona * userCount
                        for user in 0..<userCount {
                            column[user] += increment[user]
                            increment[user] = 0
                        }
                    }
                }
            }
        }
        pushes += work.reduce(0) { $0 + $1.pushes }
        edgesTouched += work.reduce(0) { $0 + $1.edges }
    }

    /// Writes the running Ψ̂_raw over `matrix`, which must hold every persona's column for the same users (one
    /// transposition, no allocation).
    public func writeRowMajor(into matrix: inout AffinityMatrix) throws {
        guard matrix.userCount == userCount, matrix.personas.count == personaCount,
            matrix.personaCount == personaCount
        else {
            throw AlgorithmError(
                .shardMismatch,
                "Ψ̂ of \(userCount) × \(personaCount) written into a matrix of \(matrix.userCount) users × "
                    + "\(matrix.personas.count) columns", context: "IncrementalRevAff")
        }
        RevAff.transpose(
            columns, into: &matrix.values, rows: personaCount, columns: userCount, threads: solver.threadCount)
    }

    /// The running Ψ̂_raw, row-major (every persona's column).
    public func rowMajor(threadCount: Int? = nil) -> AffinityMatrix {
        AffinityMatrix(
            trustedUserCount: userCount, personaCount: personaCount, personas: Array(0..<personaCount),
            values: RevAff.transposed(
                columns, rows: personaCount, columns: userCount, threads: threadCount ?? solver.threadCount))
    }
}
