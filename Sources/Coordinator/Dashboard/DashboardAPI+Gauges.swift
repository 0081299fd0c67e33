import CoreMetrics
import GPLRLLM
import GPLRRuntime
import GPLRSupport

extension DashboardAPI {
    /// What `gplr serve`'s `/metrics` reports besides `gplr_build_info`: the queue and worker gauges. The LLM and
    /// snapshot descriptions are there for what `gplr demo` may emit in the same process (a description of a
    /// metric never recorded shows nothing).
    static let metricDescriptions =
        QueueGauges.descriptions + LLMMetrics.descriptions + SnapshotMetrics.descriptions + [
            MetricDescription(
                "gplr_workers",
                help: "Workers with a heartbeat record, by state (alive, or stale: no heartbeat for over 10 s).")
        ]

    /// Sets the gauges `gplr serve`'s `/metrics` adds to a scrape: every kind's queue (length, pending, lag,
    /// consumers: ``QueueGauges``) and `gplr_workers{state="alive"|"stale"}` from the heartbeat records (stale:
    /// older than ``staleAfterSeconds``).
    func refreshGauges() async throws {
        try await QueueGauges(queue: collector.queue).refresh()
        let workers = try await collector.workers(now: RunRecord.now())
        let stale = workers.filter { ($0.heartbeatAgeSeconds ?? .infinity) > Self.staleAfterSeconds }.count
        Gauge(label: "gplr_workers", dimensions: [("state", "alive")]).record(workers.count - stale)
        Gauge(label: "gplr_workers", dimensions: [("state", "stale")]).record(stale)
    }
}
