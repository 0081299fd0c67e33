import Foundation
import GPLRBuildInfo
import GPLRRedis
import GPLRRuntime
import Hummingbird
import Logging
import Observability

/// `--metrics-port`: serves `GET /metrics` (Prometheus) and `GET /healthz` next to the worker, as one more
/// service in the worker's `ServiceGroup`. A scrape first refreshes the queue gauges of every job kind (stream
/// length, pending, consumer lag: a few pipelined reads) and the in-progress gauge.
enum WorkerMetricsServer {
    static func application(
        host: String, port: Int, worker: WorkerService, logger: Logger
    ) -> some ApplicationProtocol {
        let exporter = PrometheusExporter.bootstrap(
            describing: WorkerMetrics.all, version: BuildInfo.version, commit: BuildInfo.commit)
        // A connection of its own: the worker's control connection may be busy storing a large result (a Ψ shard
        // is tens of megabytes), and a scrape must not wait behind it.
        let configuration = worker.configuration
        let gauges = QueueGauges(
            queue: JobQueue(
                client: RedisClient(endpoint: configuration.endpoint), keys: configuration.keys,
                configuration: configuration.queueConfiguration))
        let router = Router()
        // On a loopback address the endpoint is for this machine only: refuse other Host names, so a web page
        // whose name is made to resolve to 127.0.0.1 cannot read it (DNS rebinding). Listening on another address
        // is for a remote Prometheus, which may scrape by any name it knows the worker by; the network is the
        // boundary there (docs/operations.md).
        if isLoopback(host) {
            router.add(
                middleware: HostGuardMiddleware(
                    HostGuard(
                        boundHost: host, server: "this worker's metrics endpoint",
                        advice: "scrape it as localhost or 127.0.0.1, or listen on another --metrics-host")))
        }
        router.addMetricsRoute(exporter: exporter) {
            WorkerMetrics.inProgress(worker.state.runningJobs)
            do {
                try await gauges.refresh()
            } catch {
                logger.warning("cannot read the queue gauges from Redis", metadata: ["error": "\(error)"])
            }
        }
        router.addHealthRoute { worker.state.isStopping ? "stopping" : nil }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "gplr-worker"),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                logger.info(
                    "metrics endpoint listening",
                    metadata: ["metrics.port": "\(bound)", "metrics.url": "http://\(host):\(bound)/metrics"])
            },
            logger: Logger(label: "gplr.worker.metrics", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// Whether `host` names a loopback address (`localhost`, `127.x.x.x`, `::1`).
    static func isLoopback(_ host: String) -> Bool {
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return name == "localhost" || name == "::1" || name.hasPrefix("127.")
    }
}
