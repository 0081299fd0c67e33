public import GPLRCore

/// A `persona-merge` job: step 2 (one group of proposals) or, with ``final``, step 3 (all merged sets) of
/// persona-set generation. Self-contained: the candidate sets travel in the payload.
public struct PersonaMergeJob: Codable, Sendable, Equatable {
    /// Payload format version; a worker refuses (dead-letters) a version it does not know.
    public static let currentVersion = 1

    public var version: Int = PersonaMergeJob.currentVersion
    /// The candidate persona sets (names and descriptions).
    public var sets: [[Persona]]
    /// Proposals in the whole generation (named in the merge prompt).
    public var totalSets: Int
    /// The final pick over all merged sets rather than one merge.
    public var final: Bool
    public var counts: PersonaJobCounts
    public var llm: LLMLabelerSpec

    public init(sets: [[Persona]], totalSets: Int, final: Bool, counts: PersonaJobCounts, llm: LLMLabelerSpec) {
        self.sets = sets
        self.totalSets = totalSets
        self.final = final
        self.counts = counts
        self.llm = llm
    }
}
