public import GPLRRedis
import Synchronization

/// Where the money spent on LLM calls is counted, in millionths of a dollar: in this process
/// (``LocalSpendLedger``) or in Redis, shared by every worker of a run (``RedisSpendLedger``).
public protocol LLMSpendLedger: Sendable {
    /// What was spent so far.
    func spentMicros() async throws -> Int
    /// Adds `micros` and returns the new total.
    func add(micros: Int) async throws -> Int
}

/// A ledger in this process (`gplr run --local`).
public final class LocalSpendLedger: LLMSpendLedger {
    private let total = Mutex(0)

    public init() {}

    public func spentMicros() async throws -> Int { total.withLock { $0 } }

    public func add(micros: Int) async throws -> Int {
        total.withLock { total in
            total += micros
            return total
        }
    }
}

/// A run's ledger in Redis: the field `llm-spent-micros` of the run's counters hash
/// (`<prefix>:{run:<id>}:counters`, which workers may write), added to with `HINCRBY`, so every worker and
/// the coordinator see one total. It expires with the run's other keys.
public struct RedisSpendLedger: LLMSpendLedger {
    /// The hash field.
    public static let field = "llm-spent-micros"
    private let redis: RedisClient
    private let key: String

    public init(redis: RedisClient, keys: RedisKeys, runID: String) {
        self.redis = redis
        self.key = keys.run(runID).counters
    }

    public func spentMicros() async throws -> Int {
        let reply = try await redis.send("HGET", RedisArgument(key), RedisArgument(Self.field))
        return reply.string.flatMap { Int($0) } ?? 0
    }

    public func add(micros: Int) async throws -> Int {
        let reply = try await redis.send(
            "HINCRBY", RedisArgument(key), RedisArgument(Self.field), RedisArgument(String(micros)))
        return reply.int ?? 0
    }
}
