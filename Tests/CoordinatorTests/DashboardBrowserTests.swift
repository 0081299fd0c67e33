import Foundation
import GPLRTestSupport
import Synchronization
import Testing

@testable import Coordinator
@testable import GPLRRedis
@testable import GPLRRuntime
@testable import GPLRSupport

/// The dashboard page in a real headless Chromium (Debian's package) against live runs: what it draws is what
/// the API says, and error texts from Redis are shown as text, never run as markup.
@Suite(.serialized, .timeLimit(.minutes(5))) struct DashboardBrowserTests {
    /// A dead letter's error made to look like markup: the page must show it, not parse it.
    static let hostileError = #"injected <b id="bold">failure</b> & <img src=x onerror="alert(1)"> "quoted""#

    @Test(.enabled(if: !HeadlessChromium.skipped, "GPLR_SKIP_BROWSER_TESTS=1"))
    func pageShowsWhatTheAPISays() async throws {
        let chromium = try #require(HeadlessChromium.find(), Comment(rawValue: HeadlessChromium.missing))
        let data = try DistributedDataset(users: 400, items: 200, personas: 5)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let dashboard = try await DashboardProcess(redis: server.url, directory: data.directory)

        // A finished run.
        try await data.finishedRun("done-run", on: server)

        // A waiting run: one label job dead-lettered (with a hostile error text), the others done, no worker left,
        // so its counts hold still while the browser looks.
        let chosen = Mutex<String?>(nil)
        let faulty = try TestWorker(url: server.url, graph: data.graph) { envelope in
            guard envelope.runID == "waiting-run", envelope.kind == LabelJobDefinition.kind else { return nil }
            return chosen.withLock { job in
                if job == nil { job = envelope.id }
                return job == envelope.id ? Self.hostileError : nil
            }
        }
        var waiting = try data.coordinator(server)
        waiting.timeout = .seconds(900)
        let prepared = waiting
        let queue = JobQueue(client: try RedisClient(url: server.url))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                _ = try? await prepared.start(data.newRun("waiting-run", parameters: data.parameters(budget: 40)))
            }
            defer { group.cancelAll() }
            let settled = try await withWorker(faulty) {
                try await poll(timeout: .seconds(60)) { () -> Bool? in
                    let stats = try await queue.stats(run: "waiting-run")
                    return stats.enqueued > 0 && stats.deadLettered == 1 && stats.isSettled && stats.running == 0
                        ? true : nil
                }
            }
            #expect(settled == true, "the waiting run did not settle with one dead letter")

            // A real worker, so the workers table has a live heartbeat (there is nothing left for it to take).
            let worker = try ProcessHandle(
                product: "gplr-worker",
                [
                    "--redis", server.url, "--id", "browser-worker", "--cache-dir", data.directory.file("cache"),
                ], directory: data.directory, label: "worker")
            defer { worker.stop() }
            let listed = try await poll(timeout: .seconds(60)) {
                try await dashboard.get(DashboardPayload.Workers.self, "api/workers").workers
                    .first { $0.id == "browser-worker" }
            }
            #expect(listed != nil, "\(worker.standardError)")

            let html = try await HeadlessChromium.run(
                chromium, ["--virtual-time-budget=8000", "--dump-dom"], url: dashboard.url,
                directory: data.directory, label: "chromium-dump")
            try await expectPage(html, matches: dashboard)

            // The Retry button, clicked in the browser (DevTools protocol): the job is put back, the page says so,
            // and the real worker finishes it.
            let browser = try DevToolsBrowser(chromium: chromium, directory: data.directory)
            try await browser.open(dashboard.url)
            let button = "document.querySelector('button[data-action=\"retry\"][data-job-id]')"
            #expect(try await browser.waitUntil("\(button) !== null"), "no Retry button on the page")
            let jobID = try #require(try await browser.evaluate("\(button).dataset.jobId") as? String)
            #expect(jobID == chosen.withLock { $0 })
            _ = try await browser.evaluate("\(button).click(), true")
            let message = "document.getElementById('message').textContent"
            let announced = try await browser.waitUntil("\(message).includes('Put back 1 job of run waiting-run.')")
            let shown = try await browser.evaluate(message)
            #expect(announced, "page message: \(String(describing: shown))")
            let retried = try await poll(timeout: .seconds(60)) { () -> Bool? in
                let stats = try await queue.stats(run: "waiting-run")
                return stats.deadLettered == 0 && stats.retried == 1 ? true : nil
            }
            #expect(retried == true, "the dead letter was not put back: \(worker.standardError)")
        }
    }

    /// Checks the dumped DOM against the API read right after (the runs' counts hold still).
    private func expectPage(_ html: String, matches dashboard: DashboardProcess) async throws {
        let dom = try DumpedDOM(html)
        let body = try #require(dom.elements.first { $0.tag == "body" })
        #expect((Int(body["data-refreshes"] ?? "") ?? 0) >= 1, "the page never drew the API's data:\n\(html)")
        #expect(dom.first(["id": "status"])?["data-state"] == "ok")

        let list = try await dashboard.get(DashboardPayload.Runs.self, "api/runs")
        #expect(Set(list.runs.map(\.id)) == ["done-run", "waiting-run"])
        for run in list.runs {
            let card = try #require(dom.first(["class": "run", "data-run-id": run.id]), "no card for \(run.id)")
            #expect(card["data-phase"] == run.phase)
            #expect(card["data-step"] == run.step)
            #expect(card["data-iteration"] == run.iteration.map(String.init))
            #expect(html.contains(">\(run.id)</h3>"), "the run id is shown")
            #expect(!run.jobs.isEmpty)
            for (kind, counts) in run.jobs {
                let row = try #require(
                    dom.first(["class": "kind", "data-run-id": run.id, "data-kind": kind]),
                    "no \(kind) row for \(run.id)")
                #expect(row["data-enqueued"] == String(counts.enqueued), "\(run.id) \(kind)")
                #expect(row["data-done"] == String(counts.done), "\(run.id) \(kind)")
                #expect(row["data-dead"] == String(counts.deadLettered), "\(run.id) \(kind)")
                #expect(row["data-running"] == String(counts.running), "\(run.id) \(kind)")
                #expect(row["data-queued"] == String(counts.queued), "\(run.id) \(kind)")
            }
            let detail = try await dashboard.get(DashboardPayload.RunDetail.self, "api/runs/\(run.id)")
            if let personas = detail.personas {
                let chart = dom.first(["class": "personas", "data-run-id": run.id])
                #expect(chart?["data-source"] == personas.source)
                for entry in personas.entries {
                    let bar = try #require(
                        dom.first([
                            "class": "persona", "data-run-id": run.id,
                            "data-persona": entry.name,
                        ]), "no bar for \(entry.name)")
                    #expect(bar["data-value"].flatMap(Double.init) == entry.value, "\(entry.name)")
                }
                #expect(dom.all(["class": "persona", "data-run-id": run.id]).count == personas.entries.count)
            } else {
                #expect(dom.first(["class": "personas", "data-run-id": run.id])?["data-source"] == "none")
            }
            for job in detail.deadLettered.jobs {
                #expect(dom.first(["class": "job", "data-job-id": job.id])?["data-state"] == "dead")
                #expect(dom.first(["data-action": "retry", "data-job-id": job.id]) != nil, "a retry button")
            }
        }
        let done = try await dashboard.get(DashboardPayload.RunDetail.self, "api/runs/done-run")
        #expect(done.personas?.source == "assigned")
        let waiting = try await dashboard.get(DashboardPayload.RunDetail.self, "api/runs/waiting-run")
        #expect(waiting.deadLettered.jobs.map(\.error) == [Self.hostileError])

        // The hostile error is text: escaped in the dump, no element made from it.
        let shown = html.range(of: "injected").map { String(html[$0.lowerBound...].prefix(300)) } ?? "no error text"
        #expect(html.contains("injected &lt;b id=\"bold\"&gt;failure&lt;/b&gt; &amp; &lt;img src=x"), "\(shown)")
        #expect(dom.first(["id": "bold"]) == nil)
        #expect(!dom.elements.contains { $0.tag == "img" })

        let workers = try await dashboard.get(DashboardPayload.Workers.self, "api/workers")
        for worker in workers.workers {
            #expect(
                dom.first(["class": "worker", "data-worker-id": worker.id]) != nil
                    || dom.first(["class": "worker stale", "data-worker-id": worker.id]) != nil, "\(worker.id)")
        }
        #expect(dom.first(["data-worker-id": "browser-worker"])?["data-stale"] == "false")
        let queues = try await dashboard.get(DashboardPayload.Queues.self, "api/queues")
        for stream in queues.kinds {
            let row = dom.first(["class": "queue", "data-queue-kind": stream.kind])
            #expect(row?["data-length"] == String(stream.length), "\(stream.kind)")
        }
    }
}
