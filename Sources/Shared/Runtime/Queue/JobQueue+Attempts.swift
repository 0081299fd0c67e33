import Foundation
import GPLRRedis
import GPLRSupport

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

    /// This attempt as the start of a one-attempt list in the attempts hash's JSON (the keys above), up to but
    /// not including its end and outcome: `[{"w":"<worker>","n":<delivery>,"s":<start>`. The queue's scripts
    /// finish it (``JobQueueScripts`` `running_json` and `ended_json`), so that a job's first delivery and its
    /// end are stored and compared as strings, with no JSON decoded or encoded in Redis. Written by hand because
    /// it is built twice per job on the queue's hot path.
    var openingJSON: String {
        "[{\"w\":" + Self.jsonString(worker) + ",\"n\":\(delivery),\"s\":\(startedAt)"
    }

    /// `text` as a JSON string literal.
    private static func jsonString(_ text: String) -> String {
        // Worker names need no escape: quote them whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + text + "\""
        }
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

    /// Opens an attempt per job: one script call per run and ``JobQueueScripts/batchLimit`` jobs (best effort: a
    /// worker whose ACL predates the attempts key still runs its jobs, unrecorded).
    func recordAttemptStarts(_ jobs: [LeasedJob]) async {
        for (runID, runJobs) in Dictionary(grouping: jobs, by: \.runID) {
            for batch in runJobs.chunked(JobQueueScripts.batchLimit) { await recordAttemptStarts(run: runID, batch) }
        }
    }

    /// Opens an attempt per job of one run, in one script call (at most ``JobQueueScripts/batchLimit`` jobs).
    private func recordAttemptStarts(run runID: String, _ runJobs: [LeasedJob]) async {
        var arguments = [RedisArgument(Self.attemptsKept)]
        for job in runJobs {
            arguments += [RedisArgument(job.id), RedisArgument(JobAttempt(running: job).openingJSON)]
        }
        _ = try? await client.evaluate(
            JobQueueScripts.attemptStart, keys: [RedisArgument(keys.run(runID).attempts)], arguments: arguments)
    }

    /// Closes each job's attempt with its outcome: one script call per run (best effort). A completion closes
    /// its attempts in the script that stores the results (``JobQueueScripts/storeResults``); this is for the
    /// other ends: failures and dead letters.
    func recordAttemptEnd(_ job: LeasedJob, outcome: String) async {
        _ = try? await client.evaluate(
            JobQueueScripts.attemptEnd, keys: [RedisArgument(keys.run(job.runID).attempts)],
            arguments: [
                RedisArgument(Self.attemptsKept), RedisArgument(RunRecord.now()), RedisArgument(job.id),
                RedisArgument(outcome), RedisArgument(JobAttempt(running: job).openingJSON),
            ])
    }
}

extension JobQueueScripts {
    /// The Lua the scripts that open or close attempts begin with. Each takes the attempts hash's key, a job id
    /// and the attempt's ``JobAttempt/openingJSON``:
    /// - `start_attempt(attempts, job, opening, kept)` appends a `running` attempt to the job's list; an earlier
    ///   attempt still `running` never ended (its lease ran out) and becomes `lease_expired`. Fast path: a job
    ///   without a list (every job's first delivery) gets the one-attempt list, stored as a string.
    /// - `end_attempt(attempts, job, opening, outcome, now, kept)` ends the attempt of that worker and start
    ///   (appended if it is not there: trimmed, or never recorded). Fast path: a list that is just that running
    ///   attempt, as the start's fast path wrote it, is replaced by the ended one as a string.
    /// - `start_attempts` and `end_attempts` do the same for a batch of jobs in one `HMGET` and one `HSET` for all
    ///   the fast paths (a `redis.call` per job was half of what a queue job cost Redis). They need distinct job
    ///   ids (`distinct`): each job's list is read once, before any is written. Callers fall back to the one-job
    ///   functions otherwise.
    ///
    /// The slow paths decode the list with cjson and keep only the `kept` newest attempts.
    static let attemptFunctions = """
        local function running_json(opening)
          return opening .. ',"o":"running"}]'
        end
        local function ended_json(opening, now, outcome)
          return opening .. ',"e":' .. now .. ',"o":"' .. outcome .. '"}]'
        end
        local function decode_attempts(raw)
          if raw then return cjson.decode(raw) end
          return {}
        end
        local function write_attempts(attempts, job, list, kept)
          while #list > kept do table.remove(list, 1) end
          redis.call('HSET', attempts, job, cjson.encode(list))
        end
        local function distinct(list)
          local seen = {}
          for _, v in ipairs(list) do
            if seen[v] then return false end
            seen[v] = true
          end
          return true
        end
        local function start_attempt_on(attempts, job, opening, kept, raw)
          local list = decode_attempts(raw)
          for _, a in ipairs(list) do
            if a.o == 'running' then a.o = 'lease_expired' end
          end
          local mine = cjson.decode(running_json(opening))[1]
          table.insert(list, mine)
          write_attempts(attempts, job, list, kept)
        end
        local function start_attempt(attempts, job, opening, kept)
          if redis.call('HSETNX', attempts, job, running_json(opening)) == 1 then return end
          start_attempt_on(attempts, job, opening, kept, redis.call('HGET', attempts, job))
        end
        local function start_attempts(attempts, jobs, openings, kept)
          local raws = redis.call('HMGET', attempts, unpack(jobs))
          local fresh = {}
          for k = 1, #jobs do
            if not raws[k] then
              fresh[#fresh + 1] = jobs[k]
              fresh[#fresh + 1] = running_json(openings[k])
            end
          end
          if #fresh > 0 then redis.call('HSET', attempts, unpack(fresh)) end
          for k = 1, #jobs do
            if raws[k] then start_attempt_on(attempts, jobs[k], openings[k], kept, raws[k]) end
          end
        end
        local function end_attempt_on(attempts, job, opening, outcome, now, kept, raw)
          if raw == running_json(opening) then
            redis.call('HSET', attempts, job, ended_json(opening, now, outcome))
            return
          end
          local list = decode_attempts(raw)
          local mine = cjson.decode(running_json(opening))[1]
          local found = nil
          for _, a in ipairs(list) do
            if a.w == mine.w and a.s == mine.s then found = a end
          end
          if not found then
            found = mine
            table.insert(list, found)
          end
          found.e = tonumber(now)
          found.o = outcome
          write_attempts(attempts, job, list, kept)
        end
        local function end_attempt(attempts, job, opening, outcome, now, kept)
          end_attempt_on(attempts, job, opening, outcome, now, kept, redis.call('HGET', attempts, job))
        end
        local function end_attempts(attempts, jobs, openings, outcomes, now, kept)
          local raws = redis.call('HMGET', attempts, unpack(jobs))
          local fast = {}
          for k = 1, #jobs do
            if raws[k] == running_json(openings[k]) then
              fast[#fast + 1] = jobs[k]
              fast[#fast + 1] = ended_json(openings[k], now, outcomes[k])
            else
              end_attempt_on(attempts, jobs[k], openings[k], outcomes[k], now, kept, raws[k])
            end
          end
          if #fast > 0 then redis.call('HSET', attempts, unpack(fast)) end
        end

        """

    /// KEYS: the run's attempts hash. ARGV: attempts kept, then job id and ``JobAttempt/openingJSON`` per job.
    /// Opens a `running` attempt per job (`start_attempts`, or `start_attempt` per job when an id repeats;
    /// ``attemptFunctions``).
    static let attemptStart = RedisScript(
        attemptFunctions + """
            local kept = tonumber(ARGV[1])
            local jobs, openings = {}, {}
            for i = 2, #ARGV, 2 do
              jobs[#jobs + 1] = ARGV[i]
              openings[#openings + 1] = ARGV[i + 1]
            end
            if distinct(jobs) then
              start_attempts(KEYS[1], jobs, openings, kept)
            else
              for k = 1, #jobs do start_attempt(KEYS[1], jobs[k], openings[k], kept) end
            end
            return 1
            """)

    /// KEYS: the run's attempts hash. ARGV: attempts kept, end ms, job id, outcome, ``JobAttempt/openingJSON``.
    /// Ends the job's attempt with the outcome (`end_attempt`, ``attemptFunctions``).
    static let attemptEnd = RedisScript(
        attemptFunctions + """
            end_attempt(KEYS[1], ARGV[3], ARGV[5], ARGV[4], ARGV[2], tonumber(ARGV[1]))
            return 1
            """)
}
