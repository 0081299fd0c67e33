import Foundation

/// The work of an affinity solve in (edge, persona column) updates, the unit both solvers' costs are counted in.
enum SolverWork {
    /// The exact solver: ℓ̂ walks of two half-steps each over every persona column, the first half-step over
    /// the labeled users' edges only: ((2ℓ̂ − 1)·|E| + labeledEdges) · columns.
    static func exactUpdates(graph: PurchaseGraph, labeledEdges: Int, walkLength: Int, columns: Int) -> Int {
        ((2 * walkLength - 1) * graph.edgeCount + labeledEdges) * columns
    }
}

/// `--solver auto`: which solver a run should use on its graph, decided before the run from counted work, never
/// from timings, so that the same graph and parameters always choose the same solver (and give the same Φ).
///
/// The exact solver's work is counted (``SolverWork``). RevAff's depends on where the labels fall, so it is
/// *measured on the graph*: a RevAff solve of a probe label matrix the size of the whole budget (τ users drawn
/// uniformly with the run's seed, each with ``probePersonasPerUser`` personas spread evenly over the persona
/// set), its pushed edges counted. It pushes ``probeColumns`` persona columns first: the columns are alike by
/// construction (the same number of seeds, drawn alike, with the same values), so where a few of them, scaled,
/// already put RevAff far from the required speed-up (the common case: the 1M-user planted graph's probe cost
/// as much as the exact solver's whole estimate), the rest is not pushed. Over a run of T iterations the exact
/// solver does T solves (incremental or not, each touches every edge). RevAff carrying its residuals
/// (``IncrementalRevAff``: a local run, the coordinator's, or the workers' jobs passing the residuals on) pushes
/// each iteration's new prototypes only, and its run costs one solve of the final size plus a measured share of one
/// per further iteration (``carriedGrowthPerIteration(walkLength:)``); RevAff solved afresh each iteration (by a
/// computer that does not carry them; since payload version 4 no placement of a run does that) solves from all
/// prototypes so far, ≈ (T + 1)/2 solves of the final size. Each count is weighed by the time one update takes in
/// that solver (``exactNanosecondsPerUpdate``, ``revAffNanosecondsPerUpdate``: `gplr bench affinity`,
/// docs/benchmarks.md).
///
/// RevAff is chosen only when (1) the exact solver's estimate reaches ``minimumExactSeconds`` (below it there is
/// nothing worth saving, and no probe is run), (2) RevAff is estimated at least ``requiredSpeedUp`` times cheaper,
/// and (3) on the probe it reaches at least ``requiredReach`` of the users the exact walk reaches: the exact solver
/// gives the better answer (docs/benchmarks.md, "Quality on real data"), so a small saving does not buy the error,
/// and auto never picks a solver that leaves users without personas the exact one would give them.
public struct SolverAdvisor: Sendable {
    /// What the advisor decided and why (for the run's report and its log).
    public struct Decision: Sendable, Equatable {
        public var solver: AffinitySolver
        /// Estimated seconds of affinity work over the whole run, per solver.
        public var exactSeconds: Double
        public var revAffSeconds: Double
        /// One line: the choice and the estimates behind it.
        public var reason: String
    }

    /// ε RevAff would run with: the paper's setting that stays closest to exact (docs/benchmarks.md).
    public var epsilon: Double = 0.01
    /// RevAff must be estimated this many times cheaper than exact to be chosen.
    public var requiredSpeedUp: Double = 2
    /// Below this estimate for the exact solver's whole run, auto picks it without a probe.
    public var minimumExactSeconds: Double = 1
    /// The share of the exact walk's reachable users RevAff must reach on the probe (the warning's 1 %).
    public var requiredReach: Double = 0.99
    /// Personas per probe user (GPT-4 gave OnlineRetail's users 3.9 on average; a few is typical).
    public var probePersonasPerUser = 3
    /// Persona columns the probe pushes first (`Int.max`: all at once). When their edges, scaled to every
    /// column, put RevAff more than ``probeMargin`` past the required speed-up, auto picks exact without pushing
    /// the rest; otherwise the rest is pushed and the decision is the whole probe's, as if it had run at once.
    public var probeColumns = 4
    /// How far past the required speed-up the first columns' scaled estimate must be to decide alone: the
    /// columns are alike by construction, and four of twenty estimated the whole within 15 % on the graphs
    /// measured (the tests' random graph, the 1M-user planted one: docs/benchmarks.md).
    public var probeMargin = 1.5
    /// A first stage before ``probeColumns``: this many columns, deciding alone only when their scaled estimate is
    /// ``firstProbeMargin`` past the speed-up (wider, for the smaller sample). On a large graph one column already
    /// holds tens of thousands of seeds, and where RevAff is far from paying (the usual case: at 10M users its
    /// estimate is ~3× past the speed-up) the probe stops after a quarter of the work (2.3–2.9 s off the start of a
    /// 10M-user run: docs/benchmarks.md).
    public var firstProbeColumns = 1
    /// How far past the required speed-up the first stage's scaled estimate must be to decide alone (one column
    /// estimated the whole probe within 1–9 % on the graphs measured).
    public var firstProbeMargin = 2.25
    /// Time per (edge, column) update, measured with `gplr bench affinity` (Instacart-Full size, 2 threads):
    /// the exact solver updates 8 columns per edge visit with SIMD, RevAff one per pushed edge.
    public var exactNanosecondsPerUpdate = 0.26
    public var revAffNanosecondsPerUpdate = 3.5
    /// Whether the run's RevAff would carry its residuals between iterations (`false`: a computer that solves
    /// afresh each iteration).
    public var revAffCarriesResiduals = true
    public var threadCount: Int?

    public init() {}

    /// The solver for a run of `iterations` iterations labeling `budget` users in all.
    public func choose(
        graph: PurchaseGraph, personaCount: Int, walkLength: Int, budget: Int, iterations: Int, seed: UInt64
    ) throws -> Decision {
        let solves = Double(max(iterations, 1))
        let budget = min(max(budget, 1), graph.userCount)
        // The exact estimate needs no probe: its labeled edges are about the budget's share of all edges.
        let expectedLabeledEdges = Int(Double(graph.edgeCount) * Double(budget) / Double(max(graph.userCount, 1)))
        let exactSeconds =
            Double(
                SolverWork.exactUpdates(
                    graph: graph, labeledEdges: expectedLabeledEdges, walkLength: walkLength, columns: personaCount))
            * solves * exactNanosecondsPerUpdate * 1e-9
        guard exactSeconds >= minimumExactSeconds else {
            return Decision(
                solver: .exact, exactSeconds: exactSeconds, revAffSeconds: .nan,
                reason: "auto chose exact: its estimated affinity work for the run, \(Self.format(exactSeconds)), is "
                    + "under \(Self.format(minimumExactSeconds)), too little to trade for RevAff's error")
        }
        let probe = try probeLabels(graph: graph, personaCount: personaCount, budget: budget, seed: seed)
        let solver = RevAff(walkLength: walkLength, epsilon: epsilon, threadCount: threadCount)
        let revAffSolves =
            revAffCarriesResiduals
            ? 1 + (solves - 1) * Self.carriedGrowthPerIteration(walkLength: walkLength) : (solves + 1) / 2
        let secondsPerSolveEdge = revAffSolves * revAffNanosecondsPerUpdate * 1e-9
        let revAffMode = revAffCarriesResiduals ? "incremental" : "solved afresh each iteration"
        let speedUp = Self.format(requiredSpeedUp, unit: "×")
        // A few columns first, in stages: where they already put RevAff far from the speed-up, the rest is not
        // pushed.
        var edgesTouched = 0, reached: [Bool] = []  // the first stage's, then each later stage's added
        func include(_ more: (edgesTouched: Int, reached: [Bool])) {
            edgesTouched += more.edgesTouched
            if reached.isEmpty {
                reached = more.reached
            } else {
                for user in more.reached.indices where more.reached[user] { reached[user] = true }
            }
        }
        var pushed = 0
        for (columns, margin) in [(firstProbeColumns, firstProbeMargin), (probeColumns, probeMargin)] {
            let end = min(max(columns, 1), personaCount)
            guard end > pushed else { continue }
            include(try solver.reach(graph: graph, labels: probe, columns: pushed..<end))
            pushed = end
            guard pushed < personaCount else { break }
            let scaled = Double(edgesTouched) * Double(personaCount) / Double(pushed) * secondsPerSolveEdge
            if scaled * requiredSpeedUp > exactSeconds * margin {
                let estimate =
                    "estimated affinity work for the run: exact \(Self.format(exactSeconds)), RevAff ε = \(epsilon) "
                    + "\(Self.format(scaled)) (\(revAffMode); from \(pushed) of \(personaCount) persona columns)"
                return Decision(
                    solver: .exact, exactSeconds: exactSeconds, revAffSeconds: scaled,
                    reason: "auto chose exact: \(estimate); RevAff must be ≥ \(speedUp) cheaper")
            }
        }
        if pushed < personaCount {
            include(try solver.reach(graph: graph, labels: probe, columns: pushed..<personaCount))
        }
        let revAffSeconds = Double(edgesTouched) * secondsPerSolveEdge
        let reach = Self.reachedShare(reached, of: Self.walkReach(graph: graph, seeds: probe.rowUsers))
        let estimate =
            "estimated affinity work for the run: exact \(Self.format(exactSeconds)), RevAff ε = \(epsilon) "
            + "\(Self.format(revAffSeconds)) (\(revAffMode)); RevAff reaches "
            + "\(String(format: "%.1f", reach * 100)) % of the users the exact walk reaches"
        let choice: AffinitySolver, reason: String
        if revAffSeconds * requiredSpeedUp > exactSeconds {
            (choice, reason) = (.exact, "auto chose exact: \(estimate); RevAff must be ≥ \(speedUp) cheaper")
        } else if reach < requiredReach {
            let share = String(format: "%.0f", requiredReach * 100)
            (choice, reason) = (.exact, "auto chose exact: \(estimate); RevAff must reach ≥ \(share) %")
        } else {
            (choice, reason) = (.revAff(epsilon: epsilon), "auto chose RevAff ε = \(epsilon): \(estimate)")
        }
        return Decision(solver: choice, exactSeconds: exactSeconds, revAffSeconds: revAffSeconds, reason: reason)
    }

    /// How much of one solve of the final size each iteration after the first adds to a run of RevAff carrying its
    /// residuals. Measured with `gplr bench affinity --epsilons 0.01 --run-iterations 10` (docs/benchmarks.md, "RevAff
    /// carrying its residuals"): T = 10 additions took 1.6–2.4 one-solve times at ℓ̂ = 1 (the planted graph's
    /// re-pushes double its edges, and each addition transposes Ψ̂ once) and 2.5–3.2 at ℓ̂ = 2 (each addition visits
    /// the inner hops' frontier again); the upper figures, so that the estimate errs towards the exact solver.
    static func carriedGrowthPerIteration(walkLength: Int) -> Double {
        walkLength == 1 ? (2.4 - 1) / 9 : (3.2 - 1) / 9
    }

    /// Users the exact walk reaches from `seeds`: those sharing an item with a seed (for any ℓ̂ ≥ 1, a user reached
    /// in one walk step is reached in more, and a longer walk reaches more: this is a lower bound).
    static func walkReach(graph: PurchaseGraph, seeds: some Sequence<Int>) -> [Bool] {
        var seededItems = [Bool](repeating: false, count: graph.itemCount)
        for user in seeds {
            for item in graph.userItems.row(user) { seededItems[Int(item)] = true }
        }
        return (0..<graph.userCount).map { user in graph.userItems.row(user).contains { seededItems[Int($0)] } }
    }

    /// Of the users marked in `reachable`, the share also marked in `reached` (1 when none is reachable).
    static func reachedShare(_ reached: [Bool], of reachable: [Bool]) -> Double {
        var reachableCount = 0, reachedCount = 0
        for user in reachable.indices where reachable[user] {
            reachableCount += 1
            if reached[user] { reachedCount += 1 }
        }
        return reachableCount == 0 ? 1 : Double(reachedCount) / Double(reachableCount)
    }

    /// τ users drawn uniformly with `seed`, each with `probePersonasPerUser` personas taken in turn from the set.
    func probeLabels(graph: PurchaseGraph, personaCount: Int, budget: Int, seed: UInt64) throws -> LabelMatrix {
        guard personaCount > 0 else {
            throw AlgorithmError(.invalidParameter, "the persona set is empty", context: "SolverAdvisor")
        }
        var generator = SeededGenerator(seed: seed ^ 0x50_4C_56_45_52)
        let users = try UniformSampler().sample(
            count: min(max(budget, 1), graph.userCount), userCount: graph.userCount,
            excluding: PrototypeLabels(personaCount: personaCount, labels: [:]), using: &generator)
        let perUser = min(probePersonasPerUser, personaCount)
        var personas: [Int] = []
        personas.reserveCapacity(users.count * perUser)
        for index in users.indices {
            let first = (index * perUser) % personaCount
            // The row's personas first, first + 1, … wrap past the last one: ascending, they start after the wrap.
            let wrapped = max(0, first + perUser - personaCount)
            personas.append(contentsOf: 0..<wrapped)
            personas.append(contentsOf: first..<min(first + perUser, personaCount))
        }
        return try LabelMatrix(
            rowUsers: users, personasPerRow: perUser, entryPersonas: personas, personaCount: personaCount,
            userCount: graph.userCount)
    }

    private static func format(_ value: Double, unit: String = " s") -> String {
        String(format: value < 10 ? "%.2f" : "%.0f", value) + unit
    }
}
