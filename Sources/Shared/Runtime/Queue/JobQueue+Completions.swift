import GPLRRedis

/// A position in a run's completions stream (a stream entry id); ``JobQueue/completionsCursor(run:)`` gives
/// the current end.
public struct CompletionsCursor: Sendable, Hashable {
    let entryID: String
}

extension JobQueue {
    /// The end of run `runID`'s completions stream: what ``waitForCompletions(run:after:timeout:)`` waits after.
    /// Take it before reading which results exist, so that nothing finishing in between is missed.
    public func completionsCursor(run runID: String) async throws -> CompletionsCursor {
        let reply = try await client.send(
            "XREVRANGE", RedisArgument(keys.run(runID).completions), "+", "-", "COUNT", "1"
        )
        .throwingServerError(context: "XREVRANGE")
        let last = reply.array?.first?.array?.first?.string
        return CompletionsCursor(entryID: last ?? "0-0")
    }

    /// The jobs of run `runID` that stored a result or were dead-lettered after `cursor`, waiting up to `timeout`
    /// for the first one (`XREAD BLOCK` on a connection of its own); empty when none came. Returns the new
    /// cursor. A waiter still checks the results themselves now and then: the stream keeps only the last
    /// ``JobQueueScripts/completionsLength`` entries, and a worker of an older version does not write it.
    public func waitForCompletions(run runID: String, after cursor: CompletionsCursor, timeout: Duration)
        async throws -> (jobIDs: [String], cursor: CompletionsCursor)
    {
        let milliseconds = max(1, timeout.milliseconds)
        let reply = try await completionReader.send(
            [
                "XREAD", "COUNT", "10000", "BLOCK", RedisArgument(milliseconds), "STREAMS",
                RedisArgument(keys.run(runID).completions), RedisArgument(cursor.entryID),
            ],
            extraTimeout: timeout
        ).throwingServerError(context: "XREAD")
        guard let streams = reply.array, let entries = streams.first?.array?.last?.array else {
            return ([], cursor)  // timed out: a null reply
        }
        var jobIDs: [String] = []
        var last = cursor.entryID
        for entry in entries {
            guard let pair = entry.array, pair.count == 2, let id = pair[0].string else { continue }
            last = id
            let fields = pair[1].fieldMap ?? [:]
            if let job = fields["job"]?.string { jobIDs.append(job) }
            // A batch completion announces its jobs in one entry.
            if let jobs = fields["jobs"]?.string { jobIDs += jobs.split(separator: "\n").map(String.init) }
        }
        return (jobIDs, CompletionsCursor(entryID: last))
    }
}
