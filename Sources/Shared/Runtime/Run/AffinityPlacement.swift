public import GPLRCore

/// Where a distributed run computes Ψ_raw each iteration (`gplr run --redis --affinity-on`): in the coordinator's
/// own process, or as `affinity` jobs on the workers (one per shard of personas); `auto` means the coordinator.
///
/// The coordinator holds the graph and the running Ψ_raw anyway (it samples and assigns from them), so computing
/// in place moves nothing through Redis, while workers return every shard's columns for every user as Float64,
/// to be stored, read, decoded and assembled. For either solver the solve is the cheaper of the two: at 1M users ×
/// 20 personas an incremental exact step takes 0.3–0.4 s on a 2-core machine, while the shards it replaces are
/// 160 MB through Redis; RevAff in the coordinator carries its residuals between iterations (``IncrementalRevAff``),
/// about two solves' work per run, where its jobs on workers solve from every prototype each iteration (a 1M-user
/// RevAff run: 25 s against 74 s; docs/decisions.md, "Where affinities are computed"). `workers` keeps the
/// per-persona jobs, the split for work no single machine should do alone.
///
/// The run record stores the option as given; it resolves the same way on every resume (the solver is part of
/// the record). Exact Ψ_raw is the same wherever it is computed; RevAff's Ψ̂ in the coordinator is the local
/// run's, and on workers (solved afresh each iteration) another one within the same ε.
public enum AffinityPlacement: String, Sendable, Codable, CaseIterable {
    /// The coordinator, for either solver.
    case auto
    /// ``LocalAffinityComputer`` in the coordinator.
    case coordinator
    /// `affinity` jobs on the workers.
    case workers

    /// `.coordinator` or `.workers`: what this option means (the same for both solvers since RevAff carries its
    /// residuals in the coordinator).
    public var resolved: AffinityPlacement { self == .auto ? .coordinator : self }

    /// Where and why, for the report and the log: "coordinator (auto: …)", "workers (--affinity-on workers)".
    public func summary(for solver: AffinitySolver) -> String {
        let placement = resolved.rawValue
        switch (self, solver) {
        case (.auto, .exact):
            return "\(placement) (auto: an exact solve costs less than moving its Ψ shards through Redis)"
        case (.auto, .revAff):
            return "\(placement) (auto: RevAff carries its residuals there; its jobs on workers would solve afresh)"
        default:
            return "\(placement) (--affinity-on \(rawValue))"
        }
    }
}
