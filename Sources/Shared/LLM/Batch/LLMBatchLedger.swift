import Synchronization

/// Where a labeler's batch submissions are recorded as soon as they are created, so that a restarted coordinator
/// polls the batches already paid for instead of submitting them again: the run record in Redis for a distributed
/// run, this process for a local one (``InMemoryBatchLedger``).
public protocol LLMBatchLedger: Sendable {
    /// The submissions of step `tag`, in submission order.
    func submissions(tag: String) async throws -> [LLMBatchSubmission]
    /// Adds `submission` to its step's list.
    func record(_ submission: LLMBatchSubmission) async throws
}

/// A ledger in this process: nothing survives it (`gplr run --local --llm-mode batch`).
public final class InMemoryBatchLedger: LLMBatchLedger {
    private let entries = Mutex<[String: [LLMBatchSubmission]]>([:])

    public init() {}

    public func submissions(tag: String) async throws -> [LLMBatchSubmission] {
        entries.withLock { $0[tag] ?? [] }
    }

    public func record(_ submission: LLMBatchSubmission) async throws {
        entries.withLock { $0[submission.tag, default: []].append(submission) }
    }
}
