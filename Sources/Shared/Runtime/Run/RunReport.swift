public import GPLRCore

/// The machine-readable summary of a finished run (`report.json`): what was asked, what it cost, what came out.
public struct RunReport: Sendable, Codable, Equatable {
    public struct Timings: Sendable, Codable, Equatable {
        public var sampling: Double = 0
        public var labeling: Double = 0
        public var affinity: Double = 0
        public var assignment: Double = 0
        public var total: Double = 0
        public init() {}
    }

    /// One iteration t of Algorithm 1.
    public struct Iteration: Sendable, Codable, Equatable {
        public var iteration: Int
        public var sampled: Int
        public var labeled: Int
        public var unrepresentable: Int
        public var failed: Int
        /// The whole iteration, sampling + labeling + affinity.
        public var seconds: Double
        /// The iteration's steps (`nil` in records written before they were kept).
        public var samplingSeconds: Double?
        public var labelingSeconds: Double?
        public var affinitySeconds: Double?
    }

    public var parameters: RunParameters
    public var snapshotHash: String
    public var users: Int
    public var items: Int
    public var edges: Int
    public var personas: [String]
    /// Users sent to the labeler over the whole run (τ as spent).
    public var labelBudgetSpent: Int
    /// Prototypes that got an answer (including "Unrepresentable").
    public var prototypes: Int
    /// The finished iterations, in order.
    public internal(set) var iterations: [Iteration] = []
    /// Q̂: the share of each persona among the prototype labels, by persona name.
    public var prototypeDistribution: [String: Double] = [:]
    /// How many users Φ gives each persona, by persona name.
    public var assignedCounts: [String: Int] = [:]
    /// Non-prototype users with no reachable prototype: reported, given no persona.
    public var unreachableUsers: Int = 0
    /// The first few unreachable users' external ids (the full list is in Φ, with no personas).
    public var unreachableSample: [String] = []
    /// The affinity solver as run: "exact (incremental)" (each iteration adds its new prototypes' Π·L_raw),
    /// "revaff ε=… (incremental)" (each iteration pushes its new prototypes, with the residuals earlier pushes left
    /// below θ carried: ε still bounds the result; wherever the affinities are computed) or "revaff ε=…" (each
    /// iteration solves from all prototypes: a computer that does not carry residuals, as affinity jobs on workers
    /// before payload version 4). `nil` in older reports.
    public var solver: String?
    /// How `--solver auto` chose ``solver``, with its work estimates; `nil` when the solver was given.
    public var solverReason: String?
    /// Where a distributed run computed Ψ_raw and why (``AffinityPlacement/summary(for:)``); `nil` for a local run
    /// and in older reports.
    public var affinityPlacement: String?
    /// The calibrated cut of `--assign calibrated` (`nil` with top-k, or when no prototype had a persona).
    public var calibratedCut: CalibratedCut?
    /// The top-affinity histogram and persona co-occurrence of the assignment (`nil` in older reports). In Redis it
    /// is kept apart from the run record (``RunSummaryStore``), which the dashboard reads every 2 s.
    public var assignmentSummary: AssignmentSummary?
    /// Counters from the labeler (noise, drops, failures, retries), summed over the run.
    public var labelerCounters: [String: Int] = [:]
    public var timings = Timings()

    public init(parameters: RunParameters, snapshotHash: String, users: Int, items: Int, edges: Int, personas: [String])
    {
        self.parameters = parameters
        self.snapshotHash = snapshotHash
        self.users = users
        self.items = items
        self.edges = edges
        self.personas = personas
        labelBudgetSpent = 0
        prototypes = 0
    }
}
