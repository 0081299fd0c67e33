import Foundation
import GPLRTestSupport
import LLMSimulator
import Testing

@testable import Coordinator
@testable import GPLRCore
@testable import GPLRRedis
@testable import GPLRRuntime

/// The dashboard's LLM charts during a live LLM run (the built `gplr run` and `gplr-worker` against the LLM simulator
/// with injected 429s, 5xx and unparsable answers), its counts as links to the job search, and the finished run's
/// top-affinity histogram and persona co-occurrence, in a real headless Chromium: what the page's data tables hold is
/// what the API says, what the simulator served and what the run's output files give.
@Suite(.serialized, .timeLimit(.minutes(5))) struct DashboardInsightBrowserTests {
    @Test(.enabled(if: !HeadlessChromium.skipped, "GPLR_SKIP_BROWSER_TESTS=1"))
    func llmChartsFollowALiveRunAndCountsLinkToTheSearch() async throws {
        let chromium = try #require(HeadlessChromium.find(), Comment(rawValue: HeadlessChromium.missing))
        let data = try DistributedDataset(users: 300, items: 150, personas: 5)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let dashboard = try await DashboardProcess(
            redis: server.url, directory: data.directory, extra: ["--sample-seconds", "0.5"])
        // The first requests fail (429, 500) or answer truncated JSON; latency spreads the rest over several samples.
        let simulator = LLMSimulator(
            truth: try LLMDistributedTests.truth(data), personas: data.personas.names,
            configuration: LLMSimulatorConfiguration(
                latency: .fixed(.milliseconds(60)),
                faultSchedule: [
                    .rateLimited, .serverError, .rateLimited, .malformedJSON, nil, .serverError, nil, .rateLimited,
                    .malformedJSON,
                ],
                retryAfter: .milliseconds(200), expectedAPIKey: LLMDistributedTests.secret))
        try await simulator.withRunningServer { port in
            // The worker takes label jobs only: once iteration 1 is labeled, the run waits on its affinity jobs, live.
            let worker = try LLMDistributedTests.worker(
                server, data.directory, label: "worker", key: LLMDistributedTests.secret, extra: ["--kinds", "label"])
            defer { worker.stop() }
            let coordinator = try ProcessHandle(
                product: "gplr",
                [
                    "run", "--redis", server.url, "--run-id", "llm-run", "--snapshot", data.snapshotPath,
                    "--personas", data.personasPath, "--out", data.directory.file("out/llm-run"), "--budget", "30",
                    "--iterations", "2", "--seed", "5", "--label-batch-size", "8", "--personas-per-shard", "3",
                    "--poll-milliseconds", "20", "--timeout", "600", "--llm-url", "http://127.0.0.1:\(port)",
                    "--llm-model", "sim-model", "--llm-users-per-request", "3", "--llm-prompt-price", "1",
                    "--llm-completion-price", "2", "--affinity-on", "workers",
                ], directory: data.directory, label: "coordinator")
            defer { coordinator.stop() }

            // Labeling is over when the affinity jobs wait; a sample taken after it holds every attempt.
            let settled = await poll(timeout: .seconds(120)) { () -> DashboardPayload.History? in
                // 404 until the coordinator has created the run.
                guard let history = try? await dashboard.get(DashboardPayload.History.self, "api/runs/llm-run/history"),
                    let last = history.samples.last, let llm = last.llm, (last.kinds["affinity"]?.queued ?? 0) > 0,
                    last.kinds["label"].map({ $0.done == $0.enqueued }) == true,
                    llm.totalAttempts == simulator.statistics.requests
                else { return nil }
                return history
            }
            let history = try #require(settled, "the run's labeling never settled: \(coordinator.standardError)")
            let stats = simulator.statistics
            #expect(stats[.rateLimited] == 3 && stats[.serverError] == 2 && stats[.malformedJSON] == 2, "\(stats)")

            let browser = try DevToolsBrowser(chromium: chromium, directory: data.directory)
            try await browser.open(dashboard.url)
            let outcomes = #"figure[data-chart="llm-outcomes"][data-run-id="llm-run"]"#
            let spend = #"figure[data-chart="llm-spend"][data-run-id="llm-run"]"#
            let sampled = history.samples.filter { $0.llm != nil }.count
            #expect(
                try await browser.waitUntil(
                    "(document.querySelector('\(outcomes)')?.dataset.points ?? 0) >= \(sampled)"),
                "the LLM chart never had the \(sampled) samples")

            // Every row is the sample of its time; the newest holds exactly what the simulator served.
            let rows = try await browser.dataRows("\(outcomes) tr[data-at]")
            let samples = try await dashboard.get(DashboardPayload.History.self, "api/runs/llm-run/history").samples
            let byTime = Dictionary(samples.map { ($0.at, $0) }) { first, _ in first }
            for row in rows {
                let llm = try #require(byTime[Int64(row["at"] ?? "") ?? -1]?.llm, "no sample at \(row)")
                #expect(Int(row["attempts"] ?? "") == llm.totalAttempts, "\(row)")
                #expect(Int(row["ok"] ?? "") == llm.attempts["ok"] ?? 0, "\(row)")
                #expect(Int(row["rate-limited"] ?? "") == llm.attempts["rate_limited"] ?? 0, "\(row)")
                #expect(Int(row["server-error"] ?? "") == llm.attempts["server_error"] ?? 0, "\(row)")
                #expect(Int(row["unparsed"] ?? "") == llm.unparsedAnswers, "\(row)")
            }
            let newest = try #require(rows.max { Int($0["at"] ?? "") ?? 0 < Int($1["at"] ?? "") ?? 0 })
            #expect(Int(newest["rate-limited"] ?? "") == stats[.rateLimited], "\(newest)")
            #expect(Int(newest["server-error"] ?? "") == stats[.serverError], "\(newest)")
            #expect(Int(newest["ok"] ?? "") == stats.completions - stats[.malformedBody], "\(newest)")
            #expect(Int(newest["rejected"] ?? "") == stats.unauthorized + stats.badRequests, "\(newest)")
            #expect(Int(newest["unparsed"] ?? "") == stats[.malformedJSON], "\(newest)")
            #expect(Int(newest["attempts"] ?? "") == stats.requests, "\(newest)")
            // The plotted shares are those of the attempts between two rows.
            for (before, row) in zip(rows, rows.dropFirst()) {
                let delta = { (key: String) in (Int(row[key] ?? "") ?? 0) - (Int(before[key] ?? "") ?? 0) }
                let expected =
                    delta("attempts") > 0 ? 100 * Double(delta("rate-limited")) / Double(delta("attempts")) : nil
                #expect(close(row["rate-limited-pct"], expected), "\(before) → \(row)")
            }

            // The spend: live (the workers' count of each answer's cost) and as of the last checkpoint. The run goes
            // on, and the page redraws both charts with each new sample, so the two are read until one read of each
            // comes from the same redraw (a fresh-clone CI once read 21 rows, then 26).
            let sameRedraw = await poll(timeout: .seconds(60)) { () -> ([[String: String]], [[String: String]])? in
                guard let outcomeRows = try? await browser.dataRows("\(outcomes) tr[data-at]"),
                    let spendRows = try? await browser.dataRows("\(spend) tr[data-at]"),
                    outcomeRows.count == spendRows.count
                else { return nil }
                return (outcomeRows, spendRows)
            }
            let (outcomeRows, spendRows) = try #require(sameRedraw, "the two LLM charts never showed the same samples")
            #expect(Set(spendRows.map { $0["at"] }) == Set(outcomeRows.map { $0["at"] }))
            let latest = try await dashboard.get(DashboardPayload.History.self, "api/runs/llm-run/history").samples
            let latestByTime = Dictionary(latest.map { ($0.at, $0) }) { first, _ in first }
            for row in spendRows {
                let sample = try #require(latestByTime[Int64(row["at"] ?? "") ?? -1], "no sample at \(row)")
                #expect(close(row["cost-usd"], Double(sample.llm?.costMicros ?? -1) / 1e6), "\(row)")
                #expect(close(row["checkpoint-cost-usd"], sample.costUSD), "\(row)")
            }
            let served = Double(stats.promptTokens) / 1000 + Double(stats.completionTokens) / 1000 * 2
            let live = try #require(spendRows.last.flatMap { Double($0["cost-usd"] ?? "") })
            #expect(served > 0 && abs(live - served) <= Double(stats.completions) * 1e-6, "\(live) vs \(served)")

            // A kind's count links to the search of those jobs; so does a worker's.
            let done = try #require(history.samples.last?.kinds["label"]?.done)
            let pager = "document.querySelector('.job-pager')"
            let doneLink =
                #"document.querySelector('.kind[data-run-id="llm-run"][data-kind="label"] a[data-search*="state=done"]')"#
            _ = try await browser.evaluate("\(doneLink).click(), true")
            #expect(
                try await browser.waitUntil("\(pager)?.dataset.total === '\(done)'"), "the label kind's done link")
            #expect(try await browser.evaluate("location.hash") as? String == "#jobs?run=llm-run&kind=label&state=done")
            let found = try await browser.dataRows("tr.job-result")
            #expect(!found.isEmpty && found.allSatisfy { $0["kind"] == "label" && $0["state"] == "done" })

            let workers = try await dashboard.get(DashboardPayload.Workers.self, "api/workers").workers
            let workerID = try #require(workers.first?.id)
            let byWorker = try await dashboard.get(
                DashboardPayload.JobPage.self, "api/runs/llm-run/jobs?worker=\(workerID)&state=done")
            #expect(byWorker.total == done, "the one worker ran every label job")
            let nobody = try await dashboard.get(DashboardPayload.JobPage.self, "api/runs/llm-run/jobs?worker=nobody")
            #expect(nobody.total == 0)
            let workerLink = #"document.querySelector('tr.worker a[data-search*="state=done"]')"#
            _ = try await browser.evaluate(
                "document.getElementById('job-text').value = 'x'; \(workerLink).click(), true")
            #expect(
                try await browser.waitUntil(
                    "\(pager)?.dataset.total === '\(done)' && document.getElementById('job-worker').value === '\(workerID)'"
                        + " && document.getElementById('job-text').value === ''"),
                "the worker's done link")

            // The same search from an address: the affinity jobs that wait.
            let queued = try await dashboard.get(
                DashboardPayload.JobPage.self, "api/runs/llm-run/jobs?kind=affinity&state=queued")
            #expect(queued.total > 0)
            try await browser.open(dashboard.url + "#jobs?run=llm-run&kind=affinity&state=queued")
            #expect(
                try await browser.waitUntil(
                    "document.querySelector('.job-pager')?.dataset.total === '\(queued.total)'"),
                "the search in the address")
            #expect(try await browser.dataRows("tr.job-result").map { $0["job-id"] } == queued.jobs.map(\.id))
        }
    }

    @Test(.enabled(if: !HeadlessChromium.skipped, "GPLR_SKIP_BROWSER_TESTS=1"))
    func finishedRunShowsTopAffinityAndPersonaCoOccurrence() async throws {
        let chromium = try #require(HeadlessChromium.find(), Comment(rawValue: HeadlessChromium.missing))
        let data = try DistributedDataset(users: 400, items: 200, personas: 5)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let dashboard = try await DashboardProcess(redis: server.url, directory: data.directory)
        try await data.finishedRun("done-run", on: server)
        let out = data.directory.file("out-done-run")

        // What the output files say, read apart from the code that summarises: Φ from phi.jsonl, sources from
        // phi.csv, Ψ from psi.npy.
        let phi = try String(contentsOfFile: out + "/phi.jsonl", encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(PhiLine.self, from: Data($0.utf8))
        }
        let table = try #require(CSVTable.parse(try String(contentsOfFile: out + "/phi.csv", encoding: .utf8)))
        let inferred = Set(table.dropFirst().filter { $0.count == 3 && $0[2] == "inferred" }.map { $0[0] })
        let psi = try #require(NPYFile(path: out + "/psi.npy"))
        let index = try JSONDecoder().decode(
            PsiIndex.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/psi-index.json")))
        let width = index.columns.count

        let history = try await dashboard.get(DashboardPayload.History.self, "api/runs/done-run/history")
        let summary = try #require(history.summary, "no summary of the finished run")
        let coverage = try #require(history.coverage)
        let edges = summary.topAffinity.edges
        var expected = [Int](repeating: 0, count: edges.count - 1)
        for (row, user) in index.rows.enumerated() where inferred.contains(user) {
            let top = psi.values[(row * width)..<(row * width + width)].max() ?? 0
            var bin = 0
            while bin + 1 < expected.count && top >= edges[bin + 1] { bin += 1 }
            expected[bin] += 1
        }
        #expect(summary.topAffinity.counts == expected && summary.topAffinity.users == coverage.reached)
        #expect(expected.reduce(0, +) == inferred.count)
        var pairs: [String: [String: Int]] = [:]
        for line in phi {
            for a in Set(line.personas) { for b in Set(line.personas) { pairs[a, default: [:]][b, default: 0] += 1 } }
        }
        let co = summary.coOccurrence
        #expect(co.personas == index.columns && co.omittedPersonas == 0)
        for (i, a) in co.personas.enumerated() {
            #expect(co.users[i] == co.personas.map { pairs[a]?[$0] ?? 0 }, "\(a)")
        }
        #expect(co.users.indices.allSatisfy { co.users[$0][$0] > 0 }, "every persona has users")

        // report.json holds the same; the run record's report does not (the summary has its own key).
        let document = try JSONDecoder().decode(
            RunReportDocument.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/report.json")))
        #expect(document.assignmentSummary == summary)
        let client = try RedisClient(url: server.url)
        let record = try #require(try await RunRecordStore(client: client).load(run: "done-run"))
        #expect(record.report != nil && record.report?.assignmentSummary == nil)
        #expect(try await RunSummaryStore(client: client).load(run: "done-run") == summary)

        // The page: one bar per bin and one cell per pair, with the numbers of the API.
        let browser = try DevToolsBrowser(chromium: chromium, directory: data.directory)
        try await browser.open(dashboard.url)
        let histogram = #"figure[data-chart="top-affinity"][data-run-id="done-run"]"#
        let grid = #"figure[data-chart="co-occurrence"][data-run-id="done-run"]"#
        #expect(try await browser.waitUntil("document.querySelector('\(grid)') !== null"), "no co-occurrence chart")
        let bins = try await browser.dataRows("\(histogram) tr[data-bin]")
        #expect(bins.map { Int($0["users"] ?? "") } == expected)
        #expect(bins.map { Double($0["low"] ?? "") } == Array(edges.dropLast()))
        #expect(try await browser.dataRows("\(histogram) rect[data-bin]").count == expected.count)
        let cells = try await browser.dataRows("\(grid) tr[data-row]")
        let m = co.personas.count
        #expect(cells.count == m * (m + 1) / 2)
        for cell in cells {
            let a = try #require(cell["row"]), b = try #require(cell["column"])
            #expect(Int(cell["users"] ?? "") == pairs[a]?[b] ?? 0, "\(cell)")
        }
        #expect(try await browser.dataRows("\(grid) rect[data-row]").count == m * m)
        await client.close()
    }

    private struct PhiLine: Decodable {
        var user: String
        var personas: [String]
    }

    private struct PsiIndex: Decodable {
        var rows: [String]
        var columns: [String]
    }

    /// Whether a number the page wrote equals `value` (to 1e-9; `nil` only matches `nil` or an empty attribute).
    private func close(_ text: String?, _ value: Double?) -> Bool {
        guard let value else { return text == nil || text == "" }
        guard let text, let shown = Double(text) else { return false }
        return abs(shown - value) <= 1e-9 * max(1, abs(value))
    }
}
