import CoreMetrics

/// What the worker's snapshot cache reports through swift-metrics (see docs/operations.md, "Metrics").
enum SnapshotMetrics {
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
