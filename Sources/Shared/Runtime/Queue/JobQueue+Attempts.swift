import Foundation
import GPLRRedis

/// One delivery of a job to a worker, as the queue recorded it.
public struct JobAttempt: Codable, Sendable, Equatable {
    /// The worker (consumer) that held the lease.
    public var worker: String
    /// The delivery count of this attempt (1 for the first).
    public var delivery: Int
    /// When it was delivered (milliseconds since 1970).
    public var startedAt: Int64
    /// When it ended (`nil`: still running, or its worker went away).
    public var endedAt: Int64?
    /// `running`, `done`, `duplicate` (ran after another attempt stored the result), `failed` (will be retried),
    /// `dead_lettered`, or `lease_expired` (another delivery began while this one had not ended).
    public var outcome: String

    enum CodingKeys: String, CodingKey {
        case worker = "w", delivery = "n", startedAt = "s", endedAt = "e", outcome = "o"
    }

    /// This attempt as a one-attempt list in the attempts hash's JSON (the keys above): what the scripts' fast paths
    /// store and compare, written by hand because it is built twice per job on the queue's hot path.
    var soleAttemptJSON: String {
        var json = "[{\"w\":" + Self.jsonString(worker) + ",\"n\":\(delivery),\"s\":\(startedAt)"
        if let endedAt { json += ",\"e\":\(endedAt)" }
        return json + ",\"o\":" + Self.jsonString(outcome) + "}]"
    }

    /// `text` as a JSON string literal.
    private static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension JobAttempt {
    /// The attempt `job`'s delivery opens: its worker, delivery count and start, `running`.
    init(running job: LeasedJob) {
        self.init(worker: job.consumer, delivery: job.deliveryCount, startedAt: job.deliveredAt, outcome: "running")
    }
}

extension JobQueue {
    /// Attempts kept per job (the newest).
    public static let attemptsKept = 10

    /// The recorded attempts of a job, oldest first (empty when none were recorded).
    public func attempts(run runID: String, jobID: String) async throws -> [JobAttempt] {
        let reply = try await client.send("HGET", RedisArgument(keys.run(runID).attempts), RedisArgument(jobID))
        guard let bytes = reply.bytes else { return [] }
        // cjson writes an empty list as `{}`; no list is ever stored empty, but read it as none.
        return (try? JSONDecoder().decode([JobAttempt].self, from: Data(bytes))) ?? []
    }

    /// The workers each job of the run was delivered to, as far as its recorded attempts say (one `HGETALL`):
    /// what the dashboard's job search by worker reads.
    public func attemptWorkers(run runID: String) async throws -> [String: Set<String>] {
        let reply = try await client.send("HGETALL", RedisArgument(keys.run(runID).attempts))
        let decoder = JSONDecoder()
        return (reply.fieldMap ?? [:]).compactMapValues { value in
            value.bytes.flatMap { try? decoder.decode([JobAttempt].self, from: Data($0)) }.map { Set($0.map(\.worker)) }
        }
    }

    /// Opens an attempt per job: one script call per run (best effort: a worker whose ACL predates the attempts
    /// key still runs its jobs, unrecorded).
    func recordAttemptStarts(_ jobs: [LeasedJob]) async {
        for (runID, runJobs) in Dictionary(grouping: jobs, by: \.runID) {
            var arguments = [RedisArgument(Self.attemptsKept)]
            for job in runJobs {
                let running = JobAttempt(running: job)
                arguments += [
                    RedisArgument(job.id), RedisArgument(job.consumer), RedisArgument(job.deliveredAt),
                    RedisArgument(job.deliveryCount), RedisArgument(running.soleAttemptJSON),
                ]
            }
            _ = try? await client.evaluate(
                JobQueueScripts.attemptStart, keys: [RedisArgument(keys.run(runID).attempts)], arguments: arguments)
        }
    }

    /// Closes each job's attempt with its outcome: one script call per run (best effort).
    func recordAttemptEnds(_ ends: [(job: LeasedJob, outcome: String)]) async {
        let now = RunRecord.now()
        for (runID, runEnds) in Dictionary(grouping: ends, by: \.job.runID) {
            var arguments = [RedisArgument(Self.attemptsKept), RedisArgument(now)]
            for (job, outcome) in runEnds {
                let running = JobAttempt(running: job)
                var ended = running
                ended.endedAt = now
                ended.outcome = outcome
                arguments += [
                    RedisArgument(job.id), RedisArgument(job.consumer), RedisArgument(job.deliveredAt),
                    RedisArgument(job.deliveryCount), RedisArgument(outcome), RedisArgument(running.soleAttemptJSON),
                    RedisArgument(ended.soleAttemptJSON),
                ]
            }
            _ = try? await client.evaluate(
                JobQueueScripts.attemptEnd, keys: [RedisArgument(keys.run(runID).attempts)], arguments: arguments)
        }
    }

    func recordAttemptEnd(_ job: LeasedJob, outcome: String) async {
        await recordAttemptEnds([(job, outcome)])
    }
}

extension JobQueueScripts {
    /// The Lua both attempt scripts begin with: `decode_attempts(raw)`, the attempt list a job's field of the
    /// attempts hash KEYS[1] holds (empty when the field is missing), and `write_attempts(job, list, kept)`, which
    /// stores it with only the `kept` newest.
    private static let attemptListFunctions = """
        local function decode_attempts(raw)
          if raw then return cjson.decode(raw) end
          return {}
        end
        local function write_attempts(job, list, kept)
          while #list > kept do table.remove(list, 1) end
          redis.call('HSET', KEYS[1], job, cjson.encode(list))
        end

        """

    /// KEYS: the run's attempts hash. ARGV: attempts kept, then job id, worker, start ms, delivery and the attempt
    /// as a one-attempt list (``JobAttempt/soleAttemptJSON``) per job. Appends a `running` attempt to each job's
    /// list; an earlier attempt still `running` never ended (its lease ran out) and becomes `lease_expired`.
    /// Fast path: a job without a list (every job's first delivery) gets the one-attempt list as it is, with no JSON
    /// decoded or encoded in Redis.
    static let attemptStart = RedisScript(
        attemptListFunctions + """
            local kept = tonumber(ARGV[1])
            for i = 2, #ARGV, 5 do
              if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 4]) == 0 then
                local list = decode_attempts(redis.call('HGET', KEYS[1], ARGV[i]))
                for _, a in ipairs(list) do
                  if a.o == 'running' then a.o = 'lease_expired' end
                end
                table.insert(list, {w = ARGV[i + 1], s = tonumber(ARGV[i + 2]), n = tonumber(ARGV[i + 3]), o = 'running'})
                write_attempts(ARGV[i], list, kept)
              end
            end
            return 1
            """)

    /// KEYS: the run's attempts hash. ARGV: attempts kept, end ms, then job id, worker, start ms, delivery, outcome,
    /// the running attempt as a one-attempt list and the ended one likewise, per job. Ends the attempt of that
    /// worker and start (appended if it is not there: trimmed, or never recorded). Fast path: a list that is just
    /// that running attempt, as the start's fast path wrote it, is replaced by the ended one, no JSON decoded.
    static let attemptEnd = RedisScript(
        attemptListFunctions + """
            local kept = tonumber(ARGV[1])
            for i = 3, #ARGV, 7 do
              local raw = redis.call('HGET', KEYS[1], ARGV[i])
              if raw == ARGV[i + 5] then
                redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 6])
              else
                local list = decode_attempts(raw)
                local found = nil
                for _, a in ipairs(list) do
                  if a.w == ARGV[i + 1] and a.s == tonumber(ARGV[i + 2]) then found = a end
                end
                if not found then
                  found = {w = ARGV[i + 1], s = tonumber(ARGV[i + 2]), n = tonumber(ARGV[i + 3])}
                  table.insert(list, found)
                end
                found.e = tonumber(ARGV[2])
                found.o = ARGV[i + 4]
                write_attempts(ARGV[i], list, kept)
              end
            end
            return 1
            """)
}
