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

    /// τ, the label budget of the whole run.
    public var budget: LabelBudget = .fraction(0.1)
    /// T, the number of sample → label → affinity iterations.
    public var iterations: Int = 10
    /// k, the number of personas assigned to each non-prototype user.
    public var topK: Int = 5
    /// ℓ̂, the random-walk length.
    public var walkLength: Int = 1
    /// β, the de-bias exponent of Eq. (3).
    public var beta: Double = 0.5
    /// ε for RevAff; `nil` computes Ψ exactly.
    public var epsilon: Double? = nil
    public var sampling: Sampling = .du
    /// δ, the floor of Q_u in DU scores (Eq. 1) before renormalising.
    public var duFloor: Double = 1e-12
    /// Seeds the first iteration's uniform sample (and uniform sampling).
    public var seed: UInt64 = 1

    public init() {}

    /// Checks ranges; returns a message for the first problem found.
    public func validationProblem() -> String? {
        if iterations < 1 { return "iterations (T) must be at least 1" }
        if topK < 1 { return "top-k must be at least 1" }
        if walkLength < 1 { return "walk length must be at least 1" }
        if beta < 0 { return "beta must be non-negative" }
        if let epsilon, !(epsilon >= 0 && epsilon < 1) { return "epsilon must be in [0, 1)" }
        if !(duFloor > 0 && duFloor < 1) { return "the DU floor δ must be in (0, 1)" }
        return nil
    }
}
