import Foundation
import GPLRTestSupport
import Testing

@testable import Coordinator
@testable import GPLRHTTP
@testable import GPLRRedis
@testable import GPLRRuntime

/// The dashboard's controls and history over real HTTP and a real redis-server, without a browser: the same guards
/// as the retry, the answers for unknown or finished runs, and the sample list's rules (only running runs, a
/// minimum gap, a cap).
@Suite(.serialized, .timeLimit(.minutes(3))) struct DashboardControlsTests {
    @Test func controlsAreGuardedAndAnswerForUnknownAndFinishedRuns() async throws {
        let directory = try TemporaryDirectory(prefix: "gplr-dash-controls")
        defer { directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let dashboard = try await DashboardProcess(redis: server.url, directory: directory)
        let client = try RedisClient(url: server.url)
        let store = RunRecordStore(client: client)
        try await store.create(Self.record("old", phase: .done))
        try await store.create(Self.record("busy", phase: .running))

        let posts = ["api/runs/busy/cancel", "api/runs/busy/discard", "api/runs/prune"]
        for path in posts {
            let form = try await dashboard.request(path, method: .post, body: "{}")
            #expect(form.status == 415, "\(path) without a JSON content type")
            let foreign = try await dashboard.request(
                path, method: .post, body: "{}",
                headers: [DashboardProcess.json, HTTPHeader(name: "Origin", value: "http://evil.test")])
            #expect(foreign.status == 403, "\(path) from another origin")
        }
        #expect(try await store.phase(run: "busy") == .running, "a refused cancel changes nothing")

        let json = [DashboardProcess.json]
        #expect(try await dashboard.request("api/runs/nope/cancel", method: .post, headers: json).status == 404)
        let finished = try await dashboard.request("api/runs/old/cancel", method: .post, body: "{}", headers: json)
        #expect(finished.status == 409, "\(String(decoding: finished.body, as: UTF8.self))")
        #expect(try await store.phase(run: "old") == .done)
        let empty = try await dashboard.request("api/runs/busy/discard", method: .post, body: "{}", headers: json)
        #expect(empty.status == 400)
        let none = try await dashboard.request(
            "api/runs/busy/discard", method: .post, body: #"{"jobs": ["label-x"]}"#, headers: json)
        #expect(none.status == 200)
        let result = try JSONDecoder().decode(DashboardPayload.DiscardResult.self, from: none.body)
        #expect(result.discarded.isEmpty && result.notDeadLettered == ["label-x"])
        #expect(try await dashboard.request("api/runs/nope/history").status == 404)
        #expect(try await dashboard.request("api/runs/busy/jobs/label-x").status == 404)
        #expect(try await dashboard.request("api/runs/busy/dead-letters?offset=-1").status == 400)
        let page = try await dashboard.get(DashboardPayload.DeadLetterPage.self, "api/runs/busy/dead-letters?limit=500")
        #expect(page.total == 0 && page.jobs.isEmpty && page.limit == DashboardAPI.listLimit)

        // Prune with a cutoff keeps the run finished just now; without one it goes. The running run stays.
        let recent = try await dashboard.request(
            "api/runs/prune", method: .post, body: #"{"older_than_seconds": 3600}"#, headers: json)
        #expect(try JSONDecoder().decode(DashboardPayload.PruneResult.self, from: recent.body).runs.isEmpty)
        let ancient = try await dashboard.request(
            "api/runs/prune", method: .post, body: #"{"older_than_seconds": 1e300}"#, headers: json)
        #expect(try JSONDecoder().decode(DashboardPayload.PruneResult.self, from: ancient.body).runs.isEmpty)
        let negative = try await dashboard.request(
            "api/runs/prune", method: .post, body: #"{"older_than_seconds": -1}"#, headers: json)
        #expect(negative.status == 400)
        let pruned = try await dashboard.request("api/runs/prune", method: .post, body: "", headers: json)
        let answer = try JSONDecoder().decode(DashboardPayload.PruneResult.self, from: pruned.body)
        #expect(answer.runs.map(\.id) == ["old"] && answer.keys >= 1)
        #expect(try await store.runIDs() == ["busy"])

        let cancelled = try await dashboard.request("api/runs/busy/cancel", method: .post, headers: json)
        #expect(cancelled.status == 200)
        let cancel = try JSONDecoder().decode(DashboardPayload.CancelResult.self, from: cancelled.body)
        #expect(cancel.previousPhase == "running" && cancel.droppedJobs == 0)
        #expect(try await store.phase(run: "busy") == .cancelled)
    }

    /// Pause and resume of a queue: guarded like the other controls, the same flag as `gplr queue pause|resume`,
    /// shown by `/api/queues` and `gplr status`.
    @Test func queuePauseIsGuardedAndSharedWithTheCLIAndStatus() async throws {
        let directory = try TemporaryDirectory(prefix: "gplr-dash-pause")
        defer { directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let dashboard = try await DashboardProcess(redis: server.url, directory: directory)
        let queue = JobQueue(client: try RedisClient(url: server.url))
        let json = [DashboardProcess.json]
        for path in ["api/queues/label/pause", "api/queues/label/resume"] {
            #expect(try await dashboard.request(path, method: .post, body: "{}").status == 415, "\(path)")
            let foreign = try await dashboard.request(
                path, method: .post, body: "{}",
                headers: [DashboardProcess.json, HTTPHeader(name: "Sec-Fetch-Site", value: "cross-site")])
            #expect(foreign.status == 403, "\(path) from another site")
        }
        #expect(try await queue.pausedQueues().isEmpty, "a refused pause changes nothing")
        #expect(try await dashboard.request("api/queues/nope/pause", method: .post, headers: json).status == 404)

        let paused = try await dashboard.request("api/queues/label/pause", method: .post, body: "{}", headers: json)
        #expect(paused.status == 200)
        let answer = try JSONDecoder().decode(DashboardPayload.Queues.PauseResult.self, from: paused.body)
        #expect(answer.kind == "label" && answer.paused && answer.changed)
        let again = try await dashboard.request("api/queues/label/pause", method: .post, body: "{}", headers: json)
        #expect(try JSONDecoder().decode(DashboardPayload.Queues.PauseResult.self, from: again.body).changed == false)
        let queues = try await dashboard.get(DashboardPayload.Queues.self, "api/queues")
        #expect(queues.kinds.filter(\.paused).map(\.kind) == ["label"])
        #expect(queues.kinds.first { $0.kind == "label" }?.pausedSince != nil)
        #expect(queues.kinds.first { $0.kind == "affinity" }?.pausedSince == nil)
        #expect(try await queue.pausedSince(kind: LabelJobDefinition.kind) != nil)

        // gplr status says so, in JSON and text; gplr queue resume lifts it.
        #expect(try await statusJSON(redis: server.url).pausedQueues.map(\.kind) == ["label"])
        let text = try await runOffThePool(["status", "--redis", server.url])
        #expect(text.stdout.contains("queue label paused since"), "\(text.stdout)")
        #expect(text.stdout.contains("`gplr queue resume label`"))
        let resumed = try await runOffThePool(["queue", "resume", "label", "--json", "--redis", server.url])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let result = try JSONDecoder().decode(QueueCommand.Result.self, from: Data(resumed.stdout.utf8))
        #expect(result == QueueCommand.Result(kind: "label", paused: false, changed: true))
        #expect(try await queue.pausedQueues().isEmpty)
        #expect(try await statusJSON(redis: server.url).pausedQueues.isEmpty)
        #expect(try await dashboard.get(DashboardPayload.Queues.self, "api/queues").kinds.allSatisfy { !$0.paused })
        let pause = try await runOffThePool(["queue", "pause", "affinity", "--redis", server.url])
        #expect(pause.status == 0 && pause.stdout.contains("queue affinity paused"), "\(pause.stderr)")
        #expect(try await queue.pausedQueues().keys.map(\.rawValue) == ["affinity"])
        let unknown = try await runOffThePool(["queue", "pause", "nope", "--redis", server.url])
        #expect(unknown.status != 0 && unknown.stderr.contains("no job kind 'nope'"), "\(unknown.stderr)")
    }

    @Test func samplesAreKeptOnlyForRunningRunsAtAMinimumGapAndCapped() async throws {
        let server = try RedisServer()
        defer { server.stop() }
        let client = try RedisClient(url: server.url)
        let store = RunRecordStore(client: client)
        try await store.create(Self.record("r", phase: .running))
        try await store.create(Self.record("f", phase: .failed))
        var series = RunSeriesStore(client: client)
        series.capacity = 3
        func sample(_ at: Int64) -> RunSample {
            RunSample(
                at: at, iteration: 1, failures: Int(at), costUSD: 0.5,
                kinds: ["label": .init(enqueued: 4, done: 1, running: 1, queued: 2, dead: 0)])
        }
        #expect(try await series.append(sample(1000), run: "r", minimumGap: .seconds(1)))
        #expect(!(try await series.append(sample(1500), run: "r", minimumGap: .seconds(1))), "too soon")
        for at in [2000, 3000, 4000, 5000] as [Int64] {
            #expect(try await series.append(sample(at), run: "r", minimumGap: .seconds(1)))
        }
        #expect(try await series.samples(run: "r") == [sample(3000), sample(4000), sample(5000)], "capped at 3")
        #expect(!(try await series.append(sample(9000), run: "f", minimumGap: .seconds(1))), "a finished run")
        #expect(try await client.send("EXISTS", RedisArgument(RedisKeys().run("f").series)).int == 0)
        let keys = try await RunDataRetention(client: client).runKeys("r")
        #expect(keys.contains(RedisKeys().run("r").series), "retention sees the samples")
    }

    static func record(_ id: String, phase: RunPhase) -> RunRecord {
        RunRecord(
            id: id, phase: phase, snapshotHash: "00", users: 10, parameters: RunParameters(), personas: [],
            labeler: .labelsFile(path: "/dev/null", dropProbability: 0, addProbability: 0, seed: 1), labelBatchSize: 4,
            personasPerShard: 2, outputDirectory: "/tmp/none", now: RunRecord.now() - 1000)
    }
}
