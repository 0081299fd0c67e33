import GPLRRedis
import GPLRSupport

extension JobQueue {
    /// Deletes from the consumer group of each kind's stream the consumers that hold no pending entry and have
    /// been idle for at least `minimumIdle` — the consumers of workers that stopped or died (every restart
    /// of a worker is a new consumer name). Atomic per stream (a Lua script): a consumer with pending entries is
    /// always kept, so its jobs can still be reclaimed.
    ///
    /// - Parameter consumer: only this consumer (a worker removing itself at shutdown); `nil` for all.
    /// - Returns: the deleted consumers, as `kind/name`.
    @discardableResult
    public func pruneIdleConsumers(
        kinds: [JobKind], minimumIdle: Duration, consumer: String? = nil
    ) async throws -> [String] {
        var removed: [String] = []
        for kind in kinds {
            let reply = try await client.evaluate(
                JobQueueScripts.pruneConsumers, keys: [RedisArgument(keys.jobStream(kind))],
                arguments: [
                    RedisArgument(configuration.group), RedisArgument(String(minimumIdle.milliseconds)),
                    RedisArgument(consumer ?? ""),
                ])
            removed += (reply.array ?? []).compactMap(\.string).map { "\(kind.rawValue)/\($0)" }
        }
        return removed
    }
}

extension JobQueue {
    /// The worker heartbeat registry under this queue's prefix, on the queue's connection.
    public var workerRegistry: WorkerRegistry { WorkerRegistry(client: client, keys: keys) }
}
