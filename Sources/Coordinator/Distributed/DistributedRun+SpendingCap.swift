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
}
