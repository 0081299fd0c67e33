import Foundation
import GPLRRedis

extension JobQueue {
    /// Pauses a job kind's queue for every run: from now on ``dequeue(consumer:kinds:count:block:)`` and
    /// ``reclaimExpired(consumer:kinds:count:)`` take no job of `kind` (an entry a blocking read returns after the
    /// pause is put back on the stream untouched). Jobs already taken run to their end; their leases keep being
    /// extended. Enqueueing goes on. Idempotent.
    ///
    /// - Returns: `true` when the kind was not paused before.
    @discardableResult
    public func pause(kind: JobKind) async throws -> Bool {
        let reply = try await client.send(
            "HSETNX", RedisArgument(keys.pausedQueues), RedisArgument(kind.rawValue), RedisArgument(RunRecord.now()))
        return reply.int == 1
    }

    /// Lets workers take jobs of `kind` again (their next fetch, within a block time). Idempotent.
    ///
    /// - Returns: `true` when the kind was paused.
    @discardableResult
    public func resume(kind: JobKind) async throws -> Bool {
        let reply = try await client.send("HDEL", RedisArgument(keys.pausedQueues), RedisArgument(kind.rawValue))
        return reply.int == 1
    }

    /// Every paused kind and when it was paused (milliseconds since 1970).
    public func pausedQueues() async throws -> [JobKind: Int64] {
        let reply = try await client.send("HGETALL", RedisArgument(keys.pausedQueues))
        var paused: [JobKind: Int64] = [:]
        for (kind, since) in reply.fieldMap ?? [:] {
            paused[JobKind(rawValue: kind)] = since.string.flatMap { Int64($0) } ?? 0
        }
        return paused
    }

    /// Since when `kind` is paused, or `nil`.
    public func pausedSince(kind: JobKind) async throws -> Int64? {
        let reply = try await client.send("HGET", RedisArgument(keys.pausedQueues), RedisArgument(kind.rawValue))
        return reply.string.map { Int64($0) ?? 0 }
    }

    /// The paused kinds among `kinds` (one `HMGET`).
    func pausedKinds(among kinds: [JobKind]) async throws -> Set<JobKind> {
        guard !kinds.isEmpty else { return [] }
        let reply = try await client.send(
            ["HMGET", RedisArgument(keys.pausedQueues)] + kinds.map { RedisArgument($0.rawValue) })
        guard let flags = reply.array, flags.count == kinds.count else { throw unexpected("HMGET", reply) }
        return Set(zip(kinds, flags).filter { !$0.1.isNull }.map(\.0))
    }

    /// Puts entries a read delivered back on their stream as new, undelivered entries (same fields), and removes
    /// the delivered ones: for entries of a kind paused while a blocking read waited. The job never started, so
    /// its delivery count starts afresh.
    func putBack(_ entries: [StreamEntry]) async throws {
        for (kind, list) in Dictionary(grouping: entries, by: \.kind) {
            _ = try await client.evaluate(
                Self.putBackScript, keys: [RedisArgument(keys.jobStream(kind))],
                arguments: [RedisArgument(configuration.group)] + list.map { RedisArgument($0.id) })
        }
    }

    /// KEYS = the stream; ARGV = the group, then entry ids. Each entry still there is appended again with its
    /// fields, then acknowledged and deleted. Returns how many were put back.
    static let putBackScript = RedisScript(
        """
        local moved = 0
        for i = 2, #ARGV do
          local found = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])
          if found[1] then
            redis.call('XADD', KEYS[1], '*', unpack(found[1][2]))
            moved = moved + 1
          end
          redis.call('XACK', KEYS[1], ARGV[1], ARGV[i])
          redis.call('XDEL', KEYS[1], ARGV[i])
        end
        return moved
        """)
}
