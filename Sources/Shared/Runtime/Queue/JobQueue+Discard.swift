import GPLRRedis

extension JobQueue {
    /// Gives up dead-lettered jobs of a run for good (the dashboard's Discard): each listed job that is a dead letter
    /// loses its dead letter and last error, leaves the run's `jobs` set (so a `gplr run --resume` would plan it
    /// afresh) and counts in the run's `discarded` counter. A job id that is not a dead letter is left alone. A
    /// coordinator waiting for the job keeps waiting (until `--timeout` or a cancel): the run has no result for it.
    ///
    /// - Returns: the ids discarded, in the order given.
    public func discard(run runID: String, jobIDs: [String]) async throws -> [String] {
        guard !jobIDs.isEmpty else { return [] }
        let run = keys.run(runID)
        let reply = try await client.evaluate(
            Self.discardScript,
            keys: [
                RedisArgument(run.deadLetters), RedisArgument(run.errors), RedisArgument(run.jobs),
                RedisArgument(run.counters),
            ], arguments: jobIDs.map { RedisArgument($0) })
        return (reply.array ?? []).compactMap(\.string)
    }

    /// KEYS = dead, errors, jobs, counters of one run; ARGV = job ids. Returns the ids that were dead letters.
    static let discardScript = RedisScript(
        """
        local discarded = {}
        for _, id in ipairs(ARGV) do
          if redis.call('HDEL', KEYS[1], id) == 1 then
            redis.call('HDEL', KEYS[2], id)
            redis.call('SREM', KEYS[3], id)
            discarded[#discarded + 1] = id
          end
        end
        if #discarded > 0 then redis.call('HINCRBY', KEYS[4], 'discarded', #discarded) end
        return discarded
        """)
}
