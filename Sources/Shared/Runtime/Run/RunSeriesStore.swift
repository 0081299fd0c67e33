import Foundation
public import GPLRRedis
import GPLRSupport

/// A run's history of ``RunSample``s: the list `<prefix>:{run:<id>}:series` (JSON, oldest first), kept to the
/// newest ``capacity`` samples by `LTRIM`. It is one of the run's keys, so `gplr runs --prune` and
/// `--keep-results` (``RunDataRetention``) delete or expire it with the rest.
///
/// Appending is one script that also reads the run record (same hash slot): it adds a sample only while the phase
/// is `created` or `running` (so no sample lands after the retention expired a finished run's keys) and only when
/// the last sample is at least `minimumGap` old (so two dashboards sampling the same Redis do not double the rate).
public struct RunSeriesStore: Sendable {
    public let client: RedisClient
    public let keys: RedisKeys
    /// Samples kept per run (the oldest go first): an hour at one sample per 5 s.
    public var capacity = 720

    public init(client: RedisClient, keys: RedisKeys = RedisKeys()) {
        self.client = client
        self.keys = keys
    }

    /// Appends `sample` unless the run is not `created`/`running` or its last sample is younger than `minimumGap`.
    /// - Returns: whether it was appended.
    @discardableResult
    public func append(_ sample: RunSample, run runID: String, minimumGap: Duration) async throws -> Bool {
        let run = keys.run(runID)
        let json = String(decoding: try JSONEncoder().encode(sample), as: UTF8.self)
        let reply = try await client.evaluate(
            Self.appendScript, keys: [RedisArgument(run.state), RedisArgument(run.series)],
            arguments: [
                RedisArgument(json), RedisArgument(sample.at), RedisArgument(minimumGap.milliseconds),
                RedisArgument(capacity),
            ])
        return reply.int == 1
    }

    /// Every stored sample of the run, oldest first (undecodable entries are skipped).
    public func samples(run runID: String) async throws -> [RunSample] {
        let reply = try await client.send("LRANGE", RedisArgument(keys.run(runID).series), "0", "-1")
        let decoder = JSONDecoder()
        return (reply.array ?? []).compactMap { value in
            value.bytes.flatMap { try? decoder.decode(RunSample.self, from: Data($0)) }
        }
    }

    /// KEYS[1] = the run record, KEYS[2] = the series; ARGV = sample JSON, its time (ms), the minimum gap (ms),
    /// the capacity. Returns 1 when appended, 0 when not.
    static let appendScript = RedisScript(
        """
        local phase = redis.call('HGET', KEYS[1], 'phase')
        if phase ~= 'running' and phase ~= 'created' then return 0 end
        local last = redis.call('LINDEX', KEYS[2], -1)
        if last then
          local ok, decoded = pcall(cjson.decode, last)
          if ok and type(decoded) == 'table' and tonumber(decoded['at']) and
             tonumber(ARGV[2]) - tonumber(decoded['at']) < tonumber(ARGV[3]) then return 0 end
        end
        redis.call('RPUSH', KEYS[2], ARGV[1])
        redis.call('LTRIM', KEYS[2], -tonumber(ARGV[4]), -1)
        return 1
        """)
}
