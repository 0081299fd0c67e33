/// How the simulator's Batch API behaves: how long a batch takes, which batches expire or fail, and which
/// share of lines fails, so that every path of a batch client can be tested offline.
public struct LLMSimulatorBatchConfiguration: Sendable {
    /// Time from creation during which a batch is `validating`.
    public var validationDelay: Duration = .milliseconds(50)
    /// Time from creation until a batch ends (`in_progress` before that).
    public var completionDelay: Duration = .milliseconds(200)
    /// Batches (0-based, in creation order) that expire: their first ``expiredAnsweredShare`` of lines are
    /// answered, the rest go to the error file with code `batch_expired`.
    public var expiredBatches: Set<Int> = []
    public var expiredAnsweredShare: Double = 0.5
    /// Batches (0-based, in creation order) that fail validation: status `failed`, no output.
    public var failedBatches: Set<Int> = []
    /// Share of lines answered HTTP 500 in the error file (seeded per batch and line).
    public var failedLineRate: Double = 0
    /// Batches (0-based) whose output file holds every answer twice, as a provider retrying a line might.
    public var duplicatedBatches: Set<Int> = []

    public init(
        validationDelay: Duration = .milliseconds(50), completionDelay: Duration = .milliseconds(200),
        expiredBatches: Set<Int> = [], failedBatches: Set<Int> = [], failedLineRate: Double = 0
    ) {
        self.validationDelay = validationDelay
        self.completionDelay = completionDelay
        self.expiredBatches = expiredBatches
        self.failedBatches = failedBatches
        self.failedLineRate = failedLineRate
    }
}
