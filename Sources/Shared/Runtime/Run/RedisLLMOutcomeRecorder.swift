public import GPLRLLM
public import GPLRRedis

/// Counts a job's LLM outcomes in its run's counters hash (`<prefix>:{run:<id>}:counters`, fields of
/// ``RunLLMOutcomes``) with `HINCRBY`, one round trip per attempt, as each ends. Best effort: a Redis error
/// (Redis away, or a worker ACL that may not write the hash) loses the count, never the request.
public struct RedisLLMOutcomeRecorder: LLMOutcomeObserver {
    private let redis: RedisClient
    private let key: String

    public init(redis: RedisClient, keys: RedisKeys, runID: String) {
        self.redis = redis
        self.key = keys.run(runID).counters
    }

    public func attemptEnded(outcome: String, costMicros: Int) async {
        var commands = [increment(RunLLMOutcomes.attemptField(outcome), by: 1)]
        if costMicros > 0 { commands.append(increment(RunLLMOutcomes.costField, by: costMicros)) }
        _ = try? await redis.pipeline(commands)
    }

    public func answersUnparsed(_ count: Int) async {
        guard count > 0 else { return }
        _ = try? await redis.pipeline([increment(RunLLMOutcomes.unparsedField, by: count)])
    }

    private func increment(_ field: String, by amount: Int) -> [RedisArgument] {
        ["HINCRBY", RedisArgument(key), RedisArgument(field), RedisArgument(String(amount))]
    }
}
