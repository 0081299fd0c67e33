import CoreMetrics
package import GPLRSupport

/// Publishes each job kind's stream state as gauges — `gplr_queue_length`, `gplr_queue_pending`,
/// `gplr_queue_lag` (entries not yet delivered to the consumer group) and `gplr_queue_consumers`, labelled
/// by `kind` — so a Prometheus scrape of any worker or of `gplr serve` shows queue depth and consumer lag.
public struct QueueGauges: Sendable {
    public let queue: JobQueue

    package static let descriptions = [
        MetricDescription(
            "gplr_queue_length",
            help: "Entries in the job kind's stream (queued and delivered-unacknowledged), at scrape time."),
        MetricDescription("gplr_queue_pending", help: "Entries of the job kind delivered and not acknowledged."),
        MetricDescription(
            "gplr_queue_lag",
            help: "Entries of the job kind not yet delivered to the consumer group (what KEDA scales on)."),
        MetricDescription("gplr_queue_consumers", help: "Consumers known to the job kind's consumer group."),
    ]

    public init(queue: JobQueue) {
        self.queue = queue
    }

    /// Reads the streams of `kinds` (one pipelined round trip each) and sets the gauges.
    public func refresh(kinds: [JobKind] = JobRegistry.kinds) async throws {
        for kind in kinds {
            let stats = try await queue.streamStats(kind: kind)
            let dimensions = [("kind", kind.rawValue)]
            Gauge(label: "gplr_queue_length", dimensions: dimensions).record(stats.length)
            Gauge(label: "gplr_queue_pending", dimensions: dimensions).record(stats.pending)
            // Redis cannot always tell the lag after deletions; the undelivered part of the stream bounds it.
            Gauge(label: "gplr_queue_lag", dimensions: dimensions).record(
                stats.lag ?? max(0, stats.length - stats.pending))
            Gauge(label: "gplr_queue_consumers", dimensions: dimensions).record(stats.consumers)
        }
    }
}
