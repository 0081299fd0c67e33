/// A few hundred bytes that sum up a run's last checkpoint — what `gplr status` and the dashboard show of a
/// running run — stored next to the checkpoint (field `progress` of the run record) so that watching a run
/// never downloads and decodes the checkpoint itself (megabytes of prototypes at a million users).
public struct RunProgress: Codable, Sendable, Equatable {
    /// Iterations done at the checkpoint.
    public var completedIterations: Int
    /// Prototypes labeled so far (|U_s|).
    public var prototypes: Int
    /// Prototypes labeled with each persona, by persona index.
    public var prototypeCounts: [Int]
    /// The labeler's counters so far (LLM requests, tokens, cost, …).
    public var labelerCounters: [String: Int]
    /// The finished iterations with their step times (`nil` in records written before they were kept).
    public var iterations: [RunReport.Iteration]?

    public init(_ checkpoint: RunCheckpoint) {
        completedIterations = checkpoint.completedIterations
        prototypes = checkpoint.prototypes.users.count
        var counts = [Int](repeating: 0, count: checkpoint.prototypes.personaCount)
        for index in checkpoint.prototypes.personas.joined() where counts.indices.contains(index) { counts[index] += 1 }
        prototypeCounts = counts
        labelerCounters = checkpoint.report.labelerCounters
        iterations = checkpoint.report.iterations
    }
}
