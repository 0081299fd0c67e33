import Foundation
import GPLRTestSupport
import Synchronization
import Testing

@testable import Coordinator
@testable import GPLRRedis
@testable import GPLRRuntime
@testable import GPLRSupport

/// The dashboard's history charts and controls in a real headless Chromium (over the DevTools pipe) during a live
/// run: each chart's data as the page holds it is what the API's history says; the persona shares are of users;
/// Discard, Cancel and Clean, clicked in the page, change Redis as `gplr` would; so do Pause and Resume of a queue.
@Suite(.serialized, .timeLimit(.minutes(5))) struct DashboardConsoleBrowserTests {
    @Test(.enabled(if: !HeadlessChromium.skipped, "GPLR_SKIP_BROWSER_TESTS=1"))
    func chartsFollowTheLiveRunAndTheControlsAct() async throws {
        let chromium = try #require(HeadlessChromium.find(), Comment(rawValue: HeadlessChromium.missing))
        let data = try DistributedDataset(users: 400, items: 200, personas: 5)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let dashboard = try await DashboardProcess(
            redis: server.url, directory: data.directory, extra: ["--sample-seconds", "0.5"])
        let client = try RedisClient(url: server.url)
        let keys = RedisKeys()

        // A finished run of two iterations: the iteration timeline and the persona shares.
        try await data.finishedRun("done-run", on: server)

        // A live run that waits on its dead-lettered label jobs (every one fails; no worker left), sampled by
        // gplr serve meanwhile.
        let faulty = try TestWorker(url: server.url, graph: data.graph) { envelope in
            envelope.runID == "live-run" && envelope.kind == LabelJobDefinition.kind ? "planted failure" : nil
        }
        var live = try data.coordinator(server)
        live.timeout = .seconds(900)
        let prepared = live
        let queue = JobQueue(client: client)
        let ended = CoordinatorEnded()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                _ = try? await prepared.start(data.newRun("live-run", parameters: data.parameters(budget: 40)))
                ended.flag.withLock { $0 = true }
            }
            defer { group.cancelAll() }
            let settled = try await withWorker(faulty) {
                try await poll(timeout: .seconds(60)) { () -> Bool? in
                    let stats = try await queue.stats(run: "live-run")
                    return stats.enqueued > 0 && stats.deadLettered == stats.enqueued && stats.isSettled
                        && stats.running == 0 ? true : nil
                }
            }
            #expect(settled == true, "the live run's label jobs were not all dead-lettered")
            let letters = try await queue.deadLetters(run: "live-run").map(\.jobID)
            try #require(letters.count >= 2, "the preflight's label jobs: \(letters)")

            // One dead letter per page, so that the pager shows.
            let browser = try DevToolsBrowser(chromium: chromium, directory: data.directory)
            try await browser.open(dashboard.url + "?dead_page_size=1")
            let queueChart = #"figure[data-chart="queue"][data-run-id="live-run"]"#
            let throughputChart = #"figure[data-chart="throughput"][data-run-id="live-run"]"#
            let drawn = try await browser.waitUntil(
                "(document.querySelector('\(queueChart)')?.dataset.points ?? 0) >= 3")
            #expect(drawn, "the live run's queue chart never had 3 samples")

            // The charts' data, read from the page, against the API's history read after them: the page redraws
            // with each new sample, and a sample never changes once stored, so every row drawn is in that history
            // (its 720 samples outlast this test).
            let queueRows = try await rows(browser, "\(queueChart) tr[data-at]")
            let throughputRows = try await rows(browser, "\(throughputChart) tr[data-at]")
            let history = try await dashboard.get(DashboardPayload.History.self, "api/runs/live-run/history")
            let byTime = Dictionary(history.samples.map { ($0.at, $0) }) { first, _ in first }
            #expect(queueRows.count >= 3)
            for row in queueRows {
                let sample = try #require(byTime[Int64(row["at"] ?? "") ?? -1], "no sample at \(row)")
                let kinds = sample.kinds.values
                #expect(Int(row["queued"] ?? "") == kinds.reduce(0) { $0 + $1.queued }, "\(row)")
                #expect(Int(row["running"] ?? "") == kinds.reduce(0) { $0 + $1.running }, "\(row)")
                #expect(Int(row["dead"] ?? "") == kinds.reduce(0) { $0 + $1.dead }, "\(row)")
                #expect(Int(row["enqueued"] ?? "") == kinds.reduce(0) { $0 + $1.enqueued }, "\(row)")
            }
            #expect(!throughputRows.isEmpty)
            for row in throughputRows {
                let sample = try #require(byTime[Int64(row["at"] ?? "") ?? -1], "no sample at \(row)")
                #expect(Int(row["done"] ?? "") == sample.kinds.values.reduce(0) { $0 + $1.done }, "\(row)")
                #expect(Int(row["failures"] ?? "") == sample.failures, "\(row)")
            }
            // Samples taken while the jobs were still failing may show fewer dead letters; the newest (taken after
            // they settled, while the page drew its points) shows them all.
            #expect(history.samples.allSatisfy { ($0.kinds["label"]?.dead ?? 0) <= letters.count })
            #expect(history.samples.last?.kinds["label"]?.dead == letters.count, "\(history.samples)")

            // The finished run's iteration timeline: labeling and affinity seconds per iteration, as recorded.
            let done = try await dashboard.get(DashboardPayload.History.self, "api/runs/done-run/history")
            #expect(done.iterations.map(\.iteration) == [1, 2])
            #expect(done.iterations.allSatisfy { $0.labelingSeconds != nil && $0.affinitySeconds != nil })
            let iterationRows = try await rows(
                browser, #"figure[data-chart="iterations"][data-run-id="done-run"] tr[data-iteration]"#)
            #expect(iterationRows.count == done.iterations.count)
            for (row, iteration) in zip(iterationRows, done.iterations) {
                #expect(Int(row["iteration"] ?? "") == iteration.iteration)
                #expect(close(row["labeling-seconds"], iteration.labelingSeconds), "\(row)")
                #expect(close(row["affinity-seconds"], iteration.affinitySeconds), "\(row)")
                #expect(close(row["seconds"], iteration.seconds), "\(row)")
            }

            // The finished run's coverage: labeled, reached and unreachable users as the report says, shares of all.
            let coverage = try #require(done.coverage, "no coverage of the finished run")
            #expect(coverage.users == 400 && coverage.labeled + coverage.reached + coverage.unreachable == 400)
            #expect(coverage.labeled > 0 && coverage.reached > 0, "\(coverage)")
            #expect(history.coverage == nil, "a running run has no coverage yet")
            let coverageRows = try await rows(
                browser, #"figure[data-chart="coverage"][data-run-id="done-run"] tr[data-part]"#)
            #expect(coverageRows.map { $0["part"] } == ["labeled", "reached", "unreachable"])
            #expect(
                coverageRows.map { Int($0["users"] ?? "") }
                    == [coverage.labeled, coverage.reached, coverage.unreachable])
            for row in coverageRows {
                #expect(close(row["share"], Double(row["users"] ?? "").map { $0 / 400 }), "\(row)")
            }
            #expect(
                try await browser.evaluate(
                    #"document.querySelector('figure[data-chart="coverage"][data-run-id="live-run"]') === null"#)
                    as? Bool == true)

            // Persona shares are of users (every user of the finished run), as gplr run prints them.
            let detail = try await dashboard.get(DashboardPayload.RunDetail.self, "api/runs/done-run")
            let personas = try #require(detail.personas)
            #expect(personas.source == "assigned" && personas.users == 400)
            let shares = try #require(
                try await browser.evaluate(
                    #"JSON.stringify(Object.fromEntries([...document.querySelectorAll('.persona[data-run-id="done-run"]')].map((e) => [e.dataset.persona, Number(e.dataset.share)])))"#
                ) as? String)
            let shown = try JSONDecoder().decode([String: Double].self, from: Data(shares.utf8))
            #expect(shown.count == personas.entries.count)
            for entry in personas.entries {
                #expect(close(shown[entry.name].map { String($0) }, 100 * entry.value / 400), "\(entry.name)")
            }

            // The pager: the first dead letter by id, then Next shows the second.
            let pager = #".pager[data-run-id="live-run"]"#
            #expect(
                try await browser.waitUntil(
                    "document.querySelector('\(pager)')?.dataset.total === '\(letters.count)'"), "no pager")
            #expect(try await shownDeadLetters(browser) == [letters[0]])
            _ = try await browser.evaluate(
                "document.querySelector('button[data-action=\"dead-next\"][data-run-id=\"live-run\"]').click(), true")
            #expect(
                try await browser.waitUntil("document.querySelector('\(pager)')?.dataset.offset === '1'"), "no page 2")
            let page = try await dashboard.get(
                DashboardPayload.DeadLetterPage.self, "api/runs/live-run/dead-letters?offset=1&limit=1")
            #expect(page.jobs.map(\.id) == [letters[1]] && page.total == letters.count)
            #expect(try await shownDeadLetters(browser) == [letters[1]])
            let deadJob = letters[1]

            // Job detail: a click on the job id shows what Redis holds about it.
            _ = try await browser.evaluate(
                "document.querySelector('button[data-action=\"job-detail\"][data-job-id=\"\(deadJob)\"]').click(), true"
            )
            let panel = #".job-detail[data-run-id="live-run"]"#
            #expect(
                try await browser.waitUntil("document.querySelector('\(panel)')?.dataset.jobId === '\(deadJob)'"),
                "no detail of \(deadJob)")
            let job = try await dashboard.get(DashboardPayload.JobDetail.self, "api/runs/live-run/jobs/\(deadJob)")
            #expect(job.state == "dead_lettered" && job.kind == "label" && job.error == "planted failure")
            #expect(job.payload?.fields["users"] != nil, "the label job's users, counted")
            let shownJob = try #require(try await rows(browser, panel).first)
            #expect(shownJob["state"] == "dead_lettered")
            #expect(shownJob["deliveries"] == job.deliveries.map(String.init))
            #expect(shownJob["attempt"] == job.attempt.map(String.init))
            #expect(shownJob["payload-bytes"] == job.payload.map { String($0.bytes) })
            // Its attempts timeline: one delivery, to the test worker, dead-lettered; the page's rows are the API's.
            #expect(job.attempts.map(\.worker) == ["test-worker"] && job.attempts.map(\.outcome) == ["dead_lettered"])
            let shownAttempts = try await rows(browser, "\(panel) tr.attempt")
            #expect(shownAttempts.map { $0["worker"] } == job.attempts.map(\.worker))
            #expect(shownAttempts.map { $0["outcome"] } == job.attempts.map(\.outcome))
            #expect(shownAttempts.map { $0["started-at"] } == job.attempts.map { String($0.startedAt) })
            #expect(shownAttempts.map { $0["ended-at"] } == job.attempts.map { $0.endedAt.map(String.init) })

            // Discard: two clicks (the first arms the button); the dead letter is gone for good.
            let discard = "document.querySelector('button[data-action=\"discard\"][data-job-id=\"\(deadJob)\"]')"
            #expect(try await browser.waitUntil("\(discard) !== null"), "no Discard button for \(deadJob)")
            try await clickTwice(browser, discard)
            #expect(try await announced(browser, "Discarded 1 dead letter of run live-run."))
            let stats = try await queue.stats(run: "live-run")
            #expect(stats.deadLettered == letters.count - 1)
            let discarded = try await client.send("HGET", RedisArgument(keys.run("live-run").counters), "discarded")
            #expect(discarded.int == 1)
            #expect(try await queue.deadLetters(run: "live-run").map(\.jobID) == letters.filter { $0 != deadJob })
            #expect(try await queue.jobInfo(run: "live-run", jobID: deadJob).isKnown == false)

            // Cancel the live run from the page.
            let cancel = "document.querySelector('button[data-action=\"cancel\"][data-run-id=\"live-run\"]')"
            #expect(try await browser.waitUntil("\(cancel) !== null"), "no Cancel button for the live run")
            try await clickTwice(browser, cancel)
            #expect(try await announced(browser, "Cancelled run live-run (was running)"))
            let phase = try await RunRecordStore(client: client).phase(run: "live-run")
            #expect(phase == .cancelled)
            let series = try await client.send("LLEN", RedisArgument(keys.run("live-run").series))
            #expect((series.int ?? 0) >= 3, "the live run's samples are in Redis")

            // Clean finished runs (once the cancelled run's coordinator has stopped writing its record): both runs'
            // keys, the samples with them, are deleted.
            let stopped = await poll(timeout: .seconds(60)) { ended.flag.withLock { $0 } ? true : nil }
            #expect(stopped == true, "the live run's coordinator did not stop after the cancel")
            let prune = "document.querySelector('button[data-action=\"prune\"]')"
            #expect(try await browser.waitUntil("\(prune)?.dataset.finished === '2'"), "no Clean button for 2 runs")
            try await clickTwice(browser, prune)
            #expect(try await announced(browser, "Cleaned 2 finished runs"))
            let retention = RunDataRetention(client: client)
            for run in ["done-run", "live-run"] {
                #expect(try await retention.runKeys(run) == [keys.run(run).state], "\(run)'s keys are gone")
                #expect(try await client.send("EXISTS", RedisArgument(keys.run(run).state)).int == 0)
            }
            #expect(try await dashboard.get(DashboardPayload.Runs.self, "api/runs").runs.isEmpty)
            #expect(try await browser.waitUntil("document.querySelectorAll('article.run').length === 0"))
        }
    }

    /// The queue table's Pause and Resume buttons, clicked in the page, set and clear the queue driver's flag that
    /// workers read; the row shows the state.
    @Test(.enabled(if: !HeadlessChromium.skipped, "GPLR_SKIP_BROWSER_TESTS=1"))
    func pauseAndResumeButtonsActOnTheQueue() async throws {
        let chromium = try #require(HeadlessChromium.find(), Comment(rawValue: HeadlessChromium.missing))
        let directory = try TemporaryDirectory(prefix: "gplr-dash-pause-browser")
        defer { directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let dashboard = try await DashboardProcess(redis: server.url, directory: directory)
        let client = try RedisClient(url: server.url)
        let queue = JobQueue(client: client)
        // A running run with a label job waiting: its card says when the queue it waits on is paused.
        try await RunRecordStore(client: client).create(DashboardControlsTests.record("busy", phase: .running))
        try await queue.enqueue([
            JobEnvelope(id: "label-t1-0000", runID: "busy", kind: LabelJobDefinition.kind, payload: Data("{}".utf8))
        ])
        let browser = try DevToolsBrowser(chromium: chromium, directory: directory)
        try await browser.open(dashboard.url)
        let note = #"document.querySelector('article.run[data-run-id="busy"] [data-field="paused"]')"#

        let row = #"document.querySelector('tr.queue[data-queue-kind="label"]')"#
        let pause = #"document.querySelector('button[data-action="pause-queue"][data-queue-kind="label"]')"#
        let resume = #"document.querySelector('button[data-action="resume-queue"][data-queue-kind="label"]')"#
        #expect(try await browser.waitUntil("\(row)?.dataset.paused === 'false' && \(pause) !== null"), "no Pause")
        _ = try await browser.evaluate("\(pause).click(), true")
        #expect(try await announced(browser, "Queue label paused."))
        #expect(try await browser.waitUntil("\(row)?.dataset.paused === 'true' && \(resume) !== null"), "not paused")
        #expect(try await queue.pausedQueues().keys.map(\.rawValue) == ["label"])
        #expect(try await browser.waitUntil("\(note)?.dataset.kinds === 'label'"), "the run does not say it waits")
        let state = try await browser.evaluate("\(row).querySelector('.queue-state').textContent") as? String
        #expect(state?.hasPrefix("paused since") == true, "\(String(describing: state))")
        #expect(
            try await browser.evaluate(
                #"document.querySelector('tr.queue[data-queue-kind="affinity"]').dataset.paused"#) as? String
                == "false")

        _ = try await browser.evaluate("\(resume).click(), true")
        #expect(try await announced(browser, "Queue label resumed."))
        #expect(try await browser.waitUntil("\(row)?.dataset.paused === 'false' && \(pause) !== null"), "not resumed")
        #expect(try await browser.waitUntil("\(note) === null"), "the run still says it waits")
        #expect(try await queue.pausedQueues().isEmpty)
    }

    /// The job search, driven in the page: a state filter and a text search give the rows the API gives, and Next
    /// shows the following page.
    @Test(.enabled(if: !HeadlessChromium.skipped, "GPLR_SKIP_BROWSER_TESTS=1"))
    func jobSearchFiltersAndPagesInThePage() async throws {
        let chromium = try #require(HeadlessChromium.find(), Comment(rawValue: HeadlessChromium.missing))
        let directory = try TemporaryDirectory(prefix: "gplr-dash-search-browser")
        defer { directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let dashboard = try await DashboardProcess(redis: server.url, directory: directory)
        let planted = try await PlantedJobs.plant(redis: server.url)
        let browser = try DevToolsBrowser(chromium: chromium, directory: directory)
        try await browser.open(dashboard.url + "?job_page_size=3")
        let run = PlantedJobs.run
        #expect(
            try await browser.waitUntil(
                "[...document.querySelectorAll('#job-run option')].some((o) => o.value === '\(run)')"
                    + " && document.querySelectorAll('#job-kind option').length > 1"),
            "the run and kinds were never offered")

        // state = dead: the dead label job, with its error.
        let setAndSearch = { (state: String, kind: String, text: String) in
            "document.getElementById('job-run').value = '\(run)'; document.getElementById('job-state').value = '\(state)';"
                + "document.getElementById('job-kind').value = '\(kind)'; document.getElementById('job-text').value = '\(text)';"
                + "document.getElementById('job-search-button').click(), true"
        }
        _ = try await browser.evaluate(setAndSearch("dead", "", ""))
        let pager = "document.querySelector('.job-pager')"
        #expect(try await browser.waitUntil("\(pager)?.dataset.total === '1'"), "no result of the dead filter")
        let dead = try await rows(browser, "tr.job-result")
        #expect(dead.map { $0["job-id"] } == [planted.dead] && dead.first?["state"] == "dead")

        // Text in the error, any case, then queued label jobs over two pages of 3.
        // (The dead filter's page looks the same, so wait for the page of this search: its query is on the pager.)
        _ = try await browser.evaluate(setAndSearch("", "", "BOOM"))
        #expect(
            try await browser.waitUntil(
                "\(pager)?.dataset.query.startsWith('q=BOOM&') && \(pager)?.dataset.total === '1'"
                    + " && document.querySelector('tr.job-result')?.dataset.jobId === '\(planted.dead)'"
            ))
        _ = try await browser.evaluate(setAndSearch("queued", "label", ""))
        #expect(try await browser.waitUntil("\(pager)?.dataset.total === '4' && \(pager)?.dataset.offset === '0'"))
        let api = try await dashboard.get(
            DashboardPayload.JobPage.self, "api/runs/\(run)/jobs?state=queued&kind=label&limit=100")
        let first = try await rows(browser, "tr.job-result")
        #expect(first.map { $0["job-id"] ?? "" } == Array(api.jobs.map(\.id).prefix(3)))
        #expect(first.allSatisfy { $0["state"] == "queued" && $0["kind"] == "label" && $0["iteration"] == "1" })
        _ = try await browser.evaluate("document.querySelector('button[data-action=\"job-page-next\"]').click(), true")
        #expect(try await browser.waitUntil("\(pager)?.dataset.offset === '3'"), "no second page")
        let second = try await rows(browser, "tr.job-result")
        #expect(second.map { $0["job-id"] ?? "" } == Array(api.jobs.map(\.id).dropFirst(3)))

        // A slow earlier search never replaces a newer one: the page's fetch holds the text search's answer back by
        // a second, so it arrives after the queued search's (it replaced that page before the fix). `slowDone` is set
        // by a timer queued once that answer's body is read, so it runs after the page has handled it.
        _ = try await browser.evaluate(
            "window.realFetch = window.realFetch || window.fetch; window.fetch = (url, options) =>"
                + " !String(url).includes('q=BOOM') ? window.realFetch(url, options)"
                + " : new Promise((done) => setTimeout(done, 1000)).then(() => window.realFetch(url, options))"
                + ".then((r) => { const json = r.json.bind(r); r.json = () => json().then((body) => {"
                + " setTimeout(() => { window.slowDone = true; }, 0); return body; }); return r; }); true")
        _ = try await browser.evaluate(setAndSearch("", "", "BOOM"))
        _ = try await browser.evaluate(setAndSearch("queued", "label", ""))
        #expect(try await browser.waitUntil("window.slowDone === true"), "the held-back search never answered")
        #expect(
            try await browser.evaluate(
                "\(pager)?.dataset.query.startsWith('state=queued&kind=label&') && \(pager)?.dataset.total === '4'")
                as? Bool == true, "the earlier search's answer replaced the newer one")
    }

    /// The `data-*` attributes of the elements `selector` finds.
    private func rows(_ browser: DevToolsBrowser, _ selector: String) async throws -> [[String: String]] {
        try await browser.dataRows(selector)
    }

    /// The job ids of the dead-letter rows of the live run the page shows.
    private func shownDeadLetters(_ browser: DevToolsBrowser) async throws -> [String] {
        try await rows(browser, #"tr.job[data-state="dead"][data-run-id="live-run"]"#).compactMap { $0["job-id"] }
    }

    /// Clicks a two-step control: arms it, then (found again, as the page may have been redrawn) confirms.
    private func clickTwice(_ browser: DevToolsBrowser, _ button: String) async throws {
        _ = try await browser.evaluate("\(button).click(), true")
        #expect(try await browser.waitUntil("\(button)?.dataset.armed === 'true'"), "\(button) not armed")
        _ = try await browser.evaluate("\(button).click(), true")
    }

    /// Waits until the page's message includes `text`.
    private func announced(_ browser: DevToolsBrowser, _ text: String) async throws -> Bool {
        let message = "document.getElementById('message').textContent"
        let seen = try await browser.waitUntil("\(message).includes(\(String(reflecting: text)))")
        if !seen { Issue.record("page message: \(String(describing: try await browser.evaluate(message)))") }
        return seen
    }

    /// Whether a number the page wrote equals `value` (to 1e-9; `nil` only matches `nil` or an empty attribute).
    private func close(_ text: String?, _ value: Double?) -> Bool {
        guard let value else { return text == nil || text == "" }
        guard let text, let shown = Double(text) else { return false }
        return abs(shown - value) <= 1e-9 * max(1, abs(value))
    }
}

/// Set when the in-process coordinator of the live run has returned.
private final class CoordinatorEnded: Sendable {
    let flag = Mutex(false)
}
