import CoreMetrics
import GPLRLLM
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

/// The worker's metrics that are not about one delivery, and the descriptions of all of them.
enum WorkerMetrics {
    static let descriptions = [
        MetricDescription(
            "gplr_jobs_started_total",
            help: "Deliveries this worker began to run, by job kind (skipped jobs of cancelled runs excluded)."),
        MetricDescription(
            "gplr_jobs_succeeded_total",
            help: "Deliveries whose result was stored (or duplicated a stored one), by job kind."),
        MetricDescription(
            "gplr_jobs_duplicate_results_total",
            help: "Successful deliveries whose job already had a result (the first one is kept), by job kind."),
        MetricDescription(
            "gplr_jobs_failed_total",
            help: "Failed deliveries (to be retried, dead-lettered or not recordable), by job kind."),
        MetricDescription(
            "gplr_jobs_retried_total", help: "Failed deliveries that a later delivery will retry, by job kind."),
        MetricDescription(
            "gplr_jobs_dead_lettered_total",
            help: "Jobs this worker put in the dead letters (run cancelled included), by job kind."),
        MetricDescription(
            "gplr_jobs_reclaimed_total",
            help: "Jobs taken over after their lease expired (their worker died or stalled), by job kind."),
        MetricDescription(
            "gplr_job_duration_seconds",
            help: "Time from the start of a delivery to its result or failure, by job kind and outcome."),
        MetricDescription("gplr_jobs_in_progress", help: "Jobs holding a slot of this worker, at scrape time."),
    ]

    /// The job counters whose every `kind` series exists from the start, at 0 (so that `increase()` sees the
    /// first event of each).
    static let kindCounters = [
        "gplr_jobs_started_total", "gplr_jobs_succeeded_total", "gplr_jobs_duplicate_results_total",
        "gplr_jobs_failed_total", "gplr_jobs_retried_total", "gplr_jobs_dead_lettered_total",
        "gplr_jobs_reclaimed_total",
    ]

    /// Every metric a worker reports: its own, the queue gauges, the LLM client's and the snapshot cache's.
    static let all = descriptions + QueueGauges.descriptions + LLMMetrics.descriptions + SnapshotMetrics.descriptions

    /// Creates the counters of the kinds this worker takes, and those of the LLM client and snapshot cache, at 0.
    static func preinitialize(kinds: [JobKind]) {
        for name in kindCounters {
            for kind in kinds { _ = Counter(label: name, dimensions: [("kind", kind.rawValue)]) }
        }
        inProgress(0)
        LLMMetrics.preinitialize()
        SnapshotMetrics.preinitialize()
    }

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
