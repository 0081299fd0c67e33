public import Foundation
import GPLRRedis
import GPLRSupport

/// What ``JobQueue/fail(_:error:retriable:)`` did with the job.
public enum JobFailureOutcome: Sendable, Hashable {
    /// The error was recorded; the job will be delivered again after the retry delay.
    case willRetry
    /// The job went to its run's dead letters (not retriable, or `maxAttempts` deliveries used up).
    case deadLettered
}

extension JobQueue {
    /// Resets the lease of a job this consumer still holds, so it is not reclaimed while it runs.
    ///
    /// - Returns: `false` if the lease was lost (the job was reclaimed by another worker or already
    ///   acknowledged): the caller should stop working on it.
    @discardableResult
    public func extendLease(_ job: LeasedJob) async throws -> Bool {
        try await touchLease(job, idle: .zero)
    }

    /// Stores the job's result and acknowledges it. The result is stored under the job id only if none
    /// exists yet, so a job that ran twice is stored (and reduced) once; if Redis refuses the result, the job is
    /// not acknowledged (``complete(_:)``).
    ///
    /// - Returns: `true` if this call stored the result, `false` if the job already had one.
    @discardableResult
    public func complete(_ job: LeasedJob, result: Data) async throws -> Bool {
        try await complete([(job, result)])[0]
    }

    /// Completes many jobs in two pipelined round trips: first every result is stored (first result wins), one
    /// script call per run and ``JobQueueScripts/batchLimit`` jobs, which also announces its stored jobs in one
    /// completions entry and ends their attempts (``JobQueueScripts/storeResults``); then, only if every store
    /// succeeded, the jobs are acknowledged, one script call per stream and `batchLimit` entries (another hash
    /// tag, so another script). A crash in between redelivers the jobs, whose
    /// second results are then ignored. A store Redis refuses (out of memory under `noeviction`, an ACL without the
    /// results key) throws and acknowledges nothing, so the jobs stay pending and run again: in one pipeline the
    /// acknowledgements would go through where the stores did not (`XACK` and `XDEL` are allowed out of memory),
    /// and the jobs would be gone with no result.
    ///
    /// - Returns: for each job, whether this call stored its result.
    @discardableResult
    public func complete(_ completions: [(job: LeasedJob, result: Data)]) async throws -> [Bool] {
        guard !completions.isEmpty else { return [] }
        // Runs and streams in first-seen order, so the replies map back to the jobs.
        var byRun: [(runID: String, indices: [Int])] = []
        var runSlot: [String: Int] = [:]
        var byStream: [(kind: JobKind, entries: [String])] = []
        var streamSlot: [JobKind: Int] = [:]
        for (index, completion) in completions.enumerated() {
            let job = completion.job
            if let slot = runSlot[job.runID] {
                byRun[slot].indices.append(index)
            } else {
                runSlot[job.runID] = byRun.count
                byRun.append((job.runID, [index]))
            }
            if let slot = streamSlot[job.kind] {
                byStream[slot].entries.append(job.entryID)
            } else {
                streamSlot[job.kind] = byStream.count
                byStream.append((job.kind, [job.entryID]))
            }
        }
        // Pipelined EVALSHA cannot fall back on NOSCRIPT: load both scripts first, in the first round trip
        // (`SCRIPT LOAD` is idempotent, and the worker ACL allows it where it does not allow `SCRIPT EXISTS`).
        let scripts = [JobQueueScripts.storeResults, JobQueueScripts.acknowledgeMany]
        var stores: [[RedisArgument]] = scripts.map { ["SCRIPT", "LOAD", RedisArgument($0.source)] }
        let now = RunRecord.now()
        // One script call per run and ``JobQueueScripts/batchLimit`` jobs.
        let chunks = byRun.flatMap { runID, indices in
            indices.chunked(JobQueueScripts.batchLimit).map { (runID: runID, indices: $0) }
        }
        for (runID, indices) in chunks {
            let run = keys.run(runID)
            var command: [RedisArgument] = [
                "EVALSHA", RedisArgument(JobQueueScripts.storeResults.sha1), 4, RedisArgument(run.results),
                RedisArgument(run.errors), RedisArgument(run.deadLetters), RedisArgument(run.counters),
                RedisArgument(run.completions), RedisArgument(run.attempts), RedisArgument(Self.attemptsKept),
                RedisArgument(now),
            ]
            for index in indices {
                let job = completions[index].job
                command += [
                    RedisArgument(job.id), RedisArgument(completions[index].result),
                    RedisArgument(JobAttempt(running: job).openingJSON),
                ]
            }
            stores.append(command)
        }
        let storeReplies = try await client.pipeline(stores)
        for reply in storeReplies { _ = try reply.throwingServerError(context: "EVALSHA") }
        var acknowledgements: [[RedisArgument]] = []
        for (kind, entries) in byStream {
            for batch in entries.chunked(JobQueueScripts.batchLimit) {
                acknowledgements.append(
                    [
                        "EVALSHA", RedisArgument(JobQueueScripts.acknowledgeMany.sha1), 1,
                        RedisArgument(keys.jobStream(kind)), RedisArgument(configuration.group),
                    ] + batch.map { RedisArgument($0) })
            }
        }
        for reply in try await client.pipeline(acknowledgements) {
            _ = try reply.throwingServerError(context: "EVALSHA")
        }
        var stored = [Bool](repeating: false, count: completions.count)
        for ((_, indices), reply) in zip(chunks, storeReplies.dropFirst(scripts.count)) {
            for (index, flag) in zip(indices, reply.array ?? []) { stored[index] = flag.int == 1 }
        }
        return stored
    }

    /// Records a failed attempt. A retriable failure leaves the job pending so that it is delivered again
    /// (to any worker) after ``JobQueueConfiguration/retryDelay``; a non-retriable one, or one on the
    /// `maxAttempts`-th delivery, dead-letters the job with `error` as its last error.
    @discardableResult
    ///
    /// - Parameter maxAttempts: the job kind's own bound (``JobRetryPolicy/maxAttempts``); `nil` for the
    ///   queue's.
    public func fail(_ job: LeasedJob, error: String, retriable: Bool = true, maxAttempts: Int? = nil) async throws
        -> JobFailureOutcome
    {
        if !retriable || job.deliveryCount >= (maxAttempts ?? configuration.maxAttempts) {
            let reason = retriable ? "failed \(job.deliveryCount) times; last error: \(error)" : error
            try await deadLetter(
                entry: StreamEntry(job: job), deliveries: job.deliveryCount, reason: reason)
            await recordAttemptEnd(job, outcome: "dead_lettered")
            return .deadLettered
        }
        let run = keys.run(job.runID)
        try await client.evaluate(
            JobQueueScripts.recordFailure, keys: [RedisArgument(run.errors), RedisArgument(run.counters)],
            arguments: [RedisArgument(job.id), RedisArgument(error)])
        // Make the entry look idle for (lease - retryDelay), so XAUTOCLAIM takes it after retryDelay.
        let idle = max(.zero, configuration.leaseDuration - configuration.retryDelay)
        _ = try await touchLease(job, idle: idle)
        await recordAttemptEnd(job, outcome: "failed")
        return .willRetry
    }

    /// Records a failure given as an `Error` (its readable description, ``ErrorText``, becomes the last error).
    @discardableResult
    public func fail(_ job: LeasedJob, error: any Error, retriable: Bool = true) async throws -> JobFailureOutcome {
        try await fail(job, error: ErrorText.describe(error), retriable: retriable)
    }

    /// Moves an entry to its run's dead letters (unless the job already has a result) and acknowledges it.
    func deadLetter(entry: StreamEntry, deliveries: Int, reason: String) async throws {
        let record = DeadLetter(
            jobID: entry.jobID ?? entry.id, runID: entry.runID ?? "", kind: entry.kind, error: reason,
            deliveries: deliveries, rawEnvelope: entry.rawEnvelope,
            deadLetteredAt: Int64(Date().timeIntervalSince1970 * 1000))
        let encoded = try JSONEncoder().encode(record)
        if let runID = entry.runID, !runID.isEmpty, let jobID = entry.jobID, !jobID.isEmpty {
            let run = keys.run(runID)
            try await client.evaluate(
                JobQueueScripts.deadLetter,
                keys: [
                    RedisArgument(run.results), RedisArgument(run.deadLetters), RedisArgument(run.errors),
                    RedisArgument(run.counters),
                ],
                arguments: [
                    RedisArgument(jobID), RedisArgument(encoded), RedisArgument(reason), RedisArgument(run.completions),
                ])
        } else {
            try await client.send(
                "HSET", RedisArgument(keys.unroutableDeadLetters), RedisArgument(entry.id),
                RedisArgument(encoded))
        }
        try await acknowledge(kind: entry.kind, entryID: entry.id)
    }

    func acknowledge(kind: JobKind, entryID: String) async throws {
        try await client.evaluate(
            JobQueueScripts.acknowledge, keys: [RedisArgument(keys.jobStream(kind))],
            arguments: [RedisArgument(configuration.group), RedisArgument(entryID)])
    }

    private func touchLease(_ job: LeasedJob, idle: Duration) async throws -> Bool {
        let reply = try await client.evaluate(
            JobQueueScripts.touchLease, keys: [RedisArgument(keys.jobStream(job.kind))],
            arguments: [
                RedisArgument(configuration.group), RedisArgument(job.consumer), RedisArgument(job.entryID),
                RedisArgument(idle.milliseconds),
            ])
        return reply.int == 1
    }
}

extension StreamEntry {
    init(job: LeasedJob) {
        self.kind = job.kind
        self.id = job.entryID
        self.jobID = job.id
        self.runID = job.runID
        self.rawEnvelope = (try? job.envelope.encoded()) ?? Data()
    }
}
