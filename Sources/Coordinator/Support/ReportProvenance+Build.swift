import GPLRBuildInfo
import GPLRRuntime

extension ReportProvenance {
    /// The provenance of results this binary writes, with its version and commit (`gplr --version`).
    static func thisBuild(_ labeler: Labeler, model: String? = nil) -> ReportProvenance {
        ReportProvenance(labeler: labeler, model: model, gplrVersion: BuildInfo.version, gplrCommit: BuildInfo.commit)
    }

    /// The provenance of a distributed run's results, whose labeler is `spec`.
    static func thisBuild(spec: LabelerSpec) -> ReportProvenance {
        ReportProvenance(spec: spec, gplrVersion: BuildInfo.version, gplrCommit: BuildInfo.commit)
    }
}
