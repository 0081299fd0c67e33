/// Progress of a run, for the command line and status output. Sent in order from the run's task.
public enum RunEvent: Sendable, Equatable {
    /// Iteration `iteration` of `of` sampled `sampled` users to label.
    case sampled(iteration: Int, of: Int, sampled: Int)
    /// The labeler answered for the iteration's users.
    case labeled(iteration: Int, labeled: Int, unrepresentable: Int, failed: Int)
    /// Ψ_raw was brought up to date with the iteration's prototypes (incrementally, or from all of them).
    case affinityComputed(iteration: Int, prototypes: Int, seconds: Double)
    /// Φ was assigned for every user.
    case assigned(unreachable: Int)
}
