import GPLRBuildInfo
import GPLRRedis
import GPLRSupport
import Hummingbird
import Logging
import Observability

/// The live dashboard over one gplr Redis (and key prefix): the page at `/`, the JSON API under `/api`,
/// `/healthz`, `/metrics` (Prometheus). `gplr serve` runs it as a service; `gplr demo` runs it beside its run.
struct DashboardServer: Sendable {
    let api: DashboardAPI
    var host = "127.0.0.1"
    /// 0 picks a free port.
    var port = 8080
    /// Names besides `host`, `localhost` and IP literals that requests may give as `Host` (`--allowed-host`).
    var allowedHosts: [String] = []
    var logger = Logger(label: "gplr.dashboard", factory: { _ in SwiftLogNoOpLogHandler() })

    /// `sampleInterval`: how often each running run's counts are added to its history (``DashboardSampler``).
    init(client: RedisClient, keys: RedisKeys, sampleInterval: Duration = .seconds(5)) {
        api = DashboardAPI(client: client, keys: keys, sampleInterval: sampleInterval)
    }

    /// The service that samples running runs into their histories while the dashboard serves.
    var sampler: DashboardSampler { DashboardSampler(api: api, logger: logger) }

    /// Every route: the dashboard's, and `/metrics` (the process's Prometheus registry, with the queue and
    /// worker gauges read from Redis at each scrape). All of them, and unknown paths, behind the `Host` check of
    /// ``HostGuard``.
    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(
            middleware: HostGuardMiddleware(
                HostGuard(
                    boundHost: host, allowedHosts: allowedHosts, server: "this dashboard",
                    advice: "start gplr serve with --allowed-host NAME if a proxy serves it under that name")))
        DashboardRoutes.add(to: router, api: api)
        let api = api, logger = logger
        let exporter = PrometheusExporter.bootstrap(
            describing: DashboardAPI.metricDescriptions, version: BuildInfo.version, commit: BuildInfo.commit)
        router.addMetricsRoute(exporter: exporter) {
            do {
                try await api.refreshGauges()
            } catch {
                logger.warning("cannot read the queue gauges from Redis", metadata: ["error": "\(error)"])
            }
        }
        return router
    }

    /// The HTTP application, a `Service` that serves until cancelled or shut down gracefully. `onRunning` gets the
    /// bound port once connections are accepted.
    func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol
    {
        let port = port
        return Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "gplr-dashboard"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// Serves (and samples running runs: ``sampler``) while `body` runs, with the bound port; stops both when
    /// `body` returns or throws.
    func withRunning<Result: Sendable>(_ body: (Int) async throws -> Result) async throws -> Result {
        let sampler = sampler
        return try await withRunningServer(
            { onRunning in
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask { await sampler.run() }
                    defer { group.cancelAll() }
                    try await application(onRunning: onRunning).run()
                }
            }, body)
    }

    /// `http://host:port/` for a person (IPv6 hosts in brackets).
    static func url(host: String, port: Int) -> String {
        host.contains(":") ? "http://[\(host)]:\(port)/" : "http://\(host):\(port)/"
    }
}
