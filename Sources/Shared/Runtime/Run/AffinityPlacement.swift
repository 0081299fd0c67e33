public import GPLRCore

/// Where a distributed run computes Ψ_raw each iteration (`gplr run --redis --affinity-on`): in the coordinator's
/// own process, or as `affinity` jobs on the workers (one per shard of personas); `auto` means the coordinator.
///
/// The coordinator holds the graph and the running Ψ_raw anyway (it samples and assigns from them), so computing
/// in place moves nothing through Redis, while workers return every shard's columns for every user as Float64,
/// to be stored, read, decoded and assembled. For either solver the solve is the cheaper of the two: at 1M users ×
/// 20 personas an incremental exact step takes 0.3–0.4 s on a 2-core machine, while the shards it replaces are
/// 160 MB through Redis. RevAff carries its residuals between iterations in either place (``IncrementalRevAff`` in
/// the coordinator; on workers each shard's job reads the residuals its previous job left and returns its own,
/// ``RevAffResiduals``), about two solves' work per run; the jobs add the shards' trips through Redis
/// (docs/decisions.md, "Where affinities are computed"). `workers` keeps the per-persona jobs, the split for work
/// no single machine should do alone.
///
/// The run record stores the option as given; it resolves the same way on every resume (the solver is part of
/// the record). Ψ_raw is the local run's, to the last bit, wherever it is computed, for both solvers.
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
            return "\(placement) (auto: RevAff's additions cost less than moving its Ψ shards through Redis)"
        default:
            return "\(placement) (--affinity-on \(rawValue))"
        }
    }
}
