import Foundation
import GPLRTestSupport
import Testing

@testable import Coordinator
@testable import GPLRCore
@testable import GPLRRedis
@testable import GPLRRuntime

/// Issue 10: run data leaves Redis. `gplr runs --prune` deletes exactly the finished runs' keys and leaves the
/// running ones; `gplr run --keep-results` puts an expiry on a run's keys when it ends; `gplr cancel` leaves a
/// finished run as it is. Real redis-server, the built `gplr`.
@Suite(.serialized, .timeLimit(.minutes(5))) struct RunRetentionTests {
    /// A run record in `phase` with every kind of per-run key filled in.
    static func seed(
        _ id: String, _ phase: RunPhase, _ client: RedisClient, keys: RedisKeys = RedisKeys(),
        updatedAt: Int64? = nil
    ) async throws {
        let store = RunRecordStore(client: client, keys: keys)
        try await store.create(
            RunRecord(
                id: id, snapshotHash: "abc", users: 3, parameters: RunParameters(),
                personas: [Persona(name: "P", description: "d")],
                labeler: .labelsFile(path: "/l.jsonl", dropProbability: 0, addProbability: 0, seed: 1),
                labelBatchSize: 10, personasPerShard: 5, outputDirectory: "/out"))
        try await store.setPhase(phase, run: id, evenIfCancelled: true)
        if let updatedAt {
            _ = try await client.send("HSET", RedisArgument(keys.run(id).state), "updatedAt", RedisArgument(updatedAt))
        }
        try await fill(id, client, keys: keys)
    }

    /// The run's job set, results, errors, dead letters, counters and a prototypes key.
    static func fill(_ id: String, _ client: RedisClient, keys: RedisKeys = RedisKeys()) async throws {
        let run = keys.run(id)
        _ = try await client.pipeline([
            ["SADD", RedisArgument(run.jobs), "j1"], ["HSET", RedisArgument(run.results), "j1", "r"],
            ["HSET", RedisArgument(run.errors), "j1", "e"], ["HSET", RedisArgument(run.deadLetters), "j1", "{}"],
            ["HSET", RedisArgument(run.counters), "failures", "1"],
            ["SET", RedisArgument(run.base + ":prototypes:1-ff"), "[]"],
            ["SADD", RedisArgument(keys.runs), RedisArgument(id)],
        ])
    }

    /// Every key in the Redis.
    static func keys(_ client: RedisClient) async throws -> Set<String> {
        var keys: Set<String> = []
        var cursor = "0"
        repeat {
            let reply = try await client.send("SCAN", RedisArgument(cursor), "COUNT", 1000)
            let parts = reply.array ?? []
            cursor = parts.first?.string ?? "0"
            for key in parts.last?.array ?? [] { if let key = key.string { keys.insert(key) } }
        } while cursor != "0"
        return keys
    }

    static func runKeys(_ id: String, in all: Set<String>, prefix: String = "gplr") -> Set<String> {
        all.filter { $0.hasPrefix("\(prefix):{run:\(id)}:") }
    }

    @Test func pruneRemovesExactlyTheFinishedRunsKeys() async throws {
        let server = try RedisServer()
        defer { server.stop() }
        let client = try RedisClient(url: server.url)
        for (id, phase) in [
            ("done1", RunPhase.done), ("failed1", .failed), ("cancelled1", .cancelled),
            ("running1", .running), ("created1", .created),
        ] {
            try await Self.seed(id, phase, client)
        }
        try await Self.seed("other-done", .done, client, keys: RedisKeys(prefix: "other"))
        try await Self.fill("jobs-only", client)  // `gplr personas --redis` job runs have no record
        _ = try await client.send("SADD", "gplr:runs", "expired1")  // its keys expired already
        let before = try await Self.keys(client)
        #expect(Self.runKeys("done1", in: before).count == 7)

        let pruned = try await runOffThePool(["runs", "--prune", "--redis", server.url])
        #expect(pruned.status == 0, "\(pruned.stderr)")
        #expect(pruned.stdout.contains("pruned 4 runs, 21 keys"), "\(pruned.stdout)")
        let after = try await Self.keys(client)
        for id in ["done1", "failed1", "cancelled1"] { #expect(Self.runKeys(id, in: after).isEmpty, "\(id)") }
        for id in ["running1", "created1", "jobs-only"] {
            #expect(Self.runKeys(id, in: after) == Self.runKeys(id, in: before), "\(id)")
        }
        #expect(Self.runKeys("other-done", in: after, prefix: "other").count == 7, "another prefix is untouched")
        let registry = try await RunRecordStore(client: client).runIDs()
        #expect(registry == ["created1", "jobs-only", "running1"])
        #expect(
            before.subtracting(after)
                == Set(
                    ["done1", "failed1", "cancelled1"].flatMap {
                        Self.runKeys($0, in: before)
                    }))
    }

    @Test func pruneOlderThanKeepsRecentlyFinishedRuns() async throws {
        let server = try RedisServer()
        defer { server.stop() }
        let client = try RedisClient(url: server.url)
        let twoDaysAgo = RunRecord.now() - 2 * 86_400_000
        try await Self.seed("old", .done, client, updatedAt: twoDaysAgo)
        try await Self.seed("recent", .done, client)
        try await Self.seed("old-running", .running, client, updatedAt: twoDaysAgo)
        let pruned = try await runOffThePool(["runs", "--prune", "--older-than", "1d", "--redis", server.url, "--json"])
        #expect(pruned.status == 0, "\(pruned.stderr)")
        let result = try JSONSerialization.jsonObject(with: Data(pruned.stdout.utf8)) as? [String: Any]
        let runs = result?["runs"] as? [[String: Any]]
        #expect(runs?.map { $0["id"] as? String } == ["old"] && runs?.first?["phase"] as? String == "done")
        #expect(result?["keys"] as? Int == 7, "\(pruned.stdout)")
        let after = try await Self.keys(client)
        #expect(Self.runKeys("old", in: after).isEmpty)
        #expect(Self.runKeys("recent", in: after).count == 7)
        #expect(Self.runKeys("old-running", in: after).count == 7)
        let refused = try await runOffThePool(["runs", "--older-than", "1d", "--redis", server.url])
        #expect(refused.status != 0 && refused.stderr.contains("--older-than needs --prune"))
    }

    @Test func finishedRunGetsTheKeepResultsExpiry() async throws {
        let data = try DistributedDataset(users: 300, items: 150, personas: 4)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let client = try RedisClient(url: server.url)
        let worker = try TestWorker(url: server.url, graph: data.graph)
        let ran = try await withWorker(worker) {
            try await runOffThePool([
                "run", "--redis", server.url, "--run-id", "ttl1", "--snapshot", data.snapshotPath, "--personas",
                data.personasPath, "--labels", data.truthPath, "--out", data.directory.file("out"), "--budget", "30",
                "--iterations", "2", "--poll-milliseconds", "20", "--timeout", "60", "--keep-results", "2h",
            ])
        }
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(ran.stderr.contains("expires in 2h"), "\(ran.stderr)")
        let keys = Self.runKeys("ttl1", in: try await Self.keys(client))
        #expect(keys.contains(RedisKeys().run("ttl1").results) && keys.contains(RedisKeys().run("ttl1").state))
        for key in keys {
            let ttl = try await client.send("TTL", RedisArgument(key)).int ?? -9
            #expect(ttl > 0 && ttl <= 7200, "\(key): TTL \(ttl)")
        }
    }

    @Test func cancelledCoordinatorSetsTheExpiryAndResumeRemovesIt() async throws {
        let data = try DistributedDataset(users: 300, items: 150, personas: 4)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let client = try RedisClient(url: server.url)
        let store = RunRecordStore(client: client)
        // No worker: the coordinator waits for its label jobs until it is cancelled.
        let coordinator = try ProcessHandle(
            product: "gplr",
            [
                "run", "--redis", server.url, "--run-id", "c1", "--snapshot", data.snapshotPath, "--personas",
                data.personasPath, "--labels", data.truthPath, "--out", data.directory.file("out"), "--budget", "30",
                "--iterations", "2", "--poll-milliseconds", "20", "--keep-results", "30m",
            ], directory: data.directory, label: "coordinator")
        defer { coordinator.stop() }
        let waiting = try await poll(timeout: .seconds(60)) {
            try await store.loadWithoutCheckpoint(run: "c1")?.step == "labeling" ? true : nil
        }
        #expect(waiting == true, "\(coordinator.standardError)")
        let cancelled = try await runOffThePool(["cancel", "c1", "--redis", server.url])
        #expect(cancelled.status == 0, "\(cancelled.stderr)")
        #expect(await coordinator.wait(timeout: .seconds(60)) != nil, "the coordinator did not stop")
        let state = RedisKeys().run("c1").state
        let ttl = try await client.send("TTL", RedisArgument(state)).int ?? -9
        #expect(ttl > 0 && ttl <= 1800, "TTL \(ttl): \(coordinator.standardError)")

        // Resumed, the run keeps its data for as long as it runs.
        let resumed = try ProcessHandle(
            product: "gplr",
            [
                "run", "--redis", server.url, "--resume", "c1", "--poll-milliseconds", "20",
            ], directory: data.directory, label: "resumed")
        defer { resumed.stop() }
        let running = try await poll(timeout: .seconds(60)) {
            try await store.phase(run: "c1") == .running ? true : nil
        }
        #expect(running == true, "\(resumed.standardError)")
        #expect(try await client.send("TTL", RedisArgument(state)).int == -1, "no expiry while it runs")
        // (The cancel may have emptied the job set, and the resumed coordinator fills it again: any key may come or go.)
        // Every key but the coordinator lease, whose time to live is its own (renewed while the coordinator lives).
        let lease = RedisKeys().run("c1").coordinator
        for key in Self.runKeys("c1", in: try await Self.keys(client)) where key != lease {
            let keyTTL = try await client.send("TTL", RedisArgument(key)).int ?? 0
            #expect(keyTTL < 0, "\(key): TTL \(keyTTL)")
        }
        let leaseTTL = try await client.send("TTL", RedisArgument(lease)).int ?? 0
        #expect(leaseTTL > 0 && leaseTTL <= 15, "the lease keeps its own expiry: \(leaseTTL)")
    }

    @Test func refusedRunLeavesTheExistingRunsExpiryAlone() async throws {
        let data = try DistributedDataset(users: 200, items: 100, personas: 3)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let client = try RedisClient(url: server.url)
        try await Self.seed("kept", .done, client)  // e.g. kept with --keep-results-forever
        let again = try await runOffThePool([
            "run", "--redis", server.url, "--run-id", "kept", "--snapshot", data.snapshotPath, "--personas",
            data.personasPath, "--labels", data.truthPath, "--out", data.directory.file("out"), "--budget", "20",
        ])
        #expect(again.status != 0 && again.stderr.contains("exists"), "\(again.stderr)")
        let resumed = try await runOffThePool(["run", "--redis", server.url, "--resume", "kept"])
        #expect(resumed.status != 0 && resumed.stderr.contains("nothing to resume"), "\(resumed.stderr)")
        for key in Self.runKeys("kept", in: try await Self.keys(client)) {
            #expect(try await client.send("TTL", RedisArgument(key)).int == -1, "\(key)")
        }
    }

    @Test func cancelLeavesAFinishedRunAsItIs() async throws {
        let server = try RedisServer()
        defer { server.stop() }
        let client = try RedisClient(url: server.url)
        let store = RunRecordStore(client: client)
        for (id, phase) in [("d", RunPhase.done), ("f", .failed), ("c", .cancelled)] {
            try await Self.seed(id, phase, client)
            let refused = try await runOffThePool(["cancel", id, "--redis", server.url])
            #expect(refused.status != 0, "\(id)")
            #expect(refused.stderr.contains("is \(phase.rawValue) already"), "\(refused.stderr)")
            #expect(try await store.phase(run: id) == phase)
        }
        try await Self.seed("r", .running, client)
        let cancelled = try await runOffThePool(["cancel", "r", "--redis", server.url, "--json"])
        #expect(cancelled.status == 0, "\(cancelled.stderr)")
        #expect(try await store.phase(run: "r") == .cancelled)
        let result = try JSONSerialization.jsonObject(with: Data(cancelled.stdout.utf8)) as? [String: Any]
        #expect(result?["run"] as? String == "r" && result?["previous_phase"] as? String == "running")
        #expect(result?["dropped_jobs"] as? Int == 0, "\(cancelled.stdout)")
    }
}
