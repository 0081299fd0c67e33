import Foundation
public import GPLRRedis

/// Reads and writes run records (``RunRecord``) in Redis: `<prefix>:{run:<id>}:state` (a hash) and the run
/// registry `<prefix>:runs` (a set).
///
/// The coordinator owns the record; `gplr cancel` only sets the phase to `cancelled`, and every other phase
/// change goes through a script that leaves a cancelled run cancelled, so a coordinator that is still
/// finishing a step never un-cancels a run.
public struct RunRecordStore: RedisStore {
    public let keyspace: RedisKeyspace

    public init(_ keyspace: RedisKeyspace) { self.keyspace = keyspace }

    /// Stores a new record and registers the run id.
    /// - Throws: ``RunRecordError/Code/exists`` when the run already has a record.
    public func create(_ record: RunRecord) async throws {
        let state = keys.run(record.id).state
        var arguments: [RedisArgument] = []
        for (field, value) in try record.fields() { arguments += [RedisArgument(field.rawValue), value] }
        let created = try await client.evaluate(Self.createScript, keys: [RedisArgument(state)], arguments: arguments)
        guard created.int == 1 else {
            throw RunRecordError(.exists, "a run with this id exists already (resume it with --resume)", run: record.id)
        }
        try await client.send("SADD", RedisArgument(keys.runs), RedisArgument(record.id))
    }

    /// The record of `runID`, or `nil` when there is none.
    public func load(run runID: String) async throws -> RunRecord? {
        let reply = try await client.send("HGETALL", RedisArgument(keys.run(runID).state))
        guard let map = reply.fieldMap, !map.isEmpty else { return nil }
        return try RunRecord(id: runID, fields: map)
    }

    /// The record of `runID` without its checkpoint (`checkpoint` is `nil`; ``RunRecord/progress`` sums it up):
    /// what status views read, at a few kilobytes whatever the size of the run.
    public func loadWithoutCheckpoint(run runID: String) async throws -> RunRecord? {
        let fields = RunRecord.Field.allCases.filter { $0 != .checkpoint }
        let reply = try await client.send(
            ["HMGET", RedisArgument(keys.run(runID).state)] + fields.map { RedisArgument($0.rawValue) })
        var map: [String: RedisValue] = [:]
        for (field, value) in zip(fields, reply.array ?? []) where !value.isNull { map[field.rawValue] = value }
        guard !map.isEmpty else { return nil }
        return try RunRecord(id: runID, fields: map)
    }

    /// The record of `runID`.
    /// - Throws: ``RunRecordError/Code/notFound`` when there is none.
    public func require(run runID: String) async throws -> RunRecord {
        guard let record = try await load(run: runID) else { throw RunRecordError.noSuchRun(runID) }
        return record
    }

    /// Whether `runID` has a record (without reading it).
    public func exists(run runID: String) async throws -> Bool {
        try await client.send("EXISTS", RedisArgument(keys.run(runID).state)).int == 1
    }

    /// Checks that `runID` has a record without reading it (commands about one run fail on an unknown id
    /// instead of answering about nothing).
    /// - Throws: ``RunRecordError/Code/notFound`` when there is none.
    public func requireExists(run runID: String) async throws {
        guard try await exists(run: runID) else { throw RunRecordError.noSuchRun(runID) }
    }

    /// The phase alone (cheap enough to poll), or `nil` when the run has no record. Workers may call this
    /// before running a job to skip the jobs of a cancelled run.
    public func phase(run runID: String) async throws -> RunPhase? {
        let reply = try await client.send("HGET", RedisArgument(keys.run(runID).state), "phase")
        return reply.string.flatMap(RunPhase.init(rawValue:))
    }

    /// Every registered run id, sorted.
    public func runIDs() async throws -> [String] {
        let reply = try await client.send("SMEMBERS", RedisArgument(keys.runs))
        return (reply.array ?? []).compactMap(\.string).sorted()
    }

    /// Sets fields (and `updatedAt`) without touching the phase.
    /// - Throws: ``RunRecordError/Code/lost`` when the record is gone (Redis lost it): nothing is written, so a
    ///   coordinator never leaves a partial record that no status view can read.
    public func update(run runID: String, _ fields: [(RunRecord.Field, RedisArgument)]) async throws {
        try await update(run: runID, named: fields.map { ($0.0.rawValue, $0.1) })
    }

    /// As ``update(run:_:)`` for fields named outside ``RunRecord/Field`` (``RunRecordBatchLedger``'s per-step
    /// fields), which the value does not hold.
    func update(run runID: String, named fields: [(String, RedisArgument)]) async throws {
        var arguments: [RedisArgument] = []
        for (field, value) in fields + [(RunRecord.Field.updatedAt.rawValue, RedisArgument(RunRecord.now()))] {
            arguments += [RedisArgument(field), value]
        }
        let written = try await client.evaluate(
            Self.updateScript, keys: [RedisArgument(keys.run(runID).state)], arguments: arguments
        ).throwingServerError(context: "update run state")
        guard written.int == 1 else { throw Self.lost(run: runID) }
    }

    /// The error for a run whose record vanished under its coordinator (``RunRecordError/Code/lost``). A
    /// coordinator that still holds the run in memory rebuilds it (docs/operations.md, "Redis lost a run").
    public static func lost(run runID: String) -> RunRecordError {
        RunRecordError(
            .lost,
            "Redis lost this run's data: its record is gone (Redis restarted without persistence, or the keys were "
                + "deleted)", run: runID)
    }

    /// Stores the checkpoint of a finished iteration, and its ``RunProgress``.
    public func saveCheckpoint(_ checkpoint: RunCheckpoint, run runID: String) async throws {
        try await update(
            run: runID,
            [
                (.checkpoint, RedisArgument(try checkpoint.recordJSON())),
                (.progress, RedisArgument(try RunRecord.json(RunProgress(checkpoint)))),
                (.completedIterations, RedisArgument(checkpoint.completedIterations)),
            ])
    }

    /// Changes the phase, unless the run is cancelled (then nothing changes and `false` is returned).
    /// - Parameters:
    ///   - error: stored in `error` (removed when `nil`).
    ///   - evenIfCancelled: overrides a cancellation (an explicit `gplr run --resume` of a cancelled run).
    @discardableResult
    public func setPhase(_ phase: RunPhase, run runID: String, error: String? = nil, evenIfCancelled: Bool = false)
        async throws -> Bool
    {
        let reply = try await client.evaluate(
            Self.setPhaseScript, keys: [RedisArgument(keys.run(runID).state)],
            arguments: [
                RedisArgument(phase.rawValue), RedisArgument(RunRecord.now()),
                RedisArgument(evenIfCancelled ? "1" : "0"), RedisArgument(error ?? ""),
            ])
        return reply.int == 1
    }

    /// Marks the run cancelled if it is `created` or `running` (a finished run — done, failed or already
    /// cancelled — keeps its phase). Returns the phase it had, or `nil` when the run has no record (nothing is
    /// written then); the run was cancelled exactly when the phase returned is `created` or `running`.
    public func cancel(run runID: String) async throws -> RunPhase? {
        let reply = try await client.evaluate(
            Self.cancelScript, keys: [RedisArgument(keys.run(runID).state)],
            arguments: [RedisArgument(RunRecord.now())])
        guard let previous = reply.string else { return nil }
        guard let phase = RunPhase(rawValue: previous) else {
            throw RunRecordError(.malformed, "unknown phase '\(previous)'", run: runID)
        }
        return phase
    }

    /// KEYS[1] = state; ARGV[1] = now. Cancels a created or running run; returns the phase it had (nil: no record).
    static let cancelScript = RedisScript(
        """
        local phase = redis.call('HGET', KEYS[1], 'phase')
        if not phase then return nil end
        if phase == 'created' or phase == 'running' then
          redis.call('HSET', KEYS[1], 'phase', 'cancelled', 'updatedAt', ARGV[1])
        end
        return phase
        """)

    /// Creates the hash only if it does not exist: KEYS[1] = state; ARGV = field, value, ...
    /// KEYS[1] = state; ARGV = field, value, …. Writes only into an existing record.
    static let updateScript = RedisScript(
        """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        redis.call('HSET', KEYS[1], unpack(ARGV))
        return 1
        """)

    static let createScript = RedisScript(
        """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], unpack(ARGV))
        return 1
        """)

    /// KEYS[1] = state; ARGV = phase, now, force ("1"/"0"), error ("" = none).
    static let setPhaseScript = RedisScript(
        """
        if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
        if redis.call('HGET', KEYS[1], 'phase') == 'cancelled' and ARGV[1] ~= 'cancelled' and ARGV[3] ~= '1' then
          return 0
        end
        redis.call('HSET', KEYS[1], 'phase', ARGV[1], 'updatedAt', ARGV[2])
        if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'error', ARGV[4]) else redis.call('HDEL', KEYS[1], 'error') end
        return 1
        """)
}
