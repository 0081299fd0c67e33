public import GPLRCore

/// Labels a batch of prototype users with personas of R: the `LLMAnswer` step of Algorithm 1.
///
/// Implementations: ``TruthLabeler`` (answers from a labels file, optionally with an LLM's noise) and, in the
/// distributed runtime, the LLM client behind `label` jobs.
public protocol PersonaLabeler: Sendable {
    /// Labels `users` (dense user indices of `graph`). Every user asked about appears in the result either in
    /// `labels` (an empty list means the answer was "Unrepresentable") or in `failures`.
    func label(users: [Int], in graph: PurchaseGraph) async throws -> LabelingBatch
}

/// The answer for one batch of users (or of items: ``ItemLabelingBatch``).
public struct LabelingBatch: Sendable, Equatable {
    /// User (item) index → persona indices (ascending, unique). Empty = "Unrepresentable".
    public var labels: [Int: [Int]]
    /// User (item) index → why no label could be had (after the labeler's own retries).
    public var failures: [Int: String]
    /// Counters of everything the labeler dropped or retried, by name (e.g. "unknown-persona"), for the report.
    public var counters: [String: Int]

    public init(labels: [Int: [Int]] = [:], failures: [Int: String] = [:], counters: [String: Int] = [:]) {
        self.labels = labels
        self.failures = failures
        self.counters = counters
    }

    /// Adds another batch's answers and counters into this one.
    public mutating func merge(_ other: LabelingBatch) {
        labels.merge(other.labels) { _, new in new }
        failures.merge(other.failures) { _, new in new }
        counters.merge(other.counters, uniquingKeysWith: +)
    }
}
