import Foundation
import GPLRRedis

/// The job ids of one run by state, as status reads need them (``JobQueue/jobStates(run:)``).
public struct RunJobStates: Sendable, Equatable {
    /// Every job id registered in the run.
    public var enqueued: [String]
    /// Job ids with a stored result.
    public var done: Set<String>
    /// Job ids in the run's dead letters.
    public var deadLettered: Set<String>
    /// Job id → last recorded error, for jobs with a recorded failure (finished or not).
    public var errors: [String: String]
    /// The run's counters: `failures`, `retried`, `duplicates`.
    public var counters: [String: Int]
}

extension JobQueue {
    /// The ids among `ids` whose result exists (`HEXISTS`, pipelined, so large results are not read).
    public func presentResults(run runID: String, among ids: some Collection<String>) async throws -> [String] {
        let results = RedisArgument(keys.run(runID).results)
        var present: [String] = []
        let sorted = ids.sorted()
        for start in stride(from: 0, to: sorted.count, by: 1000) {
            let chunk = sorted[start..<min(start + 1000, sorted.count)]
            let replies = try await client.pipeline(chunk.map { ["HEXISTS", results, RedisArgument($0)] })
            for (id, reply) in zip(chunk, replies) where try reply.throwingServerError(context: "HEXISTS").int == 1 {
                present.append(id)
            }
        }
        return present
    }

    /// The dead letters among `ids` (none read when the run has none).
    public func deadLetters(run runID: String, among ids: some Collection<String>) async throws -> [String: DeadLetter]
    {
        let deadKey = RedisArgument(keys.run(runID).deadLetters)
        guard (try await client.send("HLEN", deadKey).int ?? 0) > 0 else { return [:] }
        var letters: [String: DeadLetter] = [:]
        let sorted = ids.sorted()
        for start in stride(from: 0, to: sorted.count, by: 1000) {
            let chunk = Array(sorted[start..<min(start + 1000, sorted.count)])
            let reply = try await client.send(["HMGET", deadKey] + chunk.map { RedisArgument($0) })
            for (id, value) in zip(chunk, reply.array ?? []) {
                if let bytes = value.bytes, let letter = try? JSONDecoder().decode(DeadLetter.self, from: Data(bytes)) {
                    letters[id] = letter
                }
            }
        }
        return letters
    }

    /// Every job id of run `runID` by state, in one round trip.
    public func jobStates(run runID: String) async throws -> RunJobStates {
        let run = keys.run(runID)
        let replies = try await client.pipeline([
            ["SMEMBERS", RedisArgument(run.jobs)], ["HKEYS", RedisArgument(run.results)],
            ["HKEYS", RedisArgument(run.deadLetters)], ["HGETALL", RedisArgument(run.errors)],
            ["HGETALL", RedisArgument(run.counters)],
        ])
        let values = try replies.map { try $0.throwingServerError(context: "job states") }
        func ids(_ index: Int) -> [String] { (values[index].array ?? []).compactMap(\.string) }
        return RunJobStates(
            enqueued: ids(0), done: Set(ids(1)), deadLettered: Set(ids(2)),
            errors: (values[3].fieldMap ?? [:]).compactMapValues(\.string),
            counters: (values[4].fieldMap ?? [:]).compactMapValues(\.int))
    }

    /// Whether Redis holds queue data of run `runID` (registered jobs or dead letters).
    public func hasJobs(run runID: String) async throws -> Bool {
        let run = keys.run(runID)
        let replies = try await client.pipeline([
            ["EXISTS", RedisArgument(run.jobs)], ["EXISTS", RedisArgument(run.deadLetters)],
        ])
        return try replies.contains { (try $0.throwingServerError(context: "EXISTS").int ?? 0) > 0 }
    }
}

extension JobQueue {
    /// After Redis lost a run's data: forgets the run's job ids that have no result, so that enqueueing them again
    /// (``enqueue(_:)``) adds them instead of skipping them as known. Returns how many were forgotten.
    ///
    /// Enqueueing writes the stream entries first and the ids second, two round trips: when Redis restarts empty
    /// between them, the entries go with the lost data and the ids land in the new one, so the jobs would look
    /// enqueued while no entry exists to deliver them, and the run would wait for them forever. An id forgotten
    /// here whose entry does exist is enqueued twice; results are first-wins, so it is reduced once.
    @discardableResult
    public func forgetJobsWithoutResults(run runID: String) async throws -> Int {
        let run = keys.run(runID)
        let reply = try await client.evaluate(
            JobQueueScripts.forgetJobsWithoutResults, keys: [RedisArgument(run.jobs), RedisArgument(run.results)],
            arguments: [])
        return reply.int ?? 0
    }
}

extension JobQueueScripts {
    /// KEYS: a run's jobs set, its results. Removes from the set every id without a result; returns the count.
    static let forgetJobsWithoutResults = RedisScript(
        """
        local removed = 0
        for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
          if redis.call('HEXISTS', KEYS[2], id) == 0 then
            redis.call('SREM', KEYS[1], id)
            removed = removed + 1
          end
        end
        return removed
        """)
}
