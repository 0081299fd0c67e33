import Foundation
import GPLRCore
import GPLRRedis
import GPLRRuntime
import GPLRSupport
import Logging

extension WorkerService {
    /// Runs one held job to its end: result stored and acknowledged, or the failure recorded (retried or
    /// dead-lettered), each step told to the ``middleware``. Never throws: a failing job must not take the worker
    /// down.
    func process(_ job: LeasedJob) async {
        var logger = logger
        logger[metadataKey: "job.id"] = "\(job.id)"
        logger[metadataKey: "job.kind"] = "\(job.kind)"
        logger[metadataKey: "run.id"] = "\(job.runID)"
        logger[metadataKey: "job.deliveries"] = "\(job.deliveryCount)"
        let started = clock.now
        let outcome: JobDeliveryOutcome
        if let skipped = await skipIfRunCancelled(job, logger: logger) {
            outcome = skipped
        } else {
            for middleware in middleware { middleware.started(job, logger: logger) }
            outcome = await run(job)
        }
        switch outcome {
        case .succeeded: state.countDone()
        case .failed, .unrecorded: state.countFailed()
        case .skipped, .abandoned: break
        }
        state.release(job)
        let duration: Duration? = if case .skipped = outcome { nil } else { clock.now - started }
        for middleware in middleware { middleware.ended(job, outcome, duration: duration, logger: logger) }
    }

    /// Runs the job through its kind's definition and stores the result, or records the failure.
    private func run(_ job: LeasedJob) async -> JobDeliveryOutcome {
        let definition = JobRegistry.definition(for: job.kind)
        let policy = definition?.retryPolicy ?? .standard
        do {
            guard let definition else {
                throw JobExecutionError(.unsupportedKind, "this worker does not run jobs of kind '\(job.kind)'")
            }
            let result = try await JobRunContext.$runID.withValue(job.envelope.runID) {
                try await definition.run(payload: job.envelope.payload, in: context)
            }
            if let delay = configuration.debugJobDelay { try await clock.sleep(for: delay) }
            if let hold = configuration.debugJobHoldFile {
                while !FileManager.default.fileExists(atPath: hold) { try await clock.sleep(for: .milliseconds(20)) }
            }
            state.settle(job)
            let stored = try await queue.complete(job, result: result)
            return .succeeded(stored: stored, leaseLost: state.leaseLost(job))
        } catch is CancellationError {
            return .abandoned
        } catch {
            let (message, retriable) = Self.describe(error, policy: policy)
            state.settle(job)
            do {
                let failure = try await queue.fail(
                    job, error: message, retriable: retriable, maxAttempts: policy.maxAttempts)
                return .failed(message: message, retriable: retriable, outcome: failure)
            } catch let recording {
                return .unrecorded(message: message, recordingError: "\(recording)")
            }
        }
    }

    /// When the job's run is cancelled, the job is dead-lettered (non-retriable, "run cancelled") without
    /// running: `gplr status` shows it as not done, and `gplr retry` or a `--resume` can still bring it back.
    /// `nil` (run it) otherwise, and when the phase cannot be read (a cancelled run ignores its results anyway).
    func skipIfRunCancelled(_ job: LeasedJob, logger: Logger) async -> JobDeliveryOutcome? {
        do {
            guard try await runPhases.phase(run: job.runID) == .cancelled else { return nil }
        } catch {
            logger.debug("cannot read the run's phase; running the job", metadata: ["error": "\(error)"])
            return nil
        }
        do {
            return .skipped(try await queue.fail(job, error: Self.runCancelledReason, retriable: false))
        } catch {
            return .skipped(nil)
        }
    }

    /// The dead-letter reason of a job skipped because its run was cancelled.
    static let runCancelledReason = "run cancelled"

    /// The error text stored with the job, and whether another delivery may succeed (the kind's retry policy
    /// asks the error; an error of no known type is not retried).
    static func describe(_ error: any Error, policy: JobRetryPolicy) -> (message: String, retriable: Bool) {
        let message = (error as? JobExecutionError)?.description ?? ErrorText.describe(error)
        return (message, policy.isRetriable(error))
    }

}
