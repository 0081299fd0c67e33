/// How a labeling step uses the Batch API: how often it polls, how many rounds of batches it may submit for the
/// users still unanswered (expired, failed or unparsable lines) before they count as label failures, and how
/// many requests one batch holds.
public struct LLMBatchOptions: Codable, Sendable, Hashable {
    /// Seconds before the first status poll; each later wait doubles, up to ``maxPollSeconds``.
    public var pollSeconds: Double = 5
    public var maxPollSeconds: Double = 300
    /// Rounds of batches per step, the first included (≥ 1).
    public var maxBatches: Int = 3
    /// `completion_window` (OpenAI accepts `24h`).
    public var completionWindow: String = "24h"
    /// Requests per batch (OpenAI takes at most 50,000): a larger step is split into several batches, submitted
    /// together and read one after the other. `nil`: 50,000.
    public var maxRequestsPerBatch: Int?

    /// OpenAI's limit of requests per batch.
    public static let defaultMaxRequestsPerBatch = 50_000

    public init(pollSeconds: Double = 5, maxPollSeconds: Double = 300, maxBatches: Int = 3) {
        self.pollSeconds = pollSeconds
        self.maxPollSeconds = maxPollSeconds
        self.maxBatches = maxBatches
    }

    /// ``maxRequestsPerBatch``, else OpenAI's limit.
    var requestsPerBatch: Int { max(1, maxRequestsPerBatch ?? Self.defaultMaxRequestsPerBatch) }

    /// Why the options cannot be used, or `nil`.
    public var problem: String? {
        if !(pollSeconds > 0) || !(maxPollSeconds >= pollSeconds) {
            return "the batch poll interval must be positive and at most its cap"
        }
        if maxBatches < 1 { return "batches per step must be at least 1, got \(maxBatches)" }
        if let maxRequestsPerBatch, maxRequestsPerBatch < 1 { return "requests per batch must be at least 1" }
        return nil
    }

    /// The wait before poll `number` (0-based).
    func pollDelay(_ number: Int) -> Duration {
        .milliseconds(Int64(min(pollSeconds * Double(1 << min(number, 20)), maxPollSeconds) * 1000))
    }
}
