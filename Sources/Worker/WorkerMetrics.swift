import CoreMetrics
import GPLRRuntime
import GPLRSupport
import Logging

/// The job counters and histograms a worker reports through swift-metrics (served on `--metrics-port`; names
/// and meaning in docs/operations.md, "Metrics"). Every metric is labelled by job `kind`.
struct MetricsMiddleware: JobMiddleware {
    func started(_ job: LeasedJob, logger: Logger) {
        Counter(label: "gplr_jobs_started_total", dimensions: [("kind", job.kind.rawValue)]).increment()
    }

    func ended(_ job: LeasedJob, _ outcome: JobDeliveryOutcome, duration: Duration?, logger: Logger) {
        let kind = [("kind", job.kind.rawValue)]
        func failed(deadLettered: Bool, retried: Bool) {
            Counter(label: "gplr_jobs_failed_total", dimensions: kind).increment()
            if retried { Counter(label: "gplr_jobs_retried_total", dimensions: kind).increment() }
            if deadLettered { Counter(label: "gplr_jobs_dead_lettered_total", dimensions: kind).increment() }
        }
        switch outcome {
        case .succeeded(let stored, _):
            Counter(label: "gplr_jobs_succeeded_total", dimensions: kind).increment()
            if !stored { Counter(label: "gplr_jobs_duplicate_results_total", dimensions: kind).increment() }
        case .failed(_, _, let failure):
            failed(deadLettered: failure == .deadLettered, retried: failure == .willRetry)
        case .unrecorded:
            failed(deadLettered: false, retried: false)
        case .skipped(let failure):
            if failure == .deadLettered { failed(deadLettered: true, retried: false) }
            return  // never ran: no duration
        case .abandoned:
            return
        }
        if let duration {
            let result: String = if case .succeeded = outcome { "succeeded" } else { "failed" }
            Timer(label: "gplr_job_duration_seconds", dimensions: kind + [("outcome", result)])
                .recordNanoseconds(duration.nanoseconds)
        }
    }
}

/// The worker's metrics that are not about one delivery.
enum WorkerMetrics {
    /// A job taken over after its lease expired (its worker died or stalled); retries of failed jobs are not
    /// counted here but in `gplr_jobs_retried_total`, when they fail.
    static func reclaimed(_ job: LeasedJob) {
        Counter(label: "gplr_jobs_reclaimed_total", dimensions: [("kind", job.kind.rawValue)]).increment()
    }

    /// Jobs held by this worker right now.
    static func inProgress(_ count: Int) {
        Gauge(label: "gplr_jobs_in_progress").record(count)
    }
}
