import Foundation
import GPLRRedis

/// What Redis holds about one job of a run (``JobQueue/jobInfo(run:jobID:)``).
public struct JobInfo: Sendable, Equatable {
    /// The id is in the run's `jobs` set (enqueued and not dropped by a cancel or a discard).
    public var enqueued: Bool
    /// Bytes of the stored result; `nil` without one.
    public var resultBytes: Int?
    /// The last recorded error (cleared on success and on retry).
    public var error: String?
    /// The dead letter, when the job is one.
    public var deadLetter: DeadLetter?

    /// Whether Redis knows the job at all.
    public var isKnown: Bool { enqueued || resultBytes != nil || error != nil || deadLetter != nil }
}

extension JobQueue {
    /// One job's membership, result size, last error and dead letter: one pipeline of four commands (the result
    /// itself is not read).
    public func jobInfo(run runID: String, jobID: String) async throws -> JobInfo {
        let run = keys.run(runID), id = RedisArgument(jobID)
        let replies = try await client.pipeline([
            ["SISMEMBER", RedisArgument(run.jobs), id], ["HEXISTS", RedisArgument(run.results), id],
            ["HSTRLEN", RedisArgument(run.results), id], ["HGET", RedisArgument(run.errors), id],
            ["HGET", RedisArgument(run.deadLetters), id],
        ])
        let values = try replies.map { try $0.throwingServerError(context: "job info") }
        let letter = try values[4].bytes.map { try JSONDecoder().decode(DeadLetter.self, from: Data($0)) }
        return JobInfo(
            enqueued: values[0].int == 1, resultBytes: values[1].int == 1 ? values[2].int ?? 0 : nil,
            error: values[3].string, deadLetter: letter)
    }
}
