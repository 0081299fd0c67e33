public import GPLRCore
public import GPLRLLM

/// An `item-label` job: which personas each item of a batch pertains to (the item side of the tripartite
/// graph). Carries the LLM spec, never the key.
public struct ItemLabelJob: Codable, Sendable, Equatable {
    /// Payload format version; a worker refuses (dead-letters) a version it does not know.
    public static let currentVersion = 1

    public var version: Int = ItemLabelJob.currentVersion
    /// Content hash (hex) of the snapshot the item indices refer to.
    public var snapshot: String
    /// Dense item indices to label.
    public var items: [Int]
    /// R, in persona-index order.
    public var personas: [Persona]
    /// Items per request.
    public var itemsPerRequest: Int
    public var llm: LLMLabelerSpec

    public init(snapshot: String, items: [Int], personas: [Persona], itemsPerRequest: Int, llm: LLMLabelerSpec) {
        self.snapshot = snapshot
        self.items = items
        self.personas = personas
        self.itemsPerRequest = itemsPerRequest
        self.llm = llm
    }
}

/// The result of an `item-label` job: item index → persona indices, failures, and the `llm.*` counters.
public struct ItemLabelJobResult: Codable, Sendable, Equatable {
    struct Labeled: Codable, Sendable, Equatable {
        var item: Int
        /// Persona indices; empty: no persona fits.
        var personas: [Int]
    }

    struct Failed: Codable, Sendable, Equatable {
        var item: Int
        var error: String
    }

    var labeled: [Labeled]
    var failed: [Failed]
    public var counters: [String: Int]

    public init(batch: ItemLabelingBatch) {
        labeled = batch.labels.keys.sorted().map { Labeled(item: $0, personas: batch.labels[$0]!) }
        failed = batch.failures.keys.sorted().map { Failed(item: $0, error: batch.failures[$0]!) }
        counters = batch.counters
    }

    /// Back to the item labeler's shape.
    public var batch: ItemLabelingBatch {
        ItemLabelingBatch(
            labels: Dictionary(labeled.map { ($0.item, $0.personas) }, uniquingKeysWith: { first, _ in first }),
            failures: Dictionary(failed.map { ($0.item, $0.error) }, uniquingKeysWith: { first, _ in first }),
            counters: counters)
    }
}
