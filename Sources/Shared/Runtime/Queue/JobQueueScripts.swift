import GPLRRedis

/// The Lua scripts of the job queue. Each touches keys of ONE hash tag only (either the `{queue}` streams or
/// one run's `{run:<id>}` keys), so they work unchanged on Redis Cluster.
enum JobQueueScripts {
    /// KEYS: stream. ARGV: group, entry id. Acknowledges and deletes the entry; returns XACK's count.
    static let acknowledge = RedisScript(
        """
        local acked = redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
        redis.call('XDEL', KEYS[1], ARGV[2])
        return acked
        """)

    /// KEYS: stream. ARGV: group, consumer, entry id, idle ms.
    /// If the entry is still pending with this consumer, resets its idle time to `idle ms` (0 extends the
    /// lease; a larger value makes it reclaimable sooner) without counting a delivery. Returns 1 if the
    /// consumer still held the lease, 0 if it was lost (acked, reclaimed by another worker, or gone).
    static let touchLease = RedisScript(
        """
        local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
        if #pending == 0 or pending[1][2] ~= ARGV[2] then return 0 end
        redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'IDLE', ARGV[4], 'JUSTID')
        return 1
        """)

    /// KEYS: results, errors, dead letters, counters (one run). ARGV: the run's completions key, its attempts key,
    /// attempts kept, now (ms), then job id, result and ``JobAttempt/openingJSON`` per job (at most
    /// ``batchLimit`` jobs: Lua's `unpack` has a stack limit). Stores each result unless one exists (first result
    /// wins), announces the stored ones in ONE completions entry (`jobs`: the ids joined by newlines), and ends
    /// each job's attempt as `done` or `duplicate` (``attemptFunctions``). Returns 1 (stored) or 0 (duplicate)
    /// per job.
    ///
    /// With distinct job ids (every batch a worker completes) the script makes a few calls per batch, not per
    /// job: which results exist is one `HMGET` (results over 4 KB are checked by `HEXISTS` each instead, so that
    /// their stored values are not copied into Lua), the stored ones are one `HSET`, their earlier errors and dead
    /// letters one `HDEL` each, the duplicates one `HINCRBY`, the attempts `end_attempts`. A batch that holds a
    /// job twice takes the job-by-job path (`HSETNX` each), where the second is the duplicate.
    ///
    /// The announcement and the attempts are best effort: their keys (same hash tag as the run's other keys, so
    /// the same slot) come as arguments, not in KEYS, because Redis refuses a script whose declared keys the user
    /// may not write before it runs; a worker whose ACL predates them thus still stores its results (`pcall`
    /// swallows the refused writes) and the coordinator finds them by its full check.
    static let storeResults = RedisScript(
        attemptFunctions + """
            local jobs, results, openings = {}, {}, {}
            for i = 5, #ARGV, 3 do
              jobs[#jobs + 1] = ARGV[i]
              results[#results + 1] = ARGV[i + 1]
              openings[#openings + 1] = ARGV[i + 2]
            end
            local batched = distinct(jobs)
            local stored, announced = {}, {}
            local duplicates = 0
            if batched then
              local small = {}
              for k = 1, #jobs do
                if #results[k] <= 4096 then small[#small + 1] = jobs[k] end
              end
              local exists = {}
              if #small > 0 then
                local values = redis.call('HMGET', KEYS[1], unpack(small))
                for j = 1, #small do
                  if values[j] then exists[small[j]] = true end
                end
              end
              local fresh = {}
              for k = 1, #jobs do
                if #results[k] > 4096 and redis.call('HEXISTS', KEYS[1], jobs[k]) == 1 then
                  exists[jobs[k]] = true
                end
                if exists[jobs[k]] then
                  duplicates = duplicates + 1
                  stored[k] = 0
                else
                  fresh[#fresh + 1] = jobs[k]
                  fresh[#fresh + 1] = results[k]
                  announced[#announced + 1] = jobs[k]
                  stored[k] = 1
                end
              end
              if #fresh > 0 then redis.call('HSET', KEYS[1], unpack(fresh)) end
            else
              for k = 1, #jobs do
                if redis.call('HSETNX', KEYS[1], jobs[k], results[k]) == 1 then
                  announced[#announced + 1] = jobs[k]
                  stored[k] = 1
                else
                  duplicates = duplicates + 1
                  stored[k] = 0
                end
              end
            end
            if #announced > 0 then
              redis.call('HDEL', KEYS[2], unpack(announced))
              redis.call('HDEL', KEYS[3], unpack(announced))
              pcall(redis.call, 'XADD', ARGV[1], 'MAXLEN', '~', '\(completionsLength)', '*',
                'jobs', table.concat(announced, '\\n'), 'event', 'done')
            end
            if duplicates > 0 then redis.call('HINCRBY', KEYS[4], 'duplicates', duplicates) end
            pcall(function()
              local kept = tonumber(ARGV[3])
              local outcomes = {}
              for k = 1, #jobs do
                outcomes[k] = 'duplicate'
                if stored[k] == 1 then outcomes[k] = 'done' end
              end
              if batched then
                end_attempts(ARGV[2], jobs, openings, outcomes, ARGV[4], kept)
              else
                for k = 1, #jobs do end_attempt(ARGV[2], jobs[k], openings[k], outcomes[k], ARGV[4], kept) end
              end
            end)
            return stored
            """)

    /// Jobs per call of a script that takes a list of jobs (``storeResults``, ``acknowledgeMany``, the attempts'
    /// start): Lua's `unpack` has a stack limit of a few thousand values.
    static let batchLimit = 1000

    /// KEYS: stream. ARGV: group, entry id, entry id, … . ``acknowledge`` for many entries of one stream.
    static let acknowledgeMany = RedisScript(
        """
        local acked = redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, 2))
        redis.call('XDEL', KEYS[1], unpack(ARGV, 2))
        return acked
        """)

    /// KEYS: results, dead letters, errors, counters (one run). ARGV: job id, dead-letter record, error, the run's
    /// completions key. Records a dead letter unless the job already has a result, and announces it on the run's
    /// completions stream (best effort); returns 1 if recorded.
    static let deadLetter = RedisScript(
        """
        if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end
        redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
        redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
        redis.call('HINCRBY', KEYS[4], 'deadLettered', 1)
        pcall(redis.call, 'XADD', ARGV[4], 'MAXLEN', '~', '\(completionsLength)', '*', 'job', ARGV[1], 'event', 'dead')
        return 1
        """)

    /// Entries a run's completions stream keeps (approximately): a waiter that falls further behind finds the
    /// rest with its periodic full check. Every announcement is best effort, as in ``storeResults``.
    static let completionsLength = 100_000

    /// KEYS: errors, counters (one run). ARGV: job id, error. Records a retriable failure.
    static let recordFailure = RedisScript(
        """
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        return redis.call('HINCRBY', KEYS[2], 'failures', 1)
        """)

    /// KEYS: stream. ARGV: group, minimum idle ms, consumer name (or "" for every consumer).
    /// Deletes the group's consumers that hold no pending entry and have been idle at least the minimum; returns
    /// their names. A consumer holding entries is never deleted (that would drop its entries from the pending
    /// list, so no one could reclaim them); a live worker deleted by mistake loses nothing: its next read
    /// creates it again.
    static let pruneConsumers = RedisScript(
        """
        local removed = {}
        local ok, consumers = pcall(redis.call, 'XINFO', 'CONSUMERS', KEYS[1], ARGV[1])
        if not ok then return removed end
        for _, consumer in ipairs(consumers) do
          local fields = {}
          for i = 1, #consumer, 2 do fields[consumer[i]] = consumer[i + 1] end
          if (ARGV[3] == '' or fields['name'] == ARGV[3]) and tonumber(fields['pending']) == 0
              and tonumber(fields['idle']) >= tonumber(ARGV[2]) then
            redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], fields['name'])
            table.insert(removed, fields['name'])
          end
        end
        return removed
        """)
}
