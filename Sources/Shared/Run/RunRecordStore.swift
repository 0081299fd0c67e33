import Foundation

/// Reads and writes run records (``RunRecord``) in Redis: `<prefix>:{run:<id>}:state` (a hash) and the run
/// registry `<prefix>:runs` (a set).
///
/// The coordinator owns the record; `gplr cancel` only sets the phase to `cancelled`, and every other phase
/// change goes through a script that leaves a cancelled run cancelled, so a coordinator that is still
/// finishing a step never un-cancels a run.
public struct RunRecordStore: Sendable {
    public let client: RedisClient
    public let keys: RedisKeys

    public init(client: RedisClient, keys: RedisKeys = RedisKeys()) {
        self.client = client
        self.keys = keys
    }

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

    /// Checks that `runID` has a record without reading it (commands about one run fail on an unknown id
    /// instead of answering about nothing).
    /// - Throws: ``RunRecordError/Code/notFound`` when there is none.
    public func requireExists(run runID: String) async throws {
        let reply = try await client.send("EXISTS", RedisArgument(keys.run(runID).state))
        guard reply.int == 1 else { throw RunRecordError.noSuchRun(runID) }
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
    public func update(run runID: String, _ fields: [(RunRecord.Field, RedisArgument)]) async throws {
        var command: [RedisArgument] = ["HSET", RedisArgument(keys.run(runID).state)]
        for (field, value) in fields + [(.updatedAt, RedisArgument(RunRecord.now()))] {
            command += [RedisArgument(field.rawValue), value]
        }
        _ = try await client.send(command).throwingServerError(context: "HSET run state")
    }

    /// Stores the checkpoint of a finished iteration, and its ``RunProgress``.
    public func saveCheckpoint(_ checkpoint: RunCheckpoint, run runID: String) async throws {
        try await update(run: runID, [
            (.checkpoint, RedisArgument(try RunRecord.json(checkpoint))),
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
            arguments: [RedisArgument(phase.rawValue), RedisArgument(RunRecord.now()),
                        RedisArgument(evenIfCancelled ? "1" : "0"), RedisArgument(error ?? "")])
        return reply.int == 1
    }

    /// Marks the run cancelled. Returns the phase it had, or `nil` when the run has no record (nothing is
    /// written then).
    public func cancel(run runID: String) async throws -> RunPhase? {
        guard let previous = try await phase(run: runID) else { return nil }
        try await setPhase(.cancelled, run: runID)
        return previous
    }

    /// Creates the hash only if it does not exist: KEYS[1] = state; ARGV = field, value, ...
    static let createScript = RedisScript("""
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], unpack(ARGV))
        return 1
        """)

    /// KEYS[1] = state; ARGV = phase, now, force ("1"/"0"), error ("" = none).
    static let setPhaseScript = RedisScript("""
        if redis.call('HGET', KEYS[1], 'phase') == 'cancelled' and ARGV[1] ~= 'cancelled' and ARGV[3] ~= '1' then
          return 0
        end
        redis.call('HSET', KEYS[1], 'phase', ARGV[1], 'updatedAt', ARGV[2])
        if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'error', ARGV[4]) else redis.call('HDEL', KEYS[1], 'error') end
        return 1
        """)
}
