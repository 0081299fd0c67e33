import Foundation
import GPLRRedis
import GPLRSupport

extension JobQueue {
    /// Takes new jobs of the given kinds for `consumer`, waiting up to `block` for one to arrive
    /// (`XREADGROUP ... BLOCK`). Returns at most `count` jobs per kind, possibly none.
    ///
    /// Entries that cannot be run by this build (unknown envelope version, malformed) are dead-lettered
    /// with the reason and not returned. Paused kinds (``pause(kind:)``) are not read; when every kind is paused
    /// the call waits `block` and returns nothing. An entry of a kind paused while the read waited is put back.
    ///
    /// Two round trips when nothing is paused: the read with the pause flags read right after it (pipelined:
    /// Redis runs them in order, the flags once the read returns), and the attempts opened. Which kinds to read
    /// comes from the flags the previous call saw (``PauseSnapshot``): a pause it missed is caught by the flags
    /// read after the read, and its entries go back.
    public func dequeue(consumer: String, kinds: [JobKind], count: Int = 1, block: Duration? = nil)
        async throws -> [LeasedJob]
    {
        let requested = uniqued(kinds)
        guard !requested.isEmpty, count > 0 else { return [] }
        let paused =
            if pauseSnapshot.withLock({ $0.showsNonePaused(among: requested) }) {
                Set<JobKind>()
            } else {
                try await pausedKinds(among: requested)
            }
        let kinds = requested.filter { !paused.contains($0) }
        guard !kinds.isEmpty else {
            if let block { try? await Task.sleep(for: block) }
            return []
        }
        try await prepareIfNeeded(kinds)
        var read: [RedisArgument] = [
            "XREADGROUP", "GROUP", RedisArgument(configuration.group),
            RedisArgument(consumer), "COUNT", RedisArgument(count),
        ]
        if let block { read += ["BLOCK", RedisArgument(block.milliseconds)] }
        read.append("STREAMS")
        read += kinds.map { RedisArgument(keys.jobStream($0)) }
        read += kinds.map { _ in ">" }
        var replies = try await client.pipeline(
            [read, pausedKindsCommand(among: requested)], extraTimeout: block ?? .zero)
        if replies[0].errorMessage?.hasPrefix("NOGROUP") == true {
            forgetPrepared()
            try await prepareIfNeeded(kinds)
            replies = try await client.pipeline(
                [read, pausedKindsCommand(among: requested)], extraTimeout: block ?? .zero)
        }
        let reply = try replies[0].throwingServerError(context: "XREADGROUP")
        let pausedNow = try pausedKinds(among: requested, reply: replies[1])
        pauseSnapshot.withLock { $0 = PauseSnapshot(checked: Set(requested), paused: pausedNow) }
        guard !reply.isNull else { return [] }
        guard let streams = reply.array else { throw unexpected("XREADGROUP", reply) }
        var entries: [StreamEntry] = []
        for stream in streams {
            guard let pair = stream.array, pair.count == 2, let list = pair[1].array else {
                throw unexpected("XREADGROUP", reply)
            }
            let kind = kinds.first { keys.jobStream($0) == pair[0].string } ?? JobKind(rawValue: "?")
            entries += try list.map { try StreamEntry(kind: kind, value: $0) }
        }
        // Paused while the read waited (or since the previous call): those entries go back, unstarted.
        if entries.contains(where: { pausedNow.contains($0.kind) }) {
            try await putBack(entries.filter { pausedNow.contains($0.kind) })
            entries.removeAll { pausedNow.contains($0.kind) }
        }
        return try await admit(entries, consumer: consumer, deliveryCounts: [:])
    }

    /// Takes over jobs whose lease ran out (idle longer than the lease: their worker died or stalled),
    /// up to `count` per kind (`XAUTOCLAIM`). Jobs delivered more than `maxAttempts` times are
    /// dead-lettered instead of returned. Paused kinds are skipped: their expired leases wait for the resume.
    public func reclaimExpired(consumer: String, kinds: [JobKind], count: Int = 10) async throws -> [LeasedJob] {
        guard !kinds.isEmpty, count > 0 else { return [] }
        let paused = try await pausedKinds(among: uniqued(kinds))
        let kinds = uniqued(kinds).filter { !paused.contains($0) }
        guard !kinds.isEmpty else { return [] }
        try await prepareIfNeeded(kinds)
        let minIdle = configuration.leaseDuration.milliseconds
        var entries: [StreamEntry] = []
        for kind in kinds {
            let stream = keys.jobStream(kind)
            var cursor = "0-0"
            var claimed: [StreamEntry] = []
            repeat {
                let reply = try await client.send(
                    "XAUTOCLAIM", RedisArgument(stream), RedisArgument(configuration.group), RedisArgument(consumer),
                    RedisArgument(minIdle), RedisArgument(cursor), "COUNT", RedisArgument(count - claimed.count))
                guard let parts = reply.array, parts.count >= 2, let next = parts[0].string,
                    let list = parts[1].array
                else { throw unexpected("XAUTOCLAIM", reply) }
                claimed += try list.compactMap { value in
                    // Entries deleted while pending come back as nil fields; XAUTOCLAIM drops them itself.
                    guard let pair = value.array, pair.count == 2, !pair[1].isNull else { return nil }
                    return try StreamEntry(kind: kind, value: value)
                }
                cursor = next
            } while cursor != "0-0" && claimed.count < count
            entries += claimed
        }
        guard !entries.isEmpty else { return [] }
        // Delivery counts: XAUTOCLAIM counted this delivery; read them back from the pending list.
        let queries: [[RedisArgument]] = entries.map { entry in
            [
                "XPENDING", RedisArgument(keys.jobStream(entry.kind)), RedisArgument(configuration.group),
                RedisArgument(entry.id), RedisArgument(entry.id), "1",
            ]
        }
        var counts: [String: Int] = [:]
        for (entry, reply) in zip(entries, try await client.pipeline(queries)) {
            if let row = reply.array?.first?.array, row.count == 4, let deliveries = row[3].int {
                counts[entry.id] = deliveries
            }
        }
        return try await admit(entries, consumer: consumer, deliveryCounts: counts)
    }

    /// Decodes entries into leased jobs, dead-lettering undecodable ones and ones past `maxAttempts`.
    private func admit(_ entries: [StreamEntry], consumer: String, deliveryCounts: [String: Int])
        async throws -> [LeasedJob]
    {
        var jobs: [LeasedJob] = []
        for entry in entries {
            let deliveries = deliveryCounts[entry.id] ?? 1
            let envelope: JobEnvelope
            do {
                envelope = try JobEnvelope.decode(entry.rawEnvelope)
            } catch {
                try await deadLetter(entry: entry, deliveries: deliveries, reason: error.message)
                continue
            }
            guard envelope.kind == entry.kind else {
                let reason = "envelope of kind '\(envelope.kind)' found on the stream of kind '\(entry.kind)'"
                try await deadLetter(entry: entry, deliveries: deliveries, reason: reason)
                continue
            }
            let job = LeasedJob(
                envelope: envelope, entryID: entry.id, consumer: consumer, deliveryCount: deliveries,
                deliveredAt: RunRecord.now())
            if deliveries > configuration.maxAttempts {
                let last = try await client.send(
                    "HGET", RedisArgument(keys.run(envelope.runID).errors),
                    RedisArgument(envelope.id)
                ).string
                let reason =
                    "abandoned: delivered \(deliveries) times without completing (lease expired)"
                    + (last.map { "; last error: \($0)" } ?? "")
                try await deadLetter(entry: entry, deliveries: deliveries, reason: reason)
                continue
            }
            jobs.append(job)
        }
        await recordAttemptStarts(jobs)
        return jobs
    }

    private func uniqued(_ kinds: [JobKind]) -> [JobKind] {
        var seen: Set<JobKind> = []
        return kinds.filter { seen.insert($0).inserted }
    }

    func unexpected(_ command: String, _ reply: RedisValue) -> JobQueueError {
        JobQueueError(code: .unexpectedReply, message: "unexpected reply to \(command): \(reply)")
    }
}

/// One stream entry as read from Redis, before its envelope is decoded.
struct StreamEntry: Sendable {
    var kind: JobKind
    var id: String
    var jobID: String?
    var runID: String?
    var rawEnvelope: Data

    init(kind: JobKind, value: RedisValue) throws(JobQueueError) {
        guard let pair = value.array, pair.count == 2, let id = pair[0].string, let count = pair[1].array?.count,
            count % 2 == 0
        else {
            throw JobQueueError(code: .unexpectedReply, message: "malformed stream entry: \(value)")
        }
        let fields = pair[1]
        self.kind = kind
        self.id = id
        self.jobID = fields.field("job")?.string
        self.runID = fields.field("run")?.string
        self.rawEnvelope = Data(fields.field("env")?.bytes ?? [])
    }
}
