import Foundation
public import GPLRLLM
import GPLRRedis

/// A distributed run's Batch API submissions, kept in its run record: one field per labeling step,
/// `llmBatches:<step tag>` (JSON, the step's submissions in order), written as soon as a batch is created, so a
/// coordinator killed while a batch is pending is resumed (`gplr run --resume`) and polls that batch instead of
/// paying for it again. Only the coordinator holding the run's lease writes it; status views never read it
/// (they read named fields), and it expires with the record.
public struct RunRecordBatchLedger: LLMBatchLedger {
    /// The fields' common beginning.
    public static let fieldPrefix = "llmBatches:"
    let records: RunRecordStore
    let runID: String

    public init(records: RunRecordStore, runID: String) {
        self.records = records
        self.runID = runID
    }

    public func submissions(tag: String) async throws -> [LLMBatchSubmission] {
        let reply = try await records.client.send(
            "HGET", RedisArgument(records.keys.run(runID).state), RedisArgument(Self.fieldPrefix + tag))
        guard let bytes = reply.bytes else { return [] }
        return try decode(bytes, field: Self.fieldPrefix + tag)
    }

    public func record(_ submission: LLMBatchSubmission) async throws {
        let submissions = try await submissions(tag: submission.tag) + [submission]
        try await records.update(
            run: runID, named: [(Self.fieldPrefix + submission.tag, RedisArgument(try RunRecord.json(submissions)))])
    }

    /// Every step's submissions, by step tag.
    public func all() async throws -> [String: [LLMBatchSubmission]] {
        let reply = try await records.client.send("HGETALL", RedisArgument(records.keys.run(runID).state))
        var steps: [String: [LLMBatchSubmission]] = [:]
        for (field, value) in reply.fieldMap ?? [:] where field.hasPrefix(Self.fieldPrefix) {
            guard let bytes = value.bytes else { continue }
            steps[String(field.dropFirst(Self.fieldPrefix.count))] = try decode(bytes, field: field)
        }
        return steps
    }

    private func decode(_ bytes: [UInt8], field: String) throws -> [LLMBatchSubmission] {
        do {
            return try JSONDecoder().decode([LLMBatchSubmission].self, from: Data(bytes))
        } catch {
            throw RunRecordError(
                .malformed, "state field '\(field)' is not a list of batch submissions", run: runID,
                underlying: error)
        }
    }
}
