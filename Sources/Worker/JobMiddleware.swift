import GPLRRuntime
import Logging

/// How one delivery of a job ended, as the worker's middleware sees it.
enum JobDeliveryOutcome: Sendable {
    /// The result was stored (`stored` false: another delivery had stored one first) and the job acknowledged.
    case succeeded(stored: Bool, leaseLost: Bool)
    /// The job failed and the failure was recorded: it will be retried or is in the dead letters.
    case failed(message: String, retriable: Bool, outcome: JobFailureOutcome)
    /// The job failed and the failure could not be recorded: the lease runs out and another worker retries it.
    case unrecorded(message: String, recordingError: String)
    /// Not run: its run was cancelled, so it went to the dead letters at once (`nil`: that could not be recorded).
    case skipped(JobFailureOutcome?)
    /// Stopped at shutdown; reclaimed after its lease.
    case abandoned
}

/// Something wrapped around every job delivery a worker runs, as swift-jobs' middleware: told when a job starts
/// (not for skipped ones) and how it ended. Metrics and logging are middleware (``MetricsMiddleware``,
/// ``LoggingMiddleware``); the job code knows neither.
protocol JobMiddleware: Sendable {
    func started(_ job: LeasedJob, logger: Logger)
    /// `duration`: from the start of the delivery (`nil` for a job skipped without running).
    func ended(_ job: LeasedJob, _ outcome: JobDeliveryOutcome, duration: Duration?, logger: Logger)
}
