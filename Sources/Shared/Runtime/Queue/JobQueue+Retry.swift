public import Foundation
import GPLRRedis

extension JobQueue {
    /// The dead letters of a run, ordered by job id.
    public func deadLetters(run runID: String) async throws -> [DeadLetter] {
        let reply = try await client.send("HGETALL", RedisArgument(keys.run(runID).deadLetters))
        guard let map = reply.fieldMap else { throw unexpected("HGETALL", reply) }
        let decoder = JSONDecoder()
        return try map.values.compactMap { value in
            guard let bytes = value.bytes else { return nil }
            return try decoder.decode(DeadLetter.self, from: Data(bytes))
        }.sorted { $0.jobID < $1.jobID }
    }

    /// Puts dead letters of a run back on their streams: the given job ids, or all of the run when `jobIDs`
    /// is `nil`. Each gets a fresh stream entry (so a full `maxAttempts` of deliveries) and its envelope's
    /// `attempt` goes up by one.
    ///
    /// - Returns: the number of jobs put back.
    @discardableResult
    public func retry(run runID: String, jobIDs: [String]? = nil) async throws -> Int {
        let run = keys.run(runID)
        var letters = try await deadLetters(run: runID)
        if let jobIDs {
            let wanted = Set(jobIDs)
            letters = letters.filter { wanted.contains($0.jobID) }
        }
        guard !letters.isEmpty else { return 0 }
        try await prepareIfNeeded(letters.map(\.kind))
        var adds: [[RedisArgument]] = []
        for letter in letters {
            var raw = letter.rawEnvelope
            var version = JobEnvelope.currentVersion
            if var envelope = letter.envelope {
                envelope.attempt += 1
                raw = try envelope.encoded()
            } else if let header = try? JSONDecoder().decode(VersionHeader.self, from: raw) {
                version = header.version  // keep it as it was; a newer worker may understand it
            }
            adds.append(
                streamEntryCommand(
                    id: letter.jobID, runID: runID, kind: letter.kind, version: version,
                    rawEnvelope: raw))
        }
        // Stream first, then remove the dead letters: a crash in between leaves a duplicate, not a loss.
        for reply in try await client.pipeline(adds) { _ = try reply.throwingServerError(context: "XADD") }
        let ids = letters.map { RedisArgument($0.jobID) }
        let cleanup: [[RedisArgument]] = [
            ["HDEL", RedisArgument(run.deadLetters)] + ids,
            ["HDEL", RedisArgument(run.errors)] + ids,
            ["HINCRBY", RedisArgument(run.counters), "retried", RedisArgument(letters.count)],
        ]
        for reply in try await client.pipeline(cleanup) { _ = try reply.throwingServerError(context: "HDEL") }
        return letters.count
    }

    /// Forgets jobs of a run: their results and last errors are deleted and their ids leave the run's job set, so
    /// that planning them again enqueues them afresh. For results that are not answers (a label job whose users
    /// all failed on a refused request): a resumed run must ask again rather than reuse the failure.
    public func forget(run runID: String, jobIDs: [String]) async throws {
        guard !jobIDs.isEmpty else { return }
        let run = keys.run(runID), ids = jobIDs.map { RedisArgument($0) }
        let replies = try await client.pipeline([
            ["HDEL", RedisArgument(run.results)] + ids, ["HDEL", RedisArgument(run.errors)] + ids,
            ["SREM", RedisArgument(run.jobs)] + ids,
        ])
        for reply in replies { _ = try reply.throwingServerError(context: "forget jobs") }
    }

    /// The stored result of a job, or `nil` if it has not completed.
    public func result(run runID: String, jobID: String) async throws -> Data? {
        let reply = try await client.send("HGET", RedisArgument(keys.run(runID).results), RedisArgument(jobID))
        return reply.bytes.map { Data($0) }
    }

    /// The stored results of several jobs of one run (missing ones are absent from the dictionary).
    public func results(run runID: String, jobIDs: [String]) async throws -> [String: Data] {
        guard !jobIDs.isEmpty else { return [:] }
        let reply = try await client.send(
            ["HMGET", RedisArgument(keys.run(runID).results)] + jobIDs.map { RedisArgument($0) })
        guard let values = reply.array, values.count == jobIDs.count else { throw unexpected("HMGET", reply) }
        var results: [String: Data] = [:]
        for (id, value) in zip(jobIDs, values) { if let bytes = value.bytes { results[id] = Data(bytes) } }
        return results
    }

    /// The last recorded error of a job, if any.
    public func lastError(run runID: String, jobID: String) async throws -> String? {
        try await client.send("HGET", RedisArgument(keys.run(runID).errors), RedisArgument(jobID)).string
    }
}

private struct VersionHeader: Decodable { var version: Int }
