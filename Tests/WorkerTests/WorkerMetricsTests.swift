import Foundation
import GPLRBuildInfo
import GPLRHTTP
import GPLRRuntime
import GPLRTestSupport
import Testing

/// `gplr-worker --metrics-port`: a real Prometheus endpoint whose job, snapshot and queue series count what the
/// worker did against a real redis-server.
@Suite(.serialized, .timeLimit(.minutes(5))) struct WorkerMetricsTests {
    @Test func countsJobsBySuccessAndDeadLetterAndServesHealth() async throws {
        try await withRedisServer { server in
            let harness = try await WorkerHarness(server: server)
            defer { harness.remove() }
            try await harness.storePrototypes()
            try await harness.queue.enqueue([
                try harness.envelope(
                    "label-1", kind: LabelJobDefinition.kind,
                    payload: harness.fixture.labelJob(users: [1, 2, 3], labelsPath: harness.labelsPath)),
                try harness.envelope(
                    "label-2", kind: LabelJobDefinition.kind,
                    payload: harness.fixture.labelJob(users: [4, 5], labelsPath: harness.labelsPath)),
                JobEnvelope(
                    id: "garbage", runID: harness.runID, kind: LabelJobDefinition.kind, payload: Data("not json".utf8)),
                try harness.envelope(
                    "aff", kind: AffinityJobDefinition.kind,
                    payload: harness.fixture.affinityJob(personas: [0, 1], prototypesKey: harness.prototypesKey)),
            ])
            let worker = try harness.startWorker("w1", ["--metrics-port", "0", "--metrics-host", "127.0.0.1"])
            defer { worker.stop() }
            _ = try await harness.waitForResults(["label-1", "label-2", "aff"])
            #expect(try await harness.waitForDeadLetter("garbage") != nil, "worker log:\n\(worker.standardError)")
            let port = try await metricsPort(of: worker)

            // The last counters are recorded right after the results are stored: poll until they show.
            let metrics = try await poll(timeout: .seconds(30)) {
                let text = try await scrape(port: port)
                return text.value("gplr_jobs_succeeded_total", ["kind": "label"]) == 2
                    && text.value("gplr_jobs_dead_lettered_total", ["kind": "label"]) == 1
                    && text.value("gplr_jobs_succeeded_total", ["kind": "affinity"]) == 1 ? text : nil
            }
            let text = try #require(metrics, "metrics never showed the jobs; log:\n\(worker.standardError)")
            #expect(text.value("gplr_jobs_started_total", ["kind": "label"]) == 3)
            #expect(text.value("gplr_jobs_started_total", ["kind": "affinity"]) == 1)
            #expect(text.value("gplr_jobs_failed_total", ["kind": "label"]) == 1)
            #expect(text.value("gplr_jobs_retried_total", ["kind": "label"]) == 0, "pre-initialised, never incremented")
            #expect(text.value("gplr_job_duration_seconds_count", ["kind": "label", "outcome": "succeeded"]) == 2)
            #expect(text.value("gplr_job_duration_seconds_count", ["kind": "label", "outcome": "failed"]) == 1)
            // One snapshot, downloaded once (two jobs at once share the download); later jobs read it from memory
            // or, the affinity job (the label jobs loaded only the user ids), from the disk cache.
            #expect(text.value("gplr_snapshot_downloads_total") == 1)
            #expect((text.value("gplr_snapshot_download_bytes_total") ?? 0) > 0)
            #expect(
                (text.value("gplr_snapshot_cache_hits_total", ["tier": "memory"]) ?? 0)
                    + (text.value("gplr_snapshot_cache_hits_total", ["tier": "disk"]) ?? 0) >= 1,
                "\(worker.standardError)")
            // Acknowledged entries are deleted: the label stream is empty, and this worker consumes it.
            #expect(text.value("gplr_queue_length", ["kind": "label"]) == 0)
            #expect(text.value("gplr_queue_lag", ["kind": "label"]) == 0)
            #expect((text.value("gplr_queue_consumers", ["kind": "label"]) ?? 0) >= 1)
            #expect(PrometheusExpositionCheck.problems(in: text.source) == [])

            let health = try await get("http://127.0.0.1:\(port)/healthz")
            #expect(health.status == 200)
            #expect(String(decoding: health.body, as: UTF8.self) == "ok\n")
        }
    }

    /// `gplr_jobs_reclaimed_total` counts lease expiries only: a failed job that comes due for its retry is a retry
    /// (counted in `gplr_jobs_retried_total` when it failed), not a reclaim.
    @Test func retriesOfFailedJobsAreNotCountedAsReclaims() async throws {
        try await withRedisServer { server in
            let harness = try await WorkerHarness(server: server)
            defer { harness.remove() }
            // A labels file that is not there: a retriable failure on every delivery.
            try await harness.queue.enqueue([
                try harness.envelope(
                    "missing-file", kind: LabelJobDefinition.kind,
                    payload: harness.fixture.labelJob(users: [1], labelsPath: harness.labelsPath + ".absent"))
            ])
            let worker = try harness.startWorker(
                "w1", ["--metrics-port", "0", "--metrics-host", "127.0.0.1", "--max-attempts", "2"])
            defer { worker.stop() }
            #expect(try await harness.waitForDeadLetter("missing-file") != nil, "log:\n\(worker.standardError)")
            let port = try await metricsPort(of: worker)
            let metrics = try await poll(timeout: .seconds(30)) {
                let text = try await scrape(port: port)
                return text.value("gplr_jobs_dead_lettered_total", ["kind": "label"]) == 1 ? text : nil
            }
            let text = try #require(metrics, "log:\n\(worker.standardError)")
            #expect(text.value("gplr_jobs_started_total", ["kind": "label"]) == 2)
            #expect(text.value("gplr_jobs_retried_total", ["kind": "label"]) == 1)
            #expect(text.value("gplr_jobs_reclaimed_total", ["kind": "label"]) == 0)
            #expect(worker.standardError.contains("took up a failed job to try it again"))
        }
    }

    @Test func queueGaugesShowJobsNoConsumerHasTaken() async throws {
        try await withRedisServer { server in
            let harness = try await WorkerHarness(server: server)
            defer { harness.remove() }
            // Three label jobs; the only worker takes affinity jobs, so all three wait undelivered.
            try await harness.queue.enqueue(
                try (1...3).map { index in
                    try harness.envelope(
                        "label-\(index)", kind: LabelJobDefinition.kind,
                        payload: harness.fixture.labelJob(users: [index], labelsPath: harness.labelsPath))
                })
            let worker = try harness.startWorker(
                "w1", ["--kinds", "affinity", "--metrics-port", "0", "--metrics-host", "127.0.0.1"])
            defer { worker.stop() }
            let text = try await scrape(port: try await metricsPort(of: worker))
            #expect(text.value("gplr_queue_length", ["kind": "label"]) == 3)
            #expect(text.value("gplr_queue_lag", ["kind": "label"]) == 3)
            #expect(text.value("gplr_queue_pending", ["kind": "label"]) == 0)
            #expect(text.value("gplr_jobs_in_progress") == 0)
            // Counters exist at 0 for the kinds this worker takes before anything happens (so that
            // `increase(gplr_jobs_dead_lettered_total[15m]) > 0` sees the first dead letter), and not for the others.
            #expect(text.value("gplr_jobs_started_total", ["kind": "label"]) == nil)
            for name in [
                "gplr_jobs_started_total", "gplr_jobs_succeeded_total", "gplr_jobs_failed_total",
                "gplr_jobs_retried_total", "gplr_jobs_dead_lettered_total", "gplr_jobs_reclaimed_total",
                "gplr_jobs_duplicate_results_total",
            ] {
                #expect(text.value(name, ["kind": "affinity"]) == 0, "\(name)")
            }
            for result in ["hit", "miss", "error"] {
                #expect(text.value("gplr_llm_cache_lookups_total", ["result": result]) == 0)
            }
            #expect(text.value("gplr_snapshot_cache_hits_total", ["tier": "disk"]) == 0)
            #expect(text.value("gplr_snapshot_corrupt_files_total") == 0)
            #expect(
                text.value("gplr_build_info", ["version": BuildInfo.version, "commit": BuildInfo.commit]) == 1,
                "\(text.source)")
            #expect(PrometheusExpositionCheck.problems(in: text.source) == [])
            #expect(text.source.contains("# HELP gplr_jobs_dead_lettered_total "))
        }
    }

    @Test func rejectsAnOutOfRangeMetricsPort() async throws {
        let output = try await BuiltProduct.run(
            "gplr-worker", ["--redis", "redis://127.0.0.1:1", "--metrics-port", "70000"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("--metrics-port must be between 0 and 65535"))
    }

    private func metricsPort(of worker: ProcessHandle) async throws -> Int {
        try #require(
            try await worker.loggedMetricsPort(), "no metrics.port in the worker log:\n\(worker.standardError)")
    }

    private func scrape(port: Int) async throws -> PrometheusText {
        let (text, response) = try await PrometheusText.scrape(port: port)
        #expect(response.status == 200)
        #expect(response.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        return text
    }

    private func get(_ url: String) async throws -> HTTPClientResponse {
        try await HTTPGet.fetch(url)
    }
}
