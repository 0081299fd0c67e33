import Foundation
import GPLRCore
import GPLRRedis
import GPLRRuntime
import GPLRSupport
import Logging

extension WorkerService {
    /// Runs one held job to its end: result stored and acknowledged, or the failure recorded (retried or
    /// dead-lettered). Never throws: a failing job must not take the worker down.
    func process(_ job: LeasedJob) async {
        var logger = logger
        logger[metadataKey: "job.id"] = "\(job.id)"
        logger[metadataKey: "job.kind"] = "\(job.kind)"
        logger[metadataKey: "run.id"] = "\(job.runID)"
        logger[metadataKey: "job.deliveries"] = "\(job.deliveryCount)"
        logger.debug("job started")
        let started = ContinuousClock.now
        if await runWasCancelled(job, logger: logger) { return }
        WorkerMetrics.started(job)
        let definition = JobRegistry.definition(for: job.kind)
        let policy = definition?.retryPolicy ?? .standard
        do {
            guard let definition else {
                throw JobExecutionError(.unsupportedKind, "this worker does not run jobs of kind '\(job.kind)'")
            }
            let result = try await execute(job, as: definition)
            if let delay = configuration.debugJobDelay { try await Task.sleep(for: delay) }
            let stored = try await queue.complete(job, result: result)
            state.countDone()
            WorkerMetrics.finished(job, .succeeded, duplicate: !stored, duration: ContinuousClock.now - started)
            let leaseLost = state.release(job)
            logger.info(
                "job completed",
                metadata: ["job.seconds": "\(seconds(since: started))", "job.stored": "\(stored)",
                           "job.leaseLost": "\(leaseLost)"])
        } catch is CancellationError {
            state.release(job)
            logger.warning("job abandoned at shutdown; it is reclaimed after its lease runs out")
        } catch {
            state.countFailed()
            let (message, retriable) = Self.describe(error, policy: policy)
            do {
                let outcome = try await queue.fail(
                    job, error: message, retriable: retriable, maxAttempts: policy.maxAttempts)
                WorkerMetrics.finished(
                    job, outcome == .deadLettered ? .deadLettered : .retried, duration: ContinuousClock.now - started)
                logger.warning(
                    "job failed",
                    metadata: ["error": "\(message)", "job.retriable": "\(retriable)",
                               "job.outcome": "\(outcome == .deadLettered ? "dead-lettered" : "will-retry")"])
            } catch let recording {
                WorkerMetrics.finished(job, .unrecorded, duration: ContinuousClock.now - started)
                logger.error(
                    "job failed and the failure could not be recorded; it is reclaimed after its lease",
                    metadata: ["error": "\(message)", "redis.error": "\(recording)"])
            }
            state.release(job)
        }
    }

    /// Whether the job's run is cancelled, in which case the job is dead-lettered (non-retriable, "run
    /// cancelled") without running: `gplr status` shows it as not done, and `gplr retry` or a `--resume` can still
    /// bring it back. When the phase cannot be read the job runs (a cancelled run ignores its results anyway).
    func runWasCancelled(_ job: LeasedJob, logger: Logger) async -> Bool {
        do {
            guard try await runPhases.phase(run: job.runID) == .cancelled else { return false }
        } catch {
            logger.debug("cannot read the run's phase; running the job", metadata: ["error": "\(error)"])
            return false
        }
        do {
            try await queue.fail(job, error: Self.runCancelledReason, retriable: false)
            WorkerMetrics.finished(job, .deadLettered, duration: nil)
            logger.info("job skipped: its run was cancelled")
        } catch {
            logger.warning(
                "job of a cancelled run could not be set aside; it is reclaimed after its lease",
                metadata: ["redis.error": "\(error)"])
        }
        state.release(job)
        return true
    }

    /// The dead-letter reason of a job skipped because its run was cancelled.
    static let runCancelledReason = "run cancelled"

    /// The error text stored with the job, and whether another delivery may succeed (the kind's retry policy
    /// asks the error; an error of no known type is not retried).
    static func describe(_ error: any Error, policy: JobRetryPolicy) -> (message: String, retriable: Bool) {
        let message = (error as? JobExecutionError)?.description ?? ErrorText.describe(error)
        return (message, policy.isRetriable(error))
    }

    /// Runs the job through its kind's definition (``JobRegistry``).
    func execute(_ job: LeasedJob, as definition: any JobDefinition.Type) async throws -> Data {
        try await definition.run(payload: job.envelope.payload, in: context)
    }

    private func seconds(since start: ContinuousClock.Instant) -> String {
        String(format: "%.3f", (ContinuousClock.now - start).inSeconds)
    }
}

