import Foundation
import GPLRRedis
import GPLRRuntime
import GPLRSupport
import Logging

/// Waits for the results of one step's jobs, woken by the run's completions stream (a worker that stores a
/// result or a dead letter appends to it), while watching for dead letters, cancellation (`gplr cancel` sets the
/// run's phase), the loss of the run (its record gone: Redis came back empty) and the step timeout. Every
/// ``fullCheckInterval`` it also looks at the results themselves, so a result announced nowhere (a trimmed stream,
/// an older worker) is still found.
///
/// A dead-lettered job does not stop the wait: it is reported once (with its error and the `gplr retry`
/// command), and when the operator puts it back its result arrives like any other.
///
/// A paused kind (`gplr queue pause`) is reported once, with the resume command, and the time it stays paused does
/// not count against ``timeout``.
struct JobWaiter: Sendable {
    let queue: JobQueue
    let records: RunRecordStore
    let runID: String
    /// The longest wait on the completions stream before the loop looks around (cancellation, timeout).
    var pollInterval: Duration = .milliseconds(200)
    /// Time between two reads of every pending job's result, whatever the stream said.
    var fullCheckInterval: Duration = .seconds(2)
    /// Longest wait for one step, not counting the time its kind's queue is paused; `nil` = no limit.
    var timeout: Duration?
    /// Problems, such as dead letters, and the step's progress (stderr in the CLI).
    var logger: Logger
    /// Asked every second while waiting: a reason to stop the run now (e.g. the spending cap is reached), or `nil`.
    var stopCheck: (@Sendable () async throws -> DistributedRunError?)?
    /// How the jobs done of each wait are shown (``ProgressMode/current`` in the CLI; off by default, for tests).
    var progressMode: ProgressMode = .off
    /// Whether the run has a record, whose disappearance means Redis lost the run; `false` for job groups without
    /// one (`gplr personas --redis`).
    var runHasRecord = true

    /// Waits until every job in `jobIDs` (all of `kind`) has a result, handing each result to `receive` as it
    /// arrives.
    /// - Parameters:
    ///   - step: names the step in messages, e.g. "label jobs of iteration 3".
    ///   - progressLabel: names the step on the progress line (jobs done of `jobIDs`), e.g. "iteration 3 · label";
    ///     default `step` without a trailing " jobs".
    ///   - fetchBatch: results fetched per round trip (small for large results).
    func wait(
        for jobIDs: [String], kind: JobKind, step: String, progressLabel: String? = nil, fetchBatch: Int = 200,
        receive: (String, Data) throws -> Void
    ) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        var pending = Set(jobIDs)
        var reportedDead: [String: Int64] = [:]
        var lastChecks = start - .seconds(10)
        var lastProgress = (done: -1, at: start)
        var warnedNoWorker = false
        var lastWorkerCheck = start
        // A paused queue: since when (this wait's clock) and the time paused so far, which the timeout leaves out.
        var pausedAt: ContinuousClock.Instant?
        var pausedFor: Duration = .zero
        let total = jobIDs.count
        var progress: ProgressReporter?
        // Ends the progress line before an error (timeout, cancel, bad result) is printed, too.
        defer { progress?.finish() }
        // The stream's end before the first full check: a job finishing in between is announced after it.
        var cursor = try await queue.completionsCursor(run: runID)
        var lastFullCheck: ContinuousClock.Instant?
        var announced: Set<String> = []
        while !pending.isEmpty {
            try Task.checkCancellation()
            var present: [String] = []
            if let last = lastFullCheck, clock.now - last < fullCheckInterval {
                present = try await queue.presentResults(run: runID, among: announced.intersection(pending))
            } else {
                lastFullCheck = clock.now
                present = try await queue.presentResults(run: runID, among: pending)
            }
            for chunk in present.chunked(fetchBatch) {
                let results = try await queue.results(run: runID, jobIDs: chunk)
                for (id, data) in results.sorted(by: { $0.key < $1.key }) {
                    try receive(id, data)
                    pending.remove(id)
                }
            }
            let done = total - pending.count
            if progress == nil {
                // Results there before the wait (a resumed run) do not count in the rate.
                let label = progressLabel ?? (step.hasSuffix(" jobs") ? String(step.dropLast(5)) : step)
                progress = ProgressReporter(
                    label, total: total, unit: .items("jobs"), initial: done, mode: progressMode)
            }
            progress?.update(done)
            if pending.isEmpty { break }
            let now = clock.now
            if done != lastProgress.done { lastProgress = (done, now) }
            if now - lastChecks >= .seconds(1) {
                lastChecks = now
                switch try await records.phase(run: runID) {
                case .cancelled:
                    throw DistributedRunError(
                        .cancelled,
                        "cancelled (`gplr cancel`) while waiting for \(pending.count) of \(total) \(step); stopping",
                        run: runID)
                case nil where runHasRecord:
                    // The record is gone: Redis came back empty, and with it the queue this wait is for.
                    throw RunRecordStore.lost(run: runID)
                default:
                    break
                }
                try await reportDeadLetters(among: pending, reported: &reportedDead)
                if let stop = try await stopCheck?() { throw stop }
                if try await queue.pausedSince(kind: kind) != nil {
                    if pausedAt == nil {
                        pausedAt = now
                        let note =
                            "queue \(kind) paused: workers take none of its jobs until `gplr queue resume \(kind)`; "
                            + "still waiting for \(pending.count) of \(total) \(step)"
                        logger.warning("\(note)")
                    }
                } else if let since = pausedAt {
                    pausedAt = nil
                    pausedFor += now - since
                    lastProgress.at = now
                    logger.info("queue \(kind) resumed; waiting for \(pending.count) of \(total) \(step)")
                }
                // Nothing moved for a while: say so if no worker could take the jobs, instead of waiting silently.
                // At most every 10 s: a long step whose workers are busy reads the registry rarely.
                if !warnedNoWorker, pausedAt == nil, now - lastProgress.at >= .seconds(10),
                    now - lastWorkerCheck >= .seconds(10)
                {
                    lastWorkerCheck = now
                    if try await !hasLiveWorker(taking: kind.rawValue) {
                        warnedNoWorker = true
                        let advice =
                            "no live worker takes \(kind) jobs under the prefix '\(queue.keys.prefix)' on "
                            + "this Redis (no heartbeat in the last 30 s): start `gplr-worker --redis URL --prefix "
                            + "\(queue.keys.prefix)`; still waiting for \(pending.count) of \(total) \(step)"
                        logger.warning("\(advice)")
                    }
                }
            }
            if let timeout, now - start - pausedFor - (pausedAt.map { now - $0 } ?? .zero) > timeout {
                throw DistributedRunError(
                    .timedOut,
                    "timed out after \(timeout) waiting for \(pending.count) of \(total) \(step) (are workers running? "
                        + "see `gplr status \(runID)`); resume with `gplr run --resume \(runID)`",
                    run: runID)
            }
            let (finished, next) = try await queue.waitForCompletions(run: runID, after: cursor, timeout: pollInterval)
            cursor = next
            announced = Set(finished)
        }
    }

    /// Whether some worker with a fresh heartbeat (≤ 30 s) takes jobs of `kind` (every kind when it lists none).
    private func hasLiveWorker(taking kind: String) async throws -> Bool {
        try await queue.workerRegistry.workers().contains { worker in
            !worker.isStale(after: 30) && (worker.kinds.isEmpty || worker.kinds.contains(kind))
        }
    }

    /// The ids among `ids` that need no enqueueing because their result is there already (a resumed coordinator;
    /// a job that ran meanwhile), registered in the run's job set: a coordinator killed between enqueue's `XADD`
    /// and `SADD` leaves such a job unregistered (``JobQueue/register(run:jobIDs:)``).
    func reusableResults(among ids: Set<String>) async throws -> Set<String> {
        let done = Set(try await queue.presentResults(run: runID, among: ids))
        try await queue.register(run: runID, jobIDs: done)
        return done
    }

    /// Logs each new dead letter among `ids` once (again if it is dead-lettered again after a retry).
    private func reportDeadLetters(among ids: Set<String>, reported: inout [String: Int64]) async throws {
        for (id, letter) in try await queue.deadLetters(run: runID, among: ids).sorted(by: { $0.key < $1.key })
        where reported[id] != letter.deadLetteredAt {
            reported[id] = letter.deadLetteredAt
            logger.warning("job \(id) failed: \(letter.error); fix the cause and run `gplr retry \(runID) --failed`")
        }
    }
}
