public import Hummingbird

extension Router {
    /// Adds `GET /metrics`: the Prometheus text exposition of `exporter`.
    ///
    /// - Parameter beforeScrape: refreshes gauges read on demand (queue depth and lag) before each scrape; it
    ///   handles its own failures (the scrape still answers with what is known).
    public func addMetricsRoute(
        exporter: PrometheusExporter, beforeScrape: @escaping @Sendable () async -> Void = {}
    ) {
        get("/metrics") { _, _ -> Response in
            await beforeScrape()
            return Response(
                status: .ok, headers: [.contentType: PrometheusExporter.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: exporter.render())))
        }
    }

    /// Adds `GET /healthz`: 200 `ok`, or 503 with the reason `health` gives.
    public func addHealthRoute(_ health: @escaping @Sendable () async -> String?) {
        get("/healthz") { _, _ -> Response in
            let problem = await health()
            return Response(
                status: problem == nil ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: (problem ?? "ok") + "\n")))
        }
    }
}
