import Foundation
import GPLRBuildInfo
import GPLRTestSupport
import Testing

@testable import GPLRRedis
@testable import GPLRRuntime

/// `gplr serve`'s `GET /metrics`: queue depth and lag, and workers alive or stale, read from a real Redis at
/// each scrape.
@Suite(.timeLimit(.minutes(5))) struct DashboardMetricsTests {
    @Test func metricsShowQueueDepthAndWorkersFromRedis() async throws {
        let directory = try TemporaryDirectory(prefix: "gplr-dashboard-metrics")
        defer { directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let client = try RedisClient(url: server.url)
        let queue = JobQueue(client: client, keys: RedisKeys())
        #expect(
            try await queue.enqueue(
                (1...3).map {
                    JobEnvelope(id: "label-\($0)", runID: "r1", kind: LabelJobDefinition.kind, payload: Data("{}".utf8))
                }) == 3)
        let dashboard = try await DashboardProcess(redis: server.url, directory: directory)
        // One worker that beats just now (right before the scrape: stale means older than 10 s, and starting the
        // dashboard may take longer than that on a busy machine), one whose last heartbeat is two minutes old.
        let registry = WorkerRegistry(client: client, keys: RedisKeys())
        let now = Int64(Date().timeIntervalSince1970)
        for (id, lastSeen) in [("fresh", now), ("gone", now - 120)] {
            try await registry.publish(
                WorkerHeartbeat(
                    id: id, host: "h", pid: 1, kinds: ["label"], concurrency: 1, startedAt: now - 300,
                    lastSeen: lastSeen))
        }
        let (status, body) = try await dashboard.request("metrics")
        #expect(status == 200)
        let metrics = PrometheusText(String(decoding: body, as: UTF8.self))
        #expect(metrics.value("gplr_queue_length", ["kind": "label"]) == 3)
        #expect(metrics.value("gplr_queue_lag", ["kind": "label"]) == 3)
        #expect(metrics.value("gplr_queue_length", ["kind": "affinity"]) == 0)
        #expect(metrics.value("gplr_workers", ["state": "alive"]) == 1)
        #expect(metrics.value("gplr_workers", ["state": "stale"]) == 1)
        #expect(metrics.value("gplr_build_info", ["version": BuildInfo.version, "commit": BuildInfo.commit]) == 1)
        #expect(PrometheusExpositionCheck.problems(in: metrics.source) == [])

        // Each scrape reads Redis again: a fourth job shows at once.
        _ = try await queue.enqueue([
            JobEnvelope(id: "label-4", runID: "r1", kind: LabelJobDefinition.kind, payload: Data("{}".utf8))
        ])
        let (_, again) = try await dashboard.request("metrics")
        #expect(
            PrometheusText(String(decoding: again, as: UTF8.self)).value("gplr_queue_length", ["kind": "label"]) == 4)
        await client.close()
    }
}
