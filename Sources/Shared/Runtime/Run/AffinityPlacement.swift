public import GPLRCore

/// Where a distributed run computes Ψ_raw each iteration (`gplr run --redis --affinity-on`): in the coordinator's
/// own process, or as `affinity` jobs on the workers (one per shard of personas); `auto` chooses by the solver.
///
/// The coordinator holds the graph and the running Ψ_raw anyway (it samples and assigns from them), so computing
/// in place moves nothing through Redis, while workers return every shard's columns for every user as Float64,
/// to be stored, read, decoded and assembled. For the exact solver the solve is the cheaper of the two: at 1M
/// users × 20 personas an incremental exact step takes 0.3–0.4 s on a 2-core machine, while the shards it
/// replaces are 160 MB through Redis (docs/decisions.md, "Where affinities are computed"). RevAff stays on the
/// workers: it is the solver for long walks and large graphs, where the work grows with ℓ̂ and 1/ε, and its
/// per-persona jobs are what lets that work be split.
///
/// The run record stores the option as given; it resolves the same way on every resume (the solver is part of
/// the record), and Ψ_raw is the same wherever it is computed.
public enum AffinityPlacement: String, Sendable, Codable, CaseIterable {
    /// The coordinator for the exact solver, the workers for RevAff.
    case auto
    /// ``LocalAffinityComputer`` in the coordinator.
    case coordinator
    /// `affinity` jobs on the workers.
    case workers

    /// `.coordinator` or `.workers`: what this option means for `solver`.
    public func resolved(for solver: AffinitySolver) -> AffinityPlacement {
        switch (self, solver) {
        case (.auto, .exact): .coordinator
        case (.auto, .revAff): .workers
        default: self
        }
    }

    /// Where and why, for the report and the log: "coordinator (auto: …)", "workers (--affinity-on workers)".
    public func summary(for solver: AffinitySolver) -> String {
        let placement = resolved(for: solver).rawValue
        switch (self, solver) {
        case (.auto, .exact):
            return "\(placement) (auto: an exact solve costs less than moving its Ψ shards through Redis)"
        case (.auto, .revAff):
            return "\(placement) (auto: RevAff runs as per-persona jobs)"
        default:
            return "\(placement) (--affinity-on \(rawValue))"
        }
    }
}
