public import GPLRRedis

/// Removes what finished runs leave in Redis — the run record, job set, results (a 200,000-user run's results
/// hash is hundreds of megabytes), errors, dead letters, counters and prototypes: every key under
/// `<prefix>:{run:<id>}:` — either now (``prune(run:)``, `gplr runs --prune`) or after a while
/// (``expire(run:after:)``, `gplr run --keep-results`).
///
/// Only runs whose record says `done`, `failed` or `cancelled` are touched; the phase is checked by the same
/// script that deletes or expires the keys, so a run resumed meanwhile is left alone. Deleting uses `UNLINK`
/// (Redis frees the memory in the background).
public struct RunDataRetention: RedisStore {
    public let keyspace: RedisKeyspace

    public init(_ keyspace: RedisKeyspace) { self.keyspace = keyspace }

    /// Phases whose data may go.
    public static let finishedPhases: [RunPhase] = [.done, .failed, .cancelled]

    /// Every key of the run (`SCAN` for `<prefix>:{run:<id>}:*`), the record first; never the coordinator lease,
    /// whose time to live is its own (``CoordinatorLease``): persisting it would make a dead coordinator's lease
    /// eternal.
    public func runKeys(_ runID: String) async throws -> [String] {
        let run = keys.run(runID)
        var found: Set<String> = []
        var cursor = "0"
        repeat {
            let reply = try await client.send(
                "SCAN", RedisArgument(cursor), "MATCH", RedisArgument(Self.globEscaped(run.base) + ":*"), "COUNT",
                "1000")
            guard let parts = reply.array, parts.count == 2, let next = parts[0].string else {
                throw RedisError(code: .unexpectedReply, message: "unexpected SCAN reply", context: "SCAN")
            }
            for key in parts[1].array ?? [] { if let key = key.string { found.insert(key) } }
            cursor = next
        } while cursor != "0"
        found.remove(run.state)
        found.remove(run.coordinator)
        return [run.state] + found.sorted()
    }

    /// Deletes every key of a finished run and drops it from the run registry.
    /// - Returns: the number of keys deleted, or `nil` when the run is not finished (nothing is deleted). A run
    ///   without a record and without keys is dropped from the registry (its keys expired) and counts 0.
    @discardableResult
    public func prune(run runID: String) async throws -> Int? {
        let runKeys = try await runKeys(runID)
        let reply = try await client.evaluate(
            Self.pruneScript, keys: runKeys.map { RedisArgument($0) },
            arguments: Self.finishedPhases.map {
                RedisArgument($0.rawValue)
            })
        guard let deleted = reply.int, deleted >= 0 else { return nil }
        try await client.send("SREM", RedisArgument(keys.runs), RedisArgument(runID))
        return deleted
    }

    /// Sets a time to live on every key of a finished run (and the registry drops it at the next prune).
    /// - Returns: whether the run is finished (otherwise nothing changes).
    @discardableResult
    public func expire(run runID: String, after ttl: Duration) async throws -> Bool {
        let runKeys = try await runKeys(runID)
        let seconds = max(1, ttl.components.seconds)
        let reply = try await client.evaluate(
            Self.expireScript, keys: runKeys.map { RedisArgument($0) },
            arguments: [RedisArgument(seconds)] + Self.finishedPhases.map { RedisArgument($0.rawValue) })
        return reply.int == 1
    }

    /// Removes the time to live of every key of the run (a finished run that is resumed).
    public func persist(run runID: String) async throws {
        for key in try await runKeys(runID) { _ = try await client.send("PERSIST", RedisArgument(key)) }
    }

    /// `*`, `?`, `[`, `]` and `\` escaped for a `SCAN MATCH` pattern.
    static func globEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if "*?[]\\".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    /// KEYS[1] = the record, KEYS[2...] = the run's other keys; ARGV = the finished phases. Returns the number of
    /// keys deleted, -1 when the run is not finished. A run without a record is finished only if it has no
    /// keys at all (they expired).
    static let pruneScript = RedisScript(
        """
        local phase = redis.call('HGET', KEYS[1], 'phase')
        if not phase then
          if #KEYS == 1 then return 0 end
          return -1
        end
        local finished = false
        for _, p in ipairs(ARGV) do if p == phase then finished = true end end
        if not finished then return -1 end
        return redis.call('UNLINK', unpack(KEYS))
        """)

    /// KEYS as for the prune; ARGV[1] = seconds, ARGV[2...] = the finished phases. Returns 1 when set.
    static let expireScript = RedisScript(
        """
        local phase = redis.call('HGET', KEYS[1], 'phase')
        local finished = false
        for i = 2, #ARGV do if ARGV[i] == phase then finished = true end end
        if not finished then return 0 end
        for _, key in ipairs(KEYS) do redis.call('EXPIRE', key, ARGV[1]) end
        return 1
        """)
}
