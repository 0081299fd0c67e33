import GPLRLLM
import GPLRRedis
import GPLRRuntime

extension DistributedRun {
    /// `waiter`, stopping the run once the run's LLM spending ledger has reached the spec's cap (the workers
    /// refuse further requests by then, and their jobs are dead-lettered); `waiter` itself without a cap.
    static func stoppingAtTheCap(
        _ waiter: JobWaiter, _ labeler: LabelerSpec, _ client: RedisClient, _ keys: RedisKeys
    ) -> JobWaiter {
        guard case .llm(let spec) = labeler, let cap = spec.maxCostUSD, let runID = spec.spendRunID else {
            return waiter
        }
        let ledger = RedisSpendLedger(redis: client, keys: keys, runID: runID)
        let capMicros = Int((cap * 1_000_000).rounded())
        var stopping = waiter
        stopping.stopCheck = {
            let spent = try await ledger.spentMicros()
            guard spent >= capMicros else { return nil }
            let reached = LLMSpendingCapReached(spentMicros: spent, capMicros: capMicros)
            return DistributedRunError(
                .spendingCap,
                "\(reached); the iteration in progress does not count (the checkpoint keeps the finished ones)",
                run: waiter.runID)
        }
        return stopping
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
