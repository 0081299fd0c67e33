import CoreMetrics
import GPLRRuntime
import GPLRSupport

/// The job counters and histograms a worker reports through swift-metrics (served on `--metrics-port`; names
/// and meaning in docs/operations.md, "Metrics"). Every metric is labelled by job `kind`.
enum WorkerMetrics {
    /// How one delivery of a job ended.
    enum Outcome {
        /// Result stored (or a duplicate of a stored one).
        case succeeded
        /// Failed; another delivery will try again.
        case retried
        /// Failed for good (or skipped because its run was cancelled); in the dead letters.
        case deadLettered
        /// Failed, and the failure could not be recorded: the lease runs out and another worker retries it.
        case unrecorded
    }

    static func started(_ job: LeasedJob) {
        Counter(label: "gplr_jobs_started_total", dimensions: [("kind", job.kind.rawValue)]).increment()
    }

    /// A job taken over after its lease expired (its worker died or stalled); retries of failed jobs are not
    /// counted here but in `gplr_jobs_retried_total`, when they fail.
    static func reclaimed(_ job: LeasedJob) {
        Counter(label: "gplr_jobs_reclaimed_total", dimensions: [("kind", job.kind.rawValue)]).increment()
    }

    /// Counts the outcome and records the delivery's duration (`nil` for jobs skipped without running).
    static func finished(_ job: LeasedJob, _ outcome: Outcome, duplicate: Bool = false, duration: Duration?) {
        let kind = [("kind", job.kind.rawValue)]
        switch outcome {
        case .succeeded:
            Counter(label: "gplr_jobs_succeeded_total", dimensions: kind).increment()
            if duplicate { Counter(label: "gplr_jobs_duplicate_results_total", dimensions: kind).increment() }
        case .retried, .deadLettered, .unrecorded:
            Counter(label: "gplr_jobs_failed_total", dimensions: kind).increment()
            if outcome == .retried { Counter(label: "gplr_jobs_retried_total", dimensions: kind).increment() }
            if outcome == .deadLettered {
                Counter(label: "gplr_jobs_dead_lettered_total", dimensions: kind).increment()
            }
        }
        if let duration {
            let result = outcome == .succeeded ? "succeeded" : "failed"
            Timer(label: "gplr_job_duration_seconds", dimensions: kind + [("outcome", result)])
                .recordNanoseconds(duration.nanoseconds)
        }
    }

    /// Jobs held by this worker right now.
    static func inProgress(_ count: Int) {
        Gauge(label: "gplr_jobs_in_progress").record(count)
    }
}
