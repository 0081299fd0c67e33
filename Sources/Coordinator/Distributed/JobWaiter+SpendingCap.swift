import GPLRLLM
import GPLRRedis
import GPLRRuntime

extension JobWaiter {
    /// This waiter, stopping the wait once the LLM spending ledger of `spec`'s run has reached its cap
    /// (`--llm-max-cost`; the workers refuse further requests by then, and their jobs are dead-lettered); the
    /// error says the spend, then `consequence`. This waiter itself when `spec` has no cap.
    func stoppingAtTheCap(
        of spec: LLMLabelerSpec, client: RedisClient, keys: RedisKeys, consequence: String
    ) -> JobWaiter {
        guard let cap = spec.maxCostUSD, let spendRunID = spec.spendRunID else { return self }
        let ledger = RedisSpendLedger(redis: client, keys: keys, runID: spendRunID)
        let capMicros = Int((cap * 1_000_000).rounded())
        let runID = runID
        var stopping = self
        stopping.stopCheck = {
            let spent = try await ledger.spentMicros()
            guard spent >= capMicros else { return nil }
            let reached = LLMSpendingCapReached(spentMicros: spent, capMicros: capMicros)
            return DistributedRunError(.spendingCap, "\(reached); \(consequence)", run: runID)
        }
        return stopping
    }
}
