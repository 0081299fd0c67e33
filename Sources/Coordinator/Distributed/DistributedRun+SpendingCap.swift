import GPLRLLM
import GPLRRedis
import GPLRRuntime

extension DistributedRun {
    /// `waiter`, stopping the run once the run's LLM spending ledger has reached the spec's cap
    /// (``JobWaiter/stoppingAtTheCap(of:client:keys:consequence:)``); `waiter` itself without a cap.
    static func stoppingAtTheCap(
        _ waiter: JobWaiter, _ labeler: LabelerSpec, _ client: RedisClient, _ keys: RedisKeys
    ) -> JobWaiter {
        guard case .llm(let spec) = labeler else { return waiter }
        return waiter.stoppingAtTheCap(
            of: spec, client: client, keys: keys,
            consequence: "the iteration in progress does not count (the checkpoint keeps the finished ones)")
    }

    /// The record's LLM labeler with the cap `maxCostUSD`, written into the record (the jobs planned from now on
    /// carry it; answers of jobs that already ran come from the response cache).
    func raiseCap(of record: RunRecord, to maxCostUSD: Double) async throws -> LabelerSpec {
        guard case .llm(var spec) = record.labeler else {
            throw DistributedRunError(
                .invalidInput, "--llm-max-cost: the run labels from a file, not with an LLM", run: record.id)
        }
        guard spec.promptPricePer1K > 0 || spec.completionPricePer1K > 0 else {
            throw DistributedRunError(
                .invalidInput, "--llm-max-cost: the run was started without prices, so nothing is counted",
                run: record.id)
        }
        spec.maxCostUSD = maxCostUSD
        spec.spendRunID = record.id
        let labeler = LabelerSpec.llm(spec)
        try await records.update(run: record.id, [(.labeler, RedisArgument(try RunRecord.json(labeler)))])
        logger.info("run \(record.id): the LLM spending cap is now $\(maxCostUSD) (--llm-max-cost)")
        return labeler
    }
}
