import Foundation
import GPLRRuntime
import GPLRSupport
import Logging

/// Logs each job delivery: started (debug), completed (info), failed (warning), unrecorded (error).
struct LoggingMiddleware: JobMiddleware {
    func started(_ job: LeasedJob, logger: Logger) {
        logger.debug("job started")
    }

    func ended(_ job: LeasedJob, _ outcome: JobDeliveryOutcome, duration: Duration?, logger: Logger) {
        let seconds = String(format: "%.3f", duration?.inSeconds ?? 0)
        switch outcome {
        case .succeeded(let stored, let leaseLost):
            logger.info(
                "job completed",
                metadata: ["job.seconds": "\(seconds)", "job.stored": "\(stored)", "job.leaseLost": "\(leaseLost)"])
        case .failed(let message, let retriable, let failure):
            logger.warning(
                "job failed",
                metadata: [
                    "error": "\(message)", "job.retriable": "\(retriable)",
                    "job.outcome": "\(failure == .deadLettered ? "dead-lettered" : "will-retry")",
                ])
        case .unrecorded(let message, let recordingError):
            logger.error(
                "job failed and the failure could not be recorded; it is reclaimed after its lease",
                metadata: ["error": "\(message)", "redis.error": "\(recordingError)"])
        case .skipped(.some):
            logger.info("job skipped: its run was cancelled")
        case .skipped(.none):
            logger.warning("job of a cancelled run could not be set aside; it is reclaimed after its lease")
        case .abandoned:
            logger.warning("job abandoned at shutdown; it is reclaimed after its lease runs out")
        }
    }
}
