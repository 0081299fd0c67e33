/// Which labeler a `label` job runs. Part of the job payload, so it never holds a secret: an LLM labeler's API
/// key comes from the worker's own environment or key file.
public enum LabelerSpec: Codable, Sendable, Equatable {
    /// Answers from a labels file readable by the worker at `path` (a test/demo labeler: the planted truth of a
    /// synthetic dataset), with the noise of a real LLM (see ``TruthLabeler``). `sha256` names the file's content
    /// (``FileDigest``): a worker whose file at `path` has another content refuses the job (`nil` in payloads
    /// written before it existed: not checked).
    case labelsFile(path: String, dropProbability: Double, addProbability: Double, seed: UInt64, sha256: String? = nil)
    /// Asks an OpenAI-compatible chat completions endpoint (``LLMLabeler``) as the spec says; the worker
    /// supplies the key. JSON: `{"llm": {"_0": {...}}}` (a `labelsFile` payload is unchanged).
    case llm(LLMLabelerSpec)
}
