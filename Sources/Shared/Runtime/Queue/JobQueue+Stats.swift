import GPLRRedis

extension JobQueue {
    /// Counts of one run's jobs by state. `running` scans the pending lists of the given kinds (bounded by
    /// the number of jobs in flight, not by the queue length).
    public func stats(run runID: String, kinds: [JobKind] = JobRegistry.kinds) async throws -> JobRunStats {
        let run = keys.run(runID)
        let replies = try await client.pipeline([
            ["SCARD", RedisArgument(run.jobs)],
            ["HLEN", RedisArgument(run.results)],
            ["HLEN", RedisArgument(run.deadLetters)],
            ["HGETALL", RedisArgument(run.counters)],
        ])
        let values = try replies.map { try $0.throwingServerError(context: "stats") }
        let counters = values[3].fieldMap ?? [:]
        let running = try await pendingCount(run: runID, kinds: kinds)
        let enqueued = values[0].int ?? 0
        let completed = values[1].int ?? 0
        let dead = values[2].int ?? 0
        return JobRunStats(
            enqueued: enqueued, queued: max(0, enqueued - completed - dead - running), running: running,
            completed: completed, deadLettered: dead, failures: counters["failures"]?.int ?? 0,
            retried: counters["retried"]?.int ?? 0, duplicateResults: counters["duplicates"]?.int ?? 0)
    }

    /// Length, pending entries, lag and consumers of one kind's stream.
    public func streamStats(kind: JobKind) async throws -> JobStreamStats {
        let stream = RedisArgument(keys.jobStream(kind))
        let replies = try await client.pipeline([["XLEN", stream], ["XINFO", "GROUPS", stream]])
        let length = replies[0].int ?? 0
        var stats = JobStreamStats(kind: kind, length: length, pending: 0, lag: length, consumers: 0)
        // No stream yet: XINFO answers "ERR no such key".
        guard let groups = replies[1].array else { return stats }
        for group in groups {
            guard let fields = group.fieldMap, fields["name"]?.string == configuration.group else { continue }
            stats.pending = fields["pending"]?.int ?? 0
            stats.consumers = fields["consumers"]?.int ?? 0
            stats.lag = fields["lag"]?.int
        }
        return stats
    }

    private func pendingCount(run runID: String, kinds: [JobKind]) async throws -> Int {
        try await pendingJobs(run: runID, kinds: kinds).count
    }

    /// The jobs of run `runID` delivered and not acknowledged (running, or failed and waiting for their retry),
    /// each with the worker holding it: scans the pending lists of the given kinds (bounded by the jobs in flight).
    public func pendingJobs(run runID: String, kinds: [JobKind] = JobRegistry.kinds) async throws -> [String: String] {
        var jobs: [String: String] = [:]
        for kind in kinds {
            let stream = RedisArgument(keys.jobStream(kind))
            let reply = try await client.pipeline([
                ["XPENDING", stream, RedisArgument(configuration.group), "-", "+", "100000"]
            ])[0]
            guard let rows = reply.array, !rows.isEmpty else { continue }  // NOGROUP or none pending
            let pending = rows.compactMap { row -> (id: String, consumer: String)? in
                guard let fields = row.array, fields.count >= 2, let id = fields[0].string else { return nil }
                return (id, fields[1].string ?? "")
            }
            let ranges = try await client.pipeline(
                pending.map { ["XRANGE", stream, RedisArgument($0.id), RedisArgument($0.id)] })
            for (entry, entries) in zip(pending, ranges) {
                guard let found = entries.array?.first?.array, found.count == 2, let fields = found[1].fieldMap,
                    fields["run"]?.string == runID, let job = fields["job"]?.string
                else { continue }
                jobs[job] = entry.consumer
            }
        }
        return jobs
    }
}
