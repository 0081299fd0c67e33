public import GPLRCore

/// Everything that decides a GPLR run's result (Algorithm 1 and its subroutines). Two runs with equal
/// parameters, graph and labeler give the same Φ.
public struct RunParameters: Sendable, Equatable, Codable {
    /// How prototypes are chosen after the first (uniform) iteration.
    public enum Sampling: String, Sendable, Codable, CaseIterable {
        /// Diversity-Uncertainty sampling (Eq. 1).
        case du
        /// Uniform sampling among unlabeled users (the baseline).
        case uniform
    }

    /// How many personas each inferred user gets.
    public enum Assignment: String, Sendable, Codable, CaseIterable {
        /// The paper's: the k strongest personas of Ψ[u] for every user.
        case topK = "top-k"
        /// k(u) learned from the prototypes' own labels and leave-one-out affinities (``CalibratedCut``).
        case calibrated
    }

    /// τ, the label budget of the whole run.
    public var budget: LabelBudget = .fraction(0.1)
    /// T, the number of sample → label → affinity iterations.
    public var iterations: Int = 10
    /// k, the number of personas assigned to each non-prototype user (`.topK`); with `.calibrated`, unused.
    public var topK: Int = 5
    /// Fixed top-k (the paper) or the calibrated per-user cut.
    public var assignment: Assignment = .calibrated
    /// ℓ̂, the random-walk length.
    public var walkLength: Int = 1
    /// β, the de-bias exponent of Eq. (3).
    public var beta: Double = 0.5
    /// Which solver computes Ψ_raw: exact, or RevAff with its ε.
    public var solver: AffinitySolver = .exact
    /// Why ``solver`` is what it is when `--solver auto` chose it (``SolverAdvisor``); `nil` when the user did.
    public var solverReason: String? = nil
    /// `--solver auto` without an ε: ``resolveAutoSolver(graph:personaCount:threadCount:revAffCarriesResiduals:)``
    /// still has to choose the solver on the run's graph. Never stored: a run record holds the choice made.
    public var autoSolver = false
    public var sampling: Sampling = .du
    /// δ, the floor of Q_u in DU scores (Eq. 1) before renormalising.
    public var duFloor: Double = 1e-12
    /// α, the walk mass at which a user's own affinities weigh as much as a uniform prior in DU scores
    /// (``DUSampler/prior``); 0 is the paper's Eq. (1).
    public var duPrior: Double = 0.03
    /// m, DU's candidate pool as a multiple of the iteration's sample size (``DUSampler/poolFactor``): each DU
    /// iteration scores m × |U_t| users drawn in proportion to their purchases; 0 scores every user (the paper's).
    public var duPool: Int = 80
    /// The run fails (``RunFailure``) when the labeler leaves more than this share of an iteration's users
    /// without an answer: a result built from the rest could not be trusted. 1 never fails.
    public var maxLabelFailureShare: Double = 0.2
    /// Seeds the first iteration's uniform sample (and uniform sampling).
    public var seed: UInt64 = 1

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case budget, iterations, topK, assignment, walkLength, beta, solver, solverReason, sampling, duFloor, duPrior
        case duPool
        case maxLabelFailureShare, seed
    }

    /// Keys of records written before the solver was a value: an optional ε, absent for the exact solver.
    private enum LegacyCodingKeys: String, CodingKey { case epsilon }

    /// Decodes parameters; fields added after a record was written take the values that reproduce that record's
    /// runs: top-k assignment, the paper's DU prior 0, no DU candidate pool, no limit on label failures, and the
    /// solver from the optional `epsilon` such a record holds instead of `solver`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        budget = try container.decode(LabelBudget.self, forKey: .budget)
        iterations = try container.decode(Int.self, forKey: .iterations)
        topK = try container.decode(Int.self, forKey: .topK)
        assignment = try container.decodeIfPresent(Assignment.self, forKey: .assignment) ?? .topK
        walkLength = try container.decode(Int.self, forKey: .walkLength)
        beta = try container.decode(Double.self, forKey: .beta)
        if let solver = try container.decodeIfPresent(AffinitySolver.self, forKey: .solver) {
            self.solver = solver
        } else {
            let legacy = try decoder.container(keyedBy: LegacyCodingKeys.self)
            solver = AffinitySolver(epsilon: try legacy.decodeIfPresent(Double.self, forKey: .epsilon))
        }
        solverReason = try container.decodeIfPresent(String.self, forKey: .solverReason)
        sampling = try container.decode(Sampling.self, forKey: .sampling)
        duFloor = try container.decode(Double.self, forKey: .duFloor)
        duPrior = try container.decodeIfPresent(Double.self, forKey: .duPrior) ?? 0
        duPool = try container.decodeIfPresent(Int.self, forKey: .duPool) ?? 0
        maxLabelFailureShare = try container.decodeIfPresent(Double.self, forKey: .maxLabelFailureShare) ?? 1
        seed = try container.decode(UInt64.self, forKey: .seed)
    }

    /// Checks ranges; returns a message for the first problem found.
    public func validationProblem() -> String? {
        if iterations < 1 { return "iterations (T) must be at least 1" }
        if topK < 1 { return "top-k must be at least 1" }
        if walkLength < 1 { return "walk length must be at least 1" }
        if beta < 0 { return "beta must be non-negative" }
        if let epsilon = solver.epsilon, !(epsilon >= 0 && epsilon < 1) { return "epsilon must be in [0, 1)" }
        if !(duFloor > 0 && duFloor < 1) { return "the DU floor δ must be in (0, 1)" }
        if !(duPrior >= 0 && duPrior.isFinite) { return "the DU prior α must be finite and ≥ 0" }
        if duPool < 0 { return "the DU candidate pool factor must be ≥ 0" }
        if !(0...1).contains(maxLabelFailureShare) { return "the allowed share of label failures must be in [0, 1]" }
        return nil
    }
}
