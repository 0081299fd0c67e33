import CoreMetrics
package import GPLRSupport
public import Prometheus
import Synchronization

/// The process's Prometheus registry, installed as the swift-metrics backend by ``bootstrap(describing:version:commit:)``.
///
/// Libraries (Shared) only emit through swift-metrics; the executables that serve `/metrics` (`gplr-worker
/// --metrics-port`, `gplr serve`, `gplr demo`) bootstrap it once, with the descriptions of every metric they may
/// emit, and render it per scrape. swift-metrics can be bootstrapped once per process, hence a single instance.
public struct PrometheusExporter: Sendable {
    /// Buckets of every duration histogram (job and LLM request durations): 5 ms to 10 min.
    public static let durationBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120),
        .seconds(300), .seconds(600),
    ]

    /// `gplr_build_info`, the one metric this module emits itself.
    package static let buildInfo = MetricDescription(
        "gplr_build_info", help: "Always 1; the labels name the gplr version and git commit of this binary.")

    private static let installed = Mutex<PrometheusExporter?>(nil)

    public let registry: PrometheusCollectorRegistry

    /// The exporter of this process: the first call bootstraps swift-metrics with help texts from `descriptions`
    /// and sets `gplr_build_info{version, commit}` to 1; later calls return that exporter unchanged.
    package static func bootstrap(describing descriptions: [MetricDescription], version: String, commit: String)
        -> PrometheusExporter
    {
        installed.withLock { installed in
            if let installed { return installed }
            let exporter = PrometheusExporter(descriptions: descriptions + [buildInfo])
            Gauge(label: buildInfo.name, dimensions: [("version", version), ("commit", commit)]).record(1)
            installed = exporter
            return exporter
        }
    }

    private init(descriptions: [MetricDescription]) {
        registry = PrometheusCollectorRegistry()
        let help = Dictionary(descriptions.map { ($0.name, $0.help) }, uniquingKeysWith: { first, _ in first })
        MetricsSystem.bootstrap(
            DescribedMetricsFactory(
                registry: registry, help: help, durationBuckets: Self.durationBuckets,
                valueBuckets: [1, 10, 100, 1_000, 10_000, 100_000]))
    }

    /// The Prometheus text exposition (format 0.0.4) of every metric recorded so far.
    public func render() -> [UInt8] {
        registry.emitToBuffer()
    }

    /// The `Content-Type` of ``render()``.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"
}
