import Foundation
public import GPLRLLM
import GPLRRedis

/// A distributed run's Batch API submissions, kept in its run record (the field `llmBatches`: JSON, step tag →
/// submissions in order), written as soon as a batch is created: a coordinator killed while a batch is pending
/// is resumed (`gplr run --resume`) and polls that batch instead of paying for it again. Only the coordinator
/// holding the run's lease writes it.
public struct RunRecordBatchLedger: LLMBatchLedger {
    let records: RunRecordStore
    let runID: String

    public init(records: RunRecordStore, runID: String) {
        self.records = records
        self.runID = runID
    }

    /// Every step's submissions.
    public func all() async throws -> [String: [LLMBatchSubmission]] {
        let reply = try await records.client.send(
            "HGET", RedisArgument(records.keys.run(runID).state), RedisArgument(RunRecord.Field.llmBatches.rawValue))
        guard let bytes = reply.bytes else { return [:] }
        do {
            return try JSONDecoder().decode([String: [LLMBatchSubmission]].self, from: Data(bytes))
        } catch {
            throw RunRecordError(
                .malformed, "state field 'llmBatches' is not a valid batch list", run: runID, underlying: error)
        }
    }

    public func submissions(tag: String) async throws -> [LLMBatchSubmission] {
        try await all()[tag] ?? []
    }

    public func record(_ submission: LLMBatchSubmission) async throws {
        var batches = try await all()
        batches[submission.tag, default: []].append(submission)
        try await records.update(run: runID, [(.llmBatches, RedisArgument(try RunRecord.json(batches)))])
    }
}
