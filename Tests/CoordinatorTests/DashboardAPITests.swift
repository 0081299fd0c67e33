import Foundation
import GPLRTestSupport
import LLMSimulator
import Testing

@testable import Coordinator
@testable import GPLRHTTP
@testable import GPLRRuntime
@testable import GPLRSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `gplr serve`'s JSON API against a real redis-server, real `gplr run --redis` coordinators and real
/// `gplr-worker`s: it says what `gplr status --json` says, shows dead letters with their errors, retries them
/// only for JSON requests, and lists the workers.
@Suite(.serialized, .timeLimit(.minutes(5))) struct DashboardAPITests {
    typealias Payload = DashboardPayload

    @Test func apiMatchesStatusListsTheWorkerAndShowsTheFinalPersonas() async throws {
        let data = try DistributedDataset(users: 400, items: 200, personas: 5)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let dashboard = try await DashboardProcess(redis: server.url, directory: data.directory)
        let health = try await dashboard.get(Payload.Health.self, "healthz")
        #expect(health.redis == "ok")
        #expect(try await dashboard.get(Payload.Runs.self, "api/runs").runs.isEmpty)

        // No worker yet: the coordinator enqueues iteration 1's label jobs and waits, so the counts hold still.
        let coordinator = try ProcessHandle(
            product: "gplr",
            [
                "run", "--redis", server.url, "--run-id", "dash1", "--snapshot", data.snapshotPath, "--personas",
                data.personasPath, "--labels", data.truthPath, "--out", data.directory.file("out"), "--budget", "40",
                "--iterations", "2", "--label-batch-size", "4", "--poll-milliseconds", "20", "--timeout", "300",
            ], directory: data.directory, label: "coordinator")
        defer { coordinator.stop() }
        let waiting = try #require(
            try await poll(timeout: .seconds(60)) {
                try await dashboard.get(Payload.Runs.self, "api/runs").runs.first {
                    $0.id == "dash1" && $0.step == "labeling" && ($0.jobs["label"]?.enqueued ?? 0) > 0
                }
            }, "the run never waited for its label jobs: \(coordinator.standardError)")
        let status = try await statusJSON(redis: server.url)
        let api = try await dashboard.get(Payload.Runs.self, "api/runs")
        #expect(api.runs.map(\.id) == status.runs.map(\.id))
        try Self.expectSame(try #require(api.runs.first), try #require(status.runs.first))
        let labelJobs = waiting.jobs["label"]?.enqueued ?? 0
        // Iteration 1 asks its first users on their own (the preflight): 8 users in batches of 4, the rest waits.
        #expect(labelJobs == GPLRRunner.probeSize / 4, "the preflight's users in batches of 4")
        #expect(waiting.jobs["label"]?.queued == labelJobs)
        #expect(waiting.phase == "running" && waiting.iteration == 1 && waiting.iterations == 2)

        let queues = try await dashboard.get(Payload.Queues.self, "api/queues")
        #expect(queues.kinds.map(\.kind) == JobRegistry.kinds.map(\.rawValue))
        #expect(queues.kinds.first { $0.kind == "label" }?.length == labelJobs)
        #expect(try await dashboard.get(Payload.Workers.self, "api/workers").workers.isEmpty)
        let detail = try await dashboard.get(Payload.RunDetail.self, "api/runs/dash1")
        #expect(detail.personas == nil, "no checkpoint yet")
        #expect(detail.deadLettered.total == 0 && detail.failing.total == 0)

        // A worker: listed with its heartbeat, and it finishes the run.
        let worker = try ProcessHandle(
            product: "gplr-worker",
            [
                "--redis", server.url, "--id", "dash-worker", "--kinds", "label,affinity", "--concurrency", "3",
                "--cache-dir", data.directory.file("cache"),
            ], directory: data.directory, label: "worker")
        defer { worker.stop() }
        let listed = try #require(
            try await poll(timeout: .seconds(60)) {
                try await dashboard.get(Payload.Workers.self, "api/workers").workers.first { $0.id == "dash-worker" }
            }, "the worker never showed: \(worker.standardError)")
        #expect(listed.pid == Int(worker.pid))
        #expect(listed.kinds == ["label", "affinity"])
        #expect(listed.concurrency == 3)
        #expect((listed.heartbeatAgeSeconds ?? 99) < DashboardAPI.staleAfterSeconds)
        #expect(listed.host?.isEmpty == false)

        #expect(await coordinator.wait(timeout: .seconds(120)) == .exited(0), "\(coordinator.standardError)")
        let done = try await dashboard.get(Payload.RunDetail.self, "api/runs/dash1")
        #expect(done.run.phase == "done")
        #expect(done.run.jobsPerSecond == nil && done.run.etaSeconds == nil, "no rate for a finished run")
        let finalStatus = try await statusJSON(redis: server.url)
        try Self.expectSame(done.run, try #require(finalStatus.runs.first))
        let personas = try #require(done.personas)
        #expect(personas.source == "assigned")
        let report = try JSONDecoder().decode(
            RunReportDocument.self,
            from: Data(contentsOf: URL(fileURLWithPath: data.directory.file("out/report.json"))))
        #expect(report.labeler == "labels_file" && report.model == nil)
        #expect(
            Dictionary(uniqueKeysWithValues: personas.entries.map { ($0.name, Int($0.value)) })
                == report.assignedCounts.merging(data.personas.names.map { ($0, 0) }) { a, _ in a })
        #expect(personas.entries.map(\.value) == personas.entries.map(\.value).sorted(by: >), "largest first")

        #expect(try await dashboard.request("api/runs/nope").status == 404)
        #expect(try await dashboard.request("api/runs/a%3Ab").status == 404)

        // The page is served whole, with a policy that runs only its own script.
        let (pageStatus, page) = try await dashboard.request("")
        #expect(pageStatus == 200)
        #expect(String(decoding: page, as: UTF8.self) == DashboardPage.html)
        // The SVG namespace name of the charts is an identifier, not a request.
        let html = DashboardPage.html.replacingOccurrences(of: "\"http://www.w3.org/2000/svg\"", with: "")
        #expect(!html.contains("http://") && !html.contains("https://"), "no external assets")

        // SIGINT stops it cleanly.
        dashboard.process.send(SIGINT)
        #expect(await dashboard.process.wait(timeout: .seconds(30)) == .exited(0), "\(dashboard.process.standardError)")
        #expect(dashboard.process.standardError.contains("dashboard: stopped"))
    }

    @Test func deadLetteredJobsShowWithTheirErrorAndRetryNeedsJSON() async throws {
        let secret = LLMDistributedTests.secret
        let data = try DistributedDataset(users: 200, items: 100, personas: 4)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let simulator = LLMSimulator(
            truth: try LLMDistributedTests.truth(data), personas: data.personas.names,
            configuration: LLMSimulatorConfiguration(expectedAPIKey: secret))
        try await simulator.withRunningServer { port in
            let dashboard = try await DashboardProcess(redis: server.url, directory: data.directory)
            // A worker without an API key dead-letters every label job with the reason.
            let keyless = try LLMDistributedTests.worker(server, data.directory, label: "keyless", key: nil)
            defer { keyless.stop() }
            let coordinator = try ProcessHandle(
                product: "gplr",
                [
                    "run", "--redis", server.url, "--run-id", "dead1", "--snapshot", data.snapshotPath,
                    "--personas", data.personasPath, "--out", data.directory.file("out"), "--budget", "10",
                    "--iterations", "1", "--label-batch-size", "5", "--poll-milliseconds", "20", "--timeout", "300",
                    "--llm-url", "http://127.0.0.1:\(port)", "--llm-model", "sim-model", "--llm-prompt-price", "1",
                ], directory: data.directory, label: "coordinator")
            defer { coordinator.stop() }
            let dead = try #require(
                try await poll(timeout: .seconds(60)) { () -> Payload.RunDetail? in
                    let (status, body) = try await dashboard.request("api/runs/dead1")
                    guard status == 200 else { return nil }
                    let detail = try JSONDecoder().decode(Payload.RunDetail.self, from: body)
                    let label = detail.run.jobs["label"]
                    return label.map { $0.enqueued > 0 && $0.deadLettered == $0.enqueued } == true ? detail : nil
                }, "the label jobs were not dead-lettered: \(keyless.standardError)")
            #expect(dead.deadLettered.total == 2, "the preflight's 8 users in batches of 5")
            #expect(dead.deadLettered.jobs.count == 2)
            for job in dead.deadLettered.jobs {
                #expect(job.kind == "label")
                #expect(job.error.contains(LLMJobContext.missingKeyMessage), "\(job.error)")
                #expect(job.id.hasPrefix("label-t1-"))
            }
            keyless.send(SIGTERM)
            #expect(await keyless.wait(timeout: .seconds(30)) == .exited(0))

            // Not JSON (curl sends a form's content type; a cross-site form can send only such types): refused.
            let form = try await dashboard.retry("dead1", body: "{}", headers: [])
            #expect(form.status == 415, "\(String(decoding: form.body, as: UTF8.self))")
            let text = try await dashboard.retry(
                "dead1", body: "{}", headers: [HTTPHeader(name: "Content-Type", value: "text/plain")])
            #expect(text.status == 415)
            let foreign = try await dashboard.retry(
                "dead1", body: "{}",
                headers: [DashboardProcess.json, HTTPHeader(name: "Origin", value: "http://evil.test")])
            #expect(foreign.status == 403)
            let stillDead = try await dashboard.get(Payload.RunDetail.self, "api/runs/dead1")
            #expect(stillDead.deadLettered.total == 2, "a refused request changed nothing")
            #expect(stillDead.run.retried == 0)
            #expect(try await dashboard.retry("nope", body: "{}", headers: [DashboardProcess.json]).status == 404)
            let bad = try await dashboard.retry("dead1", body: "{\"jobs\": 3}", headers: [DashboardProcess.json])
            #expect(bad.status == 400)

            // With JSON: an unknown job is named and skipped; then everything goes back and a keyed worker finishes.
            let unknown = try await dashboard.retry(
                "dead1", body: #"{"jobs": ["label-t9-x"]}"#, headers: [DashboardProcess.json])
            #expect(unknown.status == 200)
            let skipped = try JSONDecoder().decode(Payload.RetryResult.self, from: unknown.body)
            #expect(skipped.retried == 0 && skipped.notDeadLettered == ["label-t9-x"])
            let keyed = try LLMDistributedTests.worker(server, data.directory, label: "keyed", key: secret)
            defer { keyed.stop() }
            let accepted = try await dashboard.retry(
                "dead1", body: "{}",
                headers: [HTTPHeader(name: "Content-Type", value: "application/json; charset=utf-8")])
            #expect(accepted.status == 200, "\(String(decoding: accepted.body, as: UTF8.self))")
            let result = try JSONDecoder().decode(Payload.RetryResult.self, from: accepted.body)
            #expect(result.retried == 2)
            #expect(Set(result.jobs) == Set(dead.deadLettered.jobs.map(\.id)))

            #expect(await coordinator.wait(timeout: .seconds(120)) == .exited(0), "\(coordinator.standardError)")
            let done = try await dashboard.get(Payload.RunDetail.self, "api/runs/dead1")
            #expect(done.run.phase == "done")
            #expect(done.run.retried == 2)
            #expect(done.deadLettered.total == 0)
            #expect(done.run.jobs["label"]?.done == 3, "the preflight's two jobs, then one for the other 2 users")
            #expect(done.run.spend.promptTokens > 0 && done.run.spend.costUSD > 0, "\(done.run.spend)")
            try Self.expectSame(done.run, try #require(try await statusJSON(redis: server.url).runs.first))
            #expect(simulator.statistics.unauthorized == 0)
        }
    }

    @Test func stateChangingRequestsMustBeSameOriginJSON() {
        let host = "127.0.0.1:8080"
        func refused(_ type: String?, origin: String? = nil, site: String? = nil) -> Int? {
            DashboardRequestGuard.refusal(contentType: type, origin: origin, fetchSite: site, host: host)
                .map { Int($0.status.code) }
        }
        #expect(refused("application/json") == nil)
        #expect(refused("Application/JSON; charset=utf-8") == nil)
        #expect(refused("application/json", origin: "http://127.0.0.1:8080", site: "same-origin") == nil)
        #expect(refused(nil) == 415)
        #expect(refused("application/x-www-form-urlencoded") == 415)
        #expect(refused("multipart/form-data; boundary=x") == 415)
        #expect(refused("text/plain") == 415)
        #expect(refused("application/jsonx") == 415)
        #expect(refused("application/json", origin: "http://evil.test") == 403)
        #expect(refused("application/json", origin: "null") == 403)
        #expect(refused("application/json", site: "cross-site") == 403)
        #expect(refused("application/json", site: "same-site") == 403)
    }

    /// The fields of a run that do not depend on when they were read.
    static func expectSame(_ api: RunStatusReport.Run, _ status: RunStatusReport.Run) throws {
        #expect(api.id == status.id)
        #expect(api.phase == status.phase)
        #expect(api.iteration == status.iteration)
        #expect(api.completedIterations == status.completedIterations)
        #expect(api.iterations == status.iterations)
        #expect(api.step == status.step)
        #expect(api.error == status.error)
        #expect(api.jobs == status.jobs)
        #expect(api.failures == status.failures)
        #expect(api.retried == status.retried)
        #expect(api.duplicateResults == status.duplicateResults)
        #expect(api.spend == status.spend)
        #expect(api.labelerCounters == status.labelerCounters)
    }
}
