/// Every job kind this build knows, registered once. Workers dispatch through it, `--kinds` defaults to it,
/// status reads and queue purges walk it.
public enum JobRegistry {
    /// The kinds, in the order of DESIGN §2. Adding a kind: one new ``JobDefinition`` file, one line here.
    public static let definitions: [any JobDefinition.Type] = [
        LabelJobDefinition.self,
        AffinityJobDefinition.self,
        PersonaProposeJobDefinition.self,
        PersonaMergeJobDefinition.self,
        ItemLabelJobDefinition.self,
    ]

    /// The registered kinds.
    public static var kinds: [JobKind] { definitions.map { $0.kind } }

    /// The definition of `kind`, if registered.
    public static func definition(for kind: JobKind) -> (any JobDefinition.Type)? {
        definitions.first { $0.kind == kind }
    }

    /// The kind a job id names (``JobID``: ids start with `<kind>-`); `nil` for an id of no registered kind.
    public static func kind(ofJobID jobID: String) -> JobKind? {
        kindsLongestFirst.first { jobID.hasPrefix($0.rawValue + "-") }
    }

    /// Longest names first, so "persona-merge-…" is not taken for a shorter kind's id (status reads call
    /// ``kind(ofJobID:)`` once per job id of a run).
    private static let kindsLongestFirst = kinds.sorted { $0.rawValue.count > $1.rawValue.count }
}
