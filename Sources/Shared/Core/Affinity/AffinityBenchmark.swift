import GPLRSupport

/// One measured affinity computation, compared against the exact solver.
public struct AffinityBenchmarkRow: Sendable, Equatable {
    /// "exact" or "revaff".
    public let method: String
    /// ε for RevAff, `nil` for the exact solver.
    public let epsilon: Double?
    /// Best wall time over the repetitions, in seconds.
    public let seconds: Double
    /// AAE: mean over users and personas of |Ψ̂ − Ψ| (0 for the exact row).
    public let meanAbsoluteError: Double
    /// Largest |Ψ̂ − Ψ| over users and personas.
    public let maxAbsoluteError: Double
    /// RevAff pushes (0 for the exact row).
    public let pushes: Int
    /// The solver's work in (edge, persona column) updates (``SolverWork``): for RevAff the pushed nodes'
    /// degrees summed over personas, for the exact solver ((2ℓ̂ − 1)·|E| + the labeled users' edges) · |R|.
    public let columnUpdates: Int
    /// Of the users the exact walk reaches (a non-zero Ψ row), the share this method reaches too (1 for exact).
    public var reachedShare: Double = 1
    /// Of the users the exact walk reaches, the share whose top-k personas (ranked by c_r · Ψ_raw) are the same
    /// set as exact's: what an error figure alone does not show (1 for exact).
    public var topKAgreement: Double = 1
}

/// Times the exact solver and RevAff at several ε on one graph and label set (for `gplr bench affinity`).
/// Pure apart from reading the clock: no output, the caller prints the rows.
public enum AffinityBenchmark {
    /// - Parameter progress: called with the computations done and their total, (1 + ε count) × repetitions,
    ///   after each one and outside the timed region.
    public static func run(
        graph: PurchaseGraph, labels: LabelMatrix, walkLength: Int = 1, epsilons: [Double] = [0.001, 0.02, 0.05, 0.1],
        threadCount: Int? = nil, repetitions: Int = 1, topK: Int = 5,
        progress: ((_ done: Int, _ total: Int) -> Void)? = nil
    ) throws -> [AffinityBenchmarkRow] {
        let runs = max(1, repetitions), totalRuns = (1 + epsilons.count) * runs
        var runsDone = 0
        // The last of `runs` computations and the fastest one's time, reporting progress after each.
        func timed<Result>(_ compute: () throws -> Result) rethrows -> (result: Result, best: Duration) {
            let clock = ContinuousClock()
            var best = Duration.seconds(Int64.max)
            var result: Result
            var done = 0
            repeat {
                let start = clock.now
                result = try compute()
                best = min(best, clock.now - start)
                done += 1
                runsDone += 1
                progress?(runsDone, totalRuns)
            } while done < runs
            return (result, best)
        }
        let exactSolver = ExactAffinity(walkLength: walkLength, threadCount: threadCount)
        let (exact, best) = try timed { try exactSolver.compute(graph: graph, labels: labels) }
        let labeledEdges = labels.rowUsers.reduce(0) { $0 + graph.degree(ofUser: $1) }
        var rows = [
            AffinityBenchmarkRow(
                method: "exact", epsilon: nil, seconds: best.inSeconds, meanAbsoluteError: 0, maxAbsoluteError: 0,
                pushes: 0,
                columnUpdates: SolverWork.exactUpdates(
                    graph: graph, labeledEdges: labeledEdges, walkLength: walkLength, columns: labels.personaCount))
        ]
        for epsilon in epsilons {
            let solver = RevAff(walkLength: walkLength, epsilon: epsilon, threadCount: threadCount)
            let (result, bestRevAff) = try timed { try solver.compute(graph: graph, labels: labels) }
            let (mean, maximum) = errors(result.affinity, exact)
            var row = AffinityBenchmarkRow(
                method: "revaff", epsilon: epsilon, seconds: bestRevAff.inSeconds, meanAbsoluteError: mean,
                maxAbsoluteError: maximum, pushes: result.totalPushes, columnUpdates: result.totalEdgesTouched)
            (row.reachedShare, row.topKAgreement) = agreement(
                result.affinity, exact, coefficients: labels.coefficients, k: topK)
            rows.append(row)
        }
        return rows
    }

    /// Of the users with a non-zero row in `reference`: the share with a non-zero row in `approximate`, and the share
    /// whose top-k persona set under c_r-scaled values (ties to the lower persona) is the same in both.
    public static func agreement(
        _ approximate: AffinityMatrix, _ reference: AffinityMatrix, coefficients: [Double], k: Int
    ) -> (reached: Double, sameTopK: Double) {
        precondition(approximate.values.count == reference.values.count && approximate.personas == reference.personas)
        let width = reference.columnCount
        let scale = reference.personas.map { coefficients[$0] }
        func topSet(_ row: ArraySlice<Double>) -> Set<Int> {
            var ranked: [(persona: Int, value: Double)] = []
            for (column, value) in row.enumerated() where value > 0 { ranked.append((column, value * scale[column])) }
            ranked.sort { $0.value != $1.value ? $0.value > $1.value : $0.persona < $1.persona }
            return Set(ranked.prefix(k).map { $0.persona })
        }
        var reachable = 0, reached = 0, same = 0
        for user in 0..<reference.userCount {
            let exactRow = reference.values[user * width..<(user + 1) * width]
            guard exactRow.contains(where: { $0 > 0 }) else { continue }
            reachable += 1
            let row = approximate.values[user * width..<(user + 1) * width]
            if row.contains(where: { $0 > 0 }) { reached += 1 }
            if topSet(row) == topSet(exactRow) { same += 1 }
        }
        guard reachable > 0 else { return (1, 1) }
        return (Double(reached) / Double(reachable), Double(same) / Double(reachable))
    }

    /// Mean and largest absolute difference between two matrices of the same shape and columns.
    public static func errors(_ a: AffinityMatrix, _ b: AffinityMatrix) -> (mean: Double, max: Double) {
        precondition(a.values.count == b.values.count && a.personas == b.personas, "matrices must line up")
        guard !a.values.isEmpty else { return (0, 0) }
        var sum = 0.0, maximum = 0.0
        a.values.withUnsafeBufferPointer { x in
            b.values.withUnsafeBufferPointer { y in
                for i in 0..<x.count {
                    let d = abs(x[i] - y[i])
                    sum += d
                    maximum = max(maximum, d)
                }
            }
        }
        return (sum / Double(a.values.count), maximum)
    }

    /// Random prototype labels for benchmarks: `prototypeShare` of the users, each with a uniformly drawn number
    /// of distinct uniformly drawn personas in `personasPerPrototype`.
    public static func randomLabels(
        userCount: Int, personaCount: Int, prototypeShare: Double = 0.1, personasPerPrototype: ClosedRange<Int> = 1...5,
        seed: UInt64
    ) throws -> PrototypeLabels {
        var random = SamplingRandom(seed: seed, stream: 7)
        let users = try UniformSampler().sample(
            count: Int((Double(userCount) * prototypeShare).rounded()), userCount: userCount,
            excluding: PrototypeLabels(personaCount: personaCount), using: &random)
        var labels = PrototypeLabels(personaCount: personaCount)
        for user in users {
            let count = min(personaCount, Int.random(in: personasPerPrototype, using: &random))
            var personas = Array(0..<personaCount)
            personas.shuffle(using: &random)
            try labels.setPersonas(Array(personas.prefix(count)), forUser: user)
        }
        return labels
    }
}

/// The affinity work of a whole run, as `gplr bench affinity --run-iterations T` measures it: the prototypes split
/// into T batches (as T iterations would label them), Ψ_raw kept up to date after each batch either incrementally
/// or from scratch (one solve from every prototype so far, what gplr did before Ψ_raw became incremental), against
/// one full solve. Incrementally means, for the exact solver, propagating the batch and adding it; for RevAff
/// (`.revAff(epsilon:)`), pushing the batch with the residuals carried (``IncrementalRevAff``) and writing the
/// running Ψ̂ out row-major, as a run does after every iteration.
public struct IncrementalAffinityBenchmark: Sendable, Equatable {
    /// Best wall time of one solve from all prototypes.
    public let fullSolveSeconds: Double
    /// Best wall time of the T incremental updates together.
    public let incrementalSeconds: Double
    /// Best wall time of T solves from all prototypes so far.
    public let fromScratchSeconds: Double
    /// Largest |incremental − full| over users and personas.
    public let maxDifference: Double
    /// Largest |incremental − exact| over users and personas (RevAff's bound is ε; 0 for the exact solver).
    public let maxErrorAgainstExact: Double
    /// RevAff's nodes pushed by one full solve and by the T incremental updates together (0 for the exact solver).
    public let fullSolvePushes: Int
    public let incrementalPushes: Int
    /// The edges those pushes spread over (RevAff's work in column updates; 0 for the exact solver).
    public let fullSolveEdges: Int
    public let incrementalEdges: Int

    public static func run(
        graph: PurchaseGraph, prototypes: PrototypeLabels, walkLength: Int = 1, solver: AffinitySolver = .exact,
        iterations: Int, threadCount: Int? = nil, repetitions: Int = 1
    ) throws -> IncrementalAffinityBenchmark {
        let clock = ContinuousClock()
        let exact = ExactAffinity(walkLength: walkLength, threadCount: threadCount)
        let revAff = solver.epsilon.map { RevAff(walkLength: walkLength, epsilon: $0, threadCount: threadCount) }
        var fullWork = (pushes: 0, edges: 0), incrementalWork = (pushes: 0, edges: 0)
        /// Ψ_raw from `labels` in one solve, and RevAff's pushes and edges (0 for the exact solver).
        func solve(_ labels: PrototypeLabels) throws -> (affinity: AffinityMatrix, work: (pushes: Int, edges: Int)) {
            let matrix = try LabelMatrix(labels: labels, userCount: graph.userCount)
            guard let revAff else { return (try exact.compute(graph: graph, labels: matrix), (0, 0)) }
            let result = try revAff.compute(graph: graph, labels: matrix)
            return (result.affinity, (result.totalPushes, result.totalEdgesTouched))
        }
        let users = prototypes.users
        let batches: [PrototypeLabels] = try (0..<iterations).map { batch in
            var labels = PrototypeLabels(personaCount: prototypes.personaCount)
            let lo = users.count * batch / iterations, hi = users.count * (batch + 1) / iterations
            for user in users[lo..<hi] { try labels.setPersonas(prototypes.personas(ofUser: user)!, forUser: user) }
            return labels
        }
        var cumulative: [PrototypeLabels] = []
        var running = PrototypeLabels(personaCount: prototypes.personaCount)
        for batch in batches {
            try running.merge(batch)
            cumulative.append(running)
        }
        var full = Duration.seconds(Int64.max), incremental = full, scratch = full
        var whole: AffinityMatrix?, summed: AffinityMatrix?
        for _ in 0..<max(1, repetitions) {
            var start = clock.now
            let solved = try solve(prototypes)
            (whole, fullWork) = (solved.affinity, solved.work)
            full = min(full, clock.now - start)

            start = clock.now
            var sum: AffinityMatrix?
            if let revAff {
                var state = IncrementalRevAff(
                    solver: revAff, userCount: graph.userCount, personaCount: prototypes.personaCount)
                var matrix = try AffinityMatrix(zerosForUsers: graph.userCount, personaCount: prototypes.personaCount)
                for batch in batches {
                    try state.add(graph: graph, labels: LabelMatrix(labels: batch, userCount: graph.userCount))
                    try state.writeRowMajor(into: &matrix)
                }
                sum = matrix
                incrementalWork = (state.pushes, state.edgesTouched)
            } else {
                let slabs = ExactScratch()  // kept from one addition to the next, as a run keeps them
                for batch in batches {
                    let labels = try LabelMatrix(labels: batch, userCount: graph.userCount)
                    if sum == nil {
                        sum = try exact.compute(graph: graph, labels: labels)
                    } else {
                        try exact.add(graph: graph, labels: labels, into: &sum!, scratch: slabs)
                    }
                }
            }
            incremental = min(incremental, clock.now - start)
            summed = sum

            start = clock.now
            for labels in cumulative { _ = try solve(labels) }
            scratch = min(scratch, clock.now - start)
        }
        let reference =
            revAff == nil
            ? whole
            : try exact.compute(graph: graph, labels: LabelMatrix(labels: prototypes, userCount: graph.userCount))
        func largest(_ a: AffinityMatrix?, _ b: AffinityMatrix?) -> Double {
            zip(a?.values ?? [], b?.values ?? []).reduce(0.0) { max($0, abs($1.0 - $1.1)) }
        }
        return IncrementalAffinityBenchmark(
            fullSolveSeconds: full.inSeconds, incrementalSeconds: incremental.inSeconds,
            fromScratchSeconds: scratch.inSeconds, maxDifference: largest(summed, whole),
            maxErrorAgainstExact: largest(summed, reference), fullSolvePushes: fullWork.pushes,
            incrementalPushes: incrementalWork.pushes, fullSolveEdges: fullWork.edges,
            incrementalEdges: incrementalWork.edges)
    }
}
