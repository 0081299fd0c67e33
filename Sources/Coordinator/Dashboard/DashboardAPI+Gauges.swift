import CoreMetrics
import GPLRRuntime

extension DashboardAPI {
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
