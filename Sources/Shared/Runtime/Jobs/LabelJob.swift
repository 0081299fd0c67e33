public import GPLRCore
public import GPLRLLM

/// A `label` job: label a batch of prototype users of one snapshot.
///
/// Self-contained apart from the snapshot (fetched by hash) so a worker needs no other run state.
public struct LabelJob: Codable, Sendable, Equatable {
    /// Payload format version; a worker refuses (dead-letters) a version it does not know.
    public static let currentVersion = 1

    public var version: Int = LabelJob.currentVersion
    /// Content hash (hex) of the snapshot the user indices refer to.
    public var snapshot: String
    /// Dense user indices to label.
    public var users: [Int]
    /// R, in persona-index order.
    public var personas: [Persona]
    public var labeler: LabelerSpec

    public init(snapshot: String, users: [Int], personas: [Persona], labeler: LabelerSpec) {
        self.snapshot = snapshot
        self.users = users
        self.personas = personas
        self.labeler = labeler
    }
}

/// The result of a `label` job: one entry per user asked about.
public struct LabelJobResult: Codable, Sendable, Equatable {
    struct Labeled: Codable, Sendable, Equatable {
        var user: Int
        /// Persona indices; empty = "Unrepresentable".
        var personas: [Int]
    }

    struct Failed: Codable, Sendable, Equatable {
        var user: Int
        var error: String
    }

    var labeled: [Labeled]
    var failed: [Failed]
    /// Dropped/retried/noise counters, summed into the run's report.
    public var counters: [String: Int]

    init(labeled: [Labeled], failed: [Failed], counters: [String: Int]) {
        self.labeled = labeled
        self.failed = failed
        self.counters = counters
    }

    public init(batch: LabelingBatch) {
        labeled = batch.labels.keys.sorted().map { Labeled(user: $0, personas: batch.labels[$0]!) }
        failed = batch.failures.keys.sorted().map { Failed(user: $0, error: batch.failures[$0]!) }
        counters = batch.counters
    }

    /// Back to the labeler protocol's shape. A user listed twice (never written by this code, but a result is
    /// read from Redis) keeps its first entry, as ``ItemLabelJobResult/batch`` does, rather than trapping.
    public var batch: LabelingBatch {
        LabelingBatch(
            labels: Dictionary(labeled.map { ($0.user, $0.personas) }, uniquingKeysWith: { first, _ in first }),
            failures: Dictionary(failed.map { ($0.user, $0.error) }, uniquingKeysWith: { first, _ in first }),
            counters: counters)
    }
}
