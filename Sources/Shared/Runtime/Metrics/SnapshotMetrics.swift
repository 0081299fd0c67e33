import CoreMetrics
package import GPLRSupport

/// What the worker's snapshot cache reports through swift-metrics (see docs/operations.md, "Metrics").
package enum SnapshotMetrics {
    package static let descriptions = [
        MetricDescription("gplr_snapshot_downloads_total", help: "Snapshots fetched from Redis."),
        MetricDescription(
            "gplr_snapshot_download_bytes_total", help: "Compressed bytes of the snapshots fetched from Redis."),
        MetricDescription(
            "gplr_snapshot_cache_hits_total", help: "Snapshot graphs served without a download, by tier (memory, disk)."
        ),
        MetricDescription(
            "gplr_snapshot_corrupt_files_total",
            help: "Cached snapshot files that failed verification (fetched again)."),
    ]

    /// Creates every series at 0.
    package static func preinitialize() {
        for tier in ["memory", "disk"] {
            _ = Counter(label: "gplr_snapshot_cache_hits_total", dimensions: [("tier", tier)])
        }
        for name in [
            "gplr_snapshot_downloads_total", "gplr_snapshot_download_bytes_total", "gplr_snapshot_corrupt_files_total",
        ] {
            _ = Counter(label: name)
        }
    }

    /// A graph served without a download: `tier` is `memory` or `disk`.
    static func hit(tier: String) {
        Counter(label: "gplr_snapshot_cache_hits_total", dimensions: [("tier", tier)]).increment()
    }

    /// A snapshot fetched from Redis, with its compressed size.
    static func downloaded(bytes: Int) {
        Counter(label: "gplr_snapshot_downloads_total").increment()
        Counter(label: "gplr_snapshot_download_bytes_total").increment(by: bytes)
    }

    /// A cached snapshot file that failed verification (it is downloaded again).
    static func corruptFile() {
        Counter(label: "gplr_snapshot_corrupt_files_total").increment()
    }
}
