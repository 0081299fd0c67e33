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
        return try pausedKinds(among: kinds, reply: try await client.send(pausedKindsCommand(among: kinds)))
    }

    /// The `HMGET` of the pause flags of `kinds` (not empty).
    func pausedKindsCommand(among kinds: [JobKind]) -> [RedisArgument] {
        ["HMGET", RedisArgument(keys.pausedQueues)] + kinds.map { RedisArgument($0.rawValue) }
    }

    /// The paused kinds among `kinds`, from the reply to ``pausedKindsCommand(among:)``.
    func pausedKinds(among kinds: [JobKind], reply: RedisValue) throws -> Set<JobKind> {
        guard let flags = try reply.throwingServerError(context: "HMGET").array, flags.count == kinds.count else {
            throw unexpected("HMGET", reply)
        }
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

/// The pause flags a queue saw last, as ``JobQueue/dequeue(consumer:kinds:count:block:)`` read them right after
/// its read: the next call reads without asking again when they showed none of its kinds paused.
struct PauseSnapshot: Sendable {
    /// The kinds whose flags were read.
    var checked: Set<JobKind> = []
    /// Those of them that were paused.
    var paused: Set<JobKind> = []

    /// Whether every kind of `kinds` was seen, and none of them paused.
    func showsNonePaused(among kinds: [JobKind]) -> Bool {
        kinds.allSatisfy { checked.contains($0) && !paused.contains($0) }
    }
}
