public import Foundation
public import GPLRRedis
import GPLRSupport

/// The `workers` hash (``RedisKeys/workers``): live workers publish a ``WorkerHeartbeat`` there, `gplr status`
/// reads them.
public struct WorkerRegistry: RedisStore {
    public let keyspace: RedisKeyspace

    public init(_ keyspace: RedisKeyspace) { self.keyspace = keyspace }

    /// Writes (or replaces) a worker's record.
    public func publish(_ heartbeat: WorkerHeartbeat) async throws {
        try await client.send(
            "HSET", RedisArgument(keys.workers), RedisArgument(heartbeat.id),
            RedisArgument(try heartbeat.encoded()))
    }

    /// Removes a worker's record (on graceful exit, or to clean up after a dead worker).
    public func remove(workerID: String) async throws {
        try await client.send("HDEL", RedisArgument(keys.workers), RedisArgument(workerID))
    }

    /// Every worker record, by id; fields that are not valid records are skipped.
    public func workers() async throws -> [WorkerHeartbeat] {
        let reply = try await client.send("HGETALL", RedisArgument(keys.workers))
        let decoder = JSONDecoder()
        return (reply.fieldMap ?? [:]).values.compactMap { value in
            value.bytes.flatMap { try? decoder.decode(WorkerHeartbeat.self, from: Data($0)) }
        }.sorted { $0.id < $1.id }
    }

    /// Every record's raw JSON by worker id, for readers that decode leniently across worker versions.
    public func rawRecords() async throws -> [String: Data] {
        let reply = try await client.send("HGETALL", RedisArgument(keys.workers))
        return (reply.fieldMap ?? [:]).compactMapValues { $0.bytes.map { Data($0) } }
    }

    /// One worker's record, or `nil`.
    public func worker(id: String) async throws -> WorkerHeartbeat? {
        let reply = try await client.send("HGET", RedisArgument(keys.workers), RedisArgument(id))
        return try reply.bytes.map { try JSONDecoder().decode(WorkerHeartbeat.self, from: Data($0)) }
    }

    /// Removes the records whose last heartbeat is older than `age` (workers that died without removing
    /// theirs); returns their ids. A worker that is alive after all publishes again at its next heartbeat.
    @discardableResult
    public func removeStale(olderThan age: Duration, now: Int64 = Int64(Date().timeIntervalSince1970)) async throws
        -> [String]
    {
        let stale = try await workers().filter { Double(now - $0.lastSeen) >= age.inSeconds }.map(\.id)
        guard !stale.isEmpty else { return [] }
        try await client.send(["HDEL", RedisArgument(keys.workers)] + stale.map { RedisArgument($0) })
        return stale
    }
}
