/// Who produced a run's results, as `report.json` records it: the labeler, its model, and the gplr build.
public struct ReportProvenance: Sendable, Equatable, Codable {
    /// The labeler of the run.
    public enum Labeler: String, Sendable, Codable {
        /// Answers from a labels file (the planted truth of a synthetic dataset, with an LLM's noise).
        case labelsFile = "labels_file"
        /// An OpenAI-compatible chat completions endpoint.
        case llm
    }

    public var labeler: Labeler
    /// The LLM model (`nil` for a labels-file run).
    public var model: String?
    /// The gplr version and git commit that wrote the file (`gplr --version`).
    public var gplrVersion: String
    public var gplrCommit: String

    public init(labeler: Labeler, model: String?, gplrVersion: String, gplrCommit: String) {
        self.labeler = labeler
        self.model = model
        self.gplrVersion = gplrVersion
        self.gplrCommit = gplrCommit
    }

    /// The provenance of a run whose labeler is `spec` (a distributed run).
    public init(spec: LabelerSpec, gplrVersion: String, gplrCommit: String) {
        switch spec {
        case .labelsFile: self.init(labeler: .labelsFile, model: nil, gplrVersion: gplrVersion, gplrCommit: gplrCommit)
        case .llm(let llm):
            self.init(labeler: .llm, model: llm.model, gplrVersion: gplrVersion, gplrCommit: gplrCommit)
        }
    }
}
