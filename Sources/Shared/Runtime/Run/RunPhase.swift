/// Where a distributed run is in its life, as stored in the run record (`<prefix>:{run:<id>}:state`, field
/// `phase`). Read by `gplr status`, `gplr runs`, the dashboard and the workers, which skip the jobs of a
/// cancelled run.
public enum RunPhase: String, Codable, Sendable, CaseIterable {
    /// The record exists; the coordinator has not started the first iteration yet.
    case created
    /// A coordinator is (or was, if it died) working on it: `gplr run --resume` continues it.
    case running
    /// Finished: Φ, Ψ and the report were written.
    case done
    /// The coordinator stopped on an error (the record's `error` says which); resumable.
    case failed
    /// `gplr cancel` stopped it; its queued jobs were dropped.
    case cancelled

    /// Whether `gplr run --resume` may continue a run in this phase.
    public var isResumable: Bool { self != .done }
}
