import Hummingbird

extension Router {
    /// Adds `GET /metrics` (Prometheus text format) and `GET /healthz`.
    ///
    /// - Parameters:
    ///   - exporter: the process's registry.
    ///   - beforeScrape: refreshes gauges read on demand (queue depth and lag) before each scrape; a failure is
    ///     logged by the caller's closure and the scrape still answers with what is known.
    ///   - health: `nil` when healthy, else why not (answered with 503).
    public func addObservabilityRoutes(
        exporter: PrometheusExporter = .shared,
        beforeScrape: @escaping @Sendable () async -> Void = {},
        health: @escaping @Sendable () async -> String? = { nil }
    ) {
        get("/metrics") { _, _ -> Response in
            await beforeScrape()
            return Response(
                status: .ok, headers: [.contentType: PrometheusExporter.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: exporter.render())))
        }
        get("/healthz") { _, _ -> Response in
            let problem = await health()
            return Response(
                status: problem == nil ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: (problem ?? "ok") + "\n")))
        }
    }
}
