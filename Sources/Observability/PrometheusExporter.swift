import CoreMetrics
public import Prometheus

/// The process's Prometheus registry, installed as the swift-metrics backend the first time it is asked for.
///
/// Libraries (Shared) only emit through swift-metrics; the executables that serve `/metrics` (`gplr-worker
/// --metrics-port`, `gplr serve`, `gplr demo`) call ``shared`` once and render it per scrape. swift-metrics can
/// be bootstrapped once per process, hence a single lazily created instance.
public struct PrometheusExporter: Sendable {
    /// Buckets of every duration histogram (job and LLM request durations): 5 ms to 10 min.
    public static let durationBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120),
        .seconds(300), .seconds(600),
    ]

    /// The exporter of this process (bootstraps swift-metrics on first use).
    public static let shared = PrometheusExporter()

    public let registry: PrometheusCollectorRegistry

    private init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.durationBuckets
        MetricsSystem.bootstrap(factory)
    }

    /// The Prometheus text exposition (format 0.0.4) of every metric recorded so far.
    public func render() -> [UInt8] {
        registry.emitToBuffer()
    }

    /// The `Content-Type` of ``render()``.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"
}
