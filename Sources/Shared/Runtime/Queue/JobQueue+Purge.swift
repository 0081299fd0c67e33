import GPLRRedis

extension JobQueue {
    /// Drops the stream entries of one run from every job stream (`gplr cancel`): entries not yet taken by a
    /// worker disappear; a job a worker is running finishes normally (its acknowledgement of a deleted entry is
    /// harmless and its result is kept). The purged job ids also leave the run's `jobs` set, so a later
    /// `gplr run --resume` enqueues them again.
    ///
    /// - Returns: the number of stream entries deleted.
    public func purge(run runID: String, kinds: [JobKind] = JobRegistry.kinds) async throws -> Int {
        var deleted = 0
        var jobIDs: [String] = []
        for kind in kinds {
            let stream = RedisArgument(keys.jobStream(kind))
            var start = "-"
            while true {
                let reply = try await client.send("XRANGE", stream, RedisArgument(start), "+", "COUNT", "1000")
                guard let entries = reply.array, !entries.isEmpty else { break }
                var ids: [RedisArgument] = []
                var last = start
                for entry in entries {
                    guard let pair = entry.array, pair.count == 2, let id = pair[0].string else { continue }
                    last = id
                    let fields = pair[1].fieldMap ?? [:]
                    guard fields["run"]?.string == runID else { continue }
                    ids.append(RedisArgument(id))
                    if let job = fields["job"]?.string { jobIDs.append(job) }
                }
                if !ids.isEmpty { deleted += try await client.send(["XDEL", stream] + ids).int ?? 0 }
                if entries.count < 1000 { break }
                start = "(" + last  // exclusive start (Redis ≥ 6.2)
            }
        }
        let jobsKey = RedisArgument(keys.run(runID).jobs)
        for start in stride(from: 0, to: jobIDs.count, by: 1000) {
            let chunk = jobIDs[start..<min(start + 1000, jobIDs.count)]
            _ = try await client.send(["SREM", jobsKey] + chunk.map { RedisArgument($0) })
        }
        return deleted
    }
}
