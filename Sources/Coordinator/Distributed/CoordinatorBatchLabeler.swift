import GPLRCore
import GPLRLLM
import GPLRRedis
import GPLRRuntime
import Logging

/// The label step of a batch-mode distributed run (`--llm-mode batch`): the coordinator submits each step's users
/// as one Batch API job (``LLMBatchLabeler``) instead of enqueuing `label` jobs, records the batch ids in the run
/// record (``RunRecordBatchLedger``) and the run's step while it waits.
struct CoordinatorBatchLabeler: PersonaLabeler {
    let inner: LLMBatchLabeler
    let records: RunRecordStore
    let runID: String

    /// The labeler of `spec` for run `record`, calling with `credentials`; its client is shut down by the caller.
    static func make(
        spec: LLMLabelerSpec, record: RunRecord, personas: PersonaSet, credentials: LLMCredentials,
        redis: RedisClient, keys: RedisKeys, logger: Logger
    ) throws -> (CoordinatorBatchLabeler, LLMBatchClient) {
        let configuration = spec.configuration(apiKey: credentials.key, headers: credentials.headers)
        let client = try LLMBatchClient(configuration: configuration)
        let records = RunRecordStore(client: redis, keys: keys)
        let cache =
            spec.cache
            ? LLMResponseCache(
                redis: redis, keys: keys, ttl: spec.cacheTTLSeconds.map { .milliseconds(Int64($0 * 1000)) }) : nil
        let cap = spec.maxCostUSD.map { capUSD in
            LLMSpendCap(
                capUSD: capUSD,
                ledger: RedisSpendLedger(redis: redis, keys: keys, runID: spec.spendRunID ?? record.id),
                configuration: configuration)
        }
        let labeler = LLMBatchLabeler(
            client: client, personas: personas, options: spec.labelerOptions, batchOptions: spec.batch ?? .init(),
            cache: cache, ledger: RunRecordBatchLedger(records: records, runID: record.id), spendCap: cap,
            runTag: record.id, stepTag: Self.stepTag,
            whileWaiting: {
                guard try await records.phase(run: record.id) == .cancelled else { return }
                throw DistributedRunError(
                    .cancelled,
                    "cancelled (`gplr cancel`) while a batch was pending; the pending batch is cancelled at the provider",
                    run: record.id)
            }, logger: logger)
        return (CoordinatorBatchLabeler(inner: labeler, records: records, runID: record.id), client)
    }

    /// `t<iteration>` (with `-preflight` for a preflight, which batch runs skip).
    @Sendable static func stepTag() -> String {
        "t\(RunStep.iteration)" + (RunStep.isPreflight ? "-preflight" : "")
    }

    func label(users: [Int], in graph: PurchaseGraph) async throws -> LabelingBatch {
        try await records.update(
            run: runID, [(.iteration, RedisArgument(RunStep.iteration)), (.step, "labeling (batch)")])
        return try await inner.label(users: users, in: graph)
    }
}

/// The API key and extra headers of the process that calls the provider itself (`--local`, or the coordinator of
/// a batch-mode run): from `--llm-key-file`, else `OPENAI_API_KEY`, and `--llm-header(-file)`. Never stored.
struct LLMCredentials: Sendable {
    var key: LLMAPIKey?
    var headers: [LLMHeader] = []
}
