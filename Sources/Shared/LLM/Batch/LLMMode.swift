/// How labeling requests reach the provider: one chat completion each, answered in seconds (`online`), or all of a
/// step's requests as one Batch API job, answered within its completion window at the batch price (`batch`).
public enum LLMMode: String, Codable, Sendable, Hashable, CaseIterable {
    case online
    case batch
}
