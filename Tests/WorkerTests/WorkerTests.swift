import Foundation
import GPLRRedis
import GPLRTestSupport
import Testing

@testable import GPLRRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// The built `gplr-worker` against a real redis-server: results equal local computation, bad jobs are
/// dead-lettered without taking the worker down, SIGTERM is graceful, a killed worker's job is reclaimed.
@Suite(.serialized, .timeLimit(.minutes(5))) struct WorkerTests {
    @Test func runsLabelAndAffinityJobsAsTheLocalComputationDoes() async throws {
        try await withRedisServer { server in
            let harness = try await WorkerHarness(server: server)
            defer { harness.remove() }
            try await harness.storePrototypes()
            let label1 = harness.fixture.labelJob(users: Array(0..<40), labelsPath: harness.labelsPath)
            let label2 = harness.fixture.labelJob(
                users: [41, 77, 150, 299], labelsPath: harness.labelsPath, drop: 0.4, add: 0.3, seed: 5)
            let exact = harness.fixture.affinityJob(personas: [0, 2, 5], prototypesKey: harness.prototypesKey)
            let approximate = harness.fixture.affinityJob(
                personas: [1, 3], prototypesKey: harness.prototypesKey, epsilon: 1e-4)
            try await harness.queue.enqueue([
                try harness.envelope("label-1", kind: LabelJobDefinition.kind, payload: label1),
                try harness.envelope("label-2", kind: LabelJobDefinition.kind, payload: label2),
                try harness.envelope("aff-exact", kind: AffinityJobDefinition.kind, payload: exact),
                try harness.envelope("aff-revaff", kind: AffinityJobDefinition.kind, payload: approximate),
            ])
            let worker = try harness.startWorker("w1")
            defer { worker.stop() }

            let ids = ["label-1", "label-2", "aff-exact", "aff-revaff"]
            let results = try await harness.waitForResults(ids)
            #expect(results.count == ids.count, "worker log:\n\(worker.standardError)")
            let decoder = JSONDecoder()
            #expect(
                try decoder.decode(LabelJobResult.self, from: try #require(results["label-1"]))
                    == (try await harness.localLabels(label1)))
            #expect(
                try decoder.decode(LabelJobResult.self, from: try #require(results["label-2"]))
                    == (try await harness.localLabels(label2)))
            let exactShard = try AffinityShardCodec.decode([UInt8](try #require(results["aff-exact"])))
            #expect(exactShard == (try harness.localAffinity(exact)))
            let approximateShard = try AffinityShardCodec.decode([UInt8](try #require(results["aff-revaff"])))
            let reference = try harness.localAffinity(approximate)
            #expect(approximateShard.personas == [1, 3])
            #expect(zip(approximateShard.values, reference.values).allSatisfy { abs($0 - $1) <= 1e-4 + 1e-12 })

            let heartbeat = try #require(try await harness.heartbeat("w1"))
            #expect(heartbeat.kinds == ["label", "affinity", "persona-propose", "persona-merge", "item-label"])
            #expect(heartbeat.concurrency == 2)
            #expect(heartbeat.pid == worker.pid)
            #expect(worker.isRunning)
        }
    }

    @Test func poisonJobsAreDeadLetteredAndTheWorkerKeepsServing() async throws {
        try await withRedisServer { server in
            let harness = try await WorkerHarness(server: server)
            defer { harness.remove() }
            var newer = harness.fixture.labelJob(users: [1], labelsPath: harness.labelsPath)
            newer.version = LabelJob.currentVersion + 1
            let outOfRange = harness.fixture.labelJob(
                users: [2, harness.fixture.graph.userCount + 10], labelsPath: harness.labelsPath)
            let good = harness.fixture.labelJob(users: [3, 4, 5], labelsPath: harness.labelsPath)
            try await harness.queue.enqueue([
                try harness.envelope("newer", kind: LabelJobDefinition.kind, payload: newer),
                try harness.envelope("range", kind: LabelJobDefinition.kind, payload: outOfRange),
                JobEnvelope(
                    id: "garbage", runID: harness.runID, kind: LabelJobDefinition.kind, payload: Data("not json".utf8)),
                try harness.envelope("good", kind: LabelJobDefinition.kind, payload: good),
            ])
            let worker = try harness.startWorker("w1", ["--concurrency", "1"])
            defer { worker.stop() }

            let results = try await harness.waitForResults(["good"])
            #expect(results["good"] != nil, "worker log:\n\(worker.standardError)")
            let newerLetter = try await harness.waitForDeadLetter("newer")
            #expect(newerLetter?.error.contains("version \(LabelJob.currentVersion + 1)") == true)
            #expect(newerLetter?.deliveries == 1)
            let rangeLetter = try await harness.waitForDeadLetter("range")
            #expect(rangeLetter?.error.contains("user \(harness.fixture.graph.userCount + 10) is not in") == true)
            let garbageLetter = try await harness.waitForDeadLetter("garbage")
            #expect(garbageLetter?.error.contains("invalid-payload") == true)
            #expect(worker.isRunning)

            // Still serving after the poison.
            try await harness.queue.enqueue([
                try harness.envelope("after", kind: LabelJobDefinition.kind, payload: good)
            ])
            #expect(try await harness.waitForResults(["after"])["after"] != nil)
            let counted = try await poll(timeout: .seconds(10)) {
                try await harness.heartbeat("w1").flatMap { $0.failed == 3 && $0.done == 2 ? $0 : nil }
            }
            #expect(counted != nil)
        }
    }

    @Test func aCorruptSnapshotFailsTheJobNamingItAndTheWorkerSurvives() async throws {
        try await withRedisServer { server in
            let harness = try await WorkerHarness(server: server)
            defer { harness.remove() }
            // A second snapshot, published in small chunks, one of them corrupted.
            let broken = try JobFixture(userCount: 200, itemCount: 80, edgeCount: 1_200, seed: 99)
            let store = SnapshotStore(client: harness.client, keys: harness.keys, chunkSize: 1024)
            try await store.publish(broken.snapshotBytes, hash: broken.hash)
            let chunkKey = harness.keys.snapshotChunk(hash: broken.hash.hex, index: 1)
            var chunk = try #require(try await harness.client.send("GET", RedisArgument(chunkKey)).bytes)
            chunk[chunk.count / 2] ^= 0xFF
            try await harness.client.send("SET", RedisArgument(chunkKey), RedisArgument(chunk))

            try await harness.queue.enqueue([
                try harness.envelope(
                    "broken", kind: LabelJobDefinition.kind,
                    payload: broken.labelJob(users: [0], labelsPath: harness.labelsPath)),
                try harness.envelope(
                    "fine", kind: LabelJobDefinition.kind,
                    payload: harness.fixture.labelJob(users: [0], labelsPath: harness.labelsPath)),
            ])
            let worker = try harness.startWorker("w1", ["--max-attempts", "1"])
            defer { worker.stop() }

            let letter = try await harness.waitForDeadLetter("broken")
            #expect(
                letter?.error.contains("snapshot \(broken.hash.hex.prefix(16))") == true,
                "dead letter: \(String(describing: letter)); worker log:\n\(worker.standardError)")
            #expect(try await harness.waitForResults(["fine"])["fine"] != nil)
            #expect(worker.isRunning)
        }
    }

    @Test func sigtermFinishesTheJobInHandExitsZeroAndRemovesTheHeartbeat() async throws {
        try await withRedisServer { server in
            let harness = try await WorkerHarness(server: server)
            defer { harness.remove() }
            let job = harness.fixture.labelJob(users: [7, 8], labelsPath: harness.labelsPath)
            try await harness.queue.enqueue([try harness.envelope("slow", kind: LabelJobDefinition.kind, payload: job)])
            // The job is held in flight until the test creates `release`: no window to see it in that a starved test
            // process could miss.
            let release = harness.directory.file("release")
            let worker = try harness.startWorker("w1", ["--debug-job-hold-file", release])
            defer { worker.stop() }

            let holding = try await poll(timeout: .seconds(20)) {
                try await harness.heartbeat("w1").flatMap { $0.currentJobs.contains("slow") ? $0 : nil }
            }
            #expect(holding != nil, "worker log:\n\(worker.standardError)")
            worker.send(SIGTERM)
            #expect(FileManager.default.createFile(atPath: release, contents: nil))
            let termination = await worker.wait(timeout: .seconds(20))
            #expect(termination == .exited(0), "worker log:\n\(worker.standardError)")
            // The job in hand was finished, not dropped; the heartbeat record and its stream consumers are gone.
            #expect(try await harness.queue.result(run: harness.runID, jobID: "slow") != nil)
            #expect(try await harness.heartbeat("w1") == nil)
            for kind in JobRegistry.kinds { #expect(try await harness.consumers(kind).isEmpty, "\(kind)") }
        }
    }

    @Test func pastTheGracePeriodTheJobInHandIsHandedBackNotAcknowledged() async throws {
        try await withRedisServer { server in
            let harness = try await WorkerHarness(server: server)
            defer { harness.remove() }
            let job = harness.fixture.labelJob(users: [9], labelsPath: harness.labelsPath)
            try await harness.queue.enqueue([try harness.envelope("long", kind: LabelJobDefinition.kind, payload: job)])
            let worker = try harness.startWorker("w1", ["--debug-job-delay-ms", "600000", "--grace-seconds", "1"])
            defer { worker.stop() }

            let holding = try await poll(timeout: .seconds(20)) {
                try await harness.heartbeat("w1").flatMap { $0.currentJobs.contains("long") ? $0 : nil }
            }
            #expect(holding != nil, "worker log:\n\(worker.standardError)")
            worker.send(SIGTERM)
            #expect(await worker.wait(timeout: .seconds(20)) == .exited(0), "worker log:\n\(worker.standardError)")
            #expect(try await harness.queue.result(run: harness.runID, jobID: "long") == nil)
            #expect(worker.standardError.contains("job abandoned at shutdown"))
            #expect(try await harness.queue.deadLetters(run: harness.runID).isEmpty)
            #expect(try await harness.heartbeat("w1") == nil)
            // Still pending with the stopped worker: another worker reclaims it after the lease.
            let pending = try await harness.client.send(
                "XPENDING", RedisArgument(harness.keys.jobStream(LabelJobDefinition.kind)), "workers", "-", "+", "10")
            #expect(pending.array?.count == 1)
            #expect(pending.array?.first?.array?[1].string == "w1")
        }
    }

    @Test func aJobOfAWorkerKilledMidJobCompletesOnAnotherWorkerOnce() async throws {
        try await withRedisServer { server in
            let harness = try await WorkerHarness(server: server)
            defer { harness.remove() }
            try await harness.storePrototypes()
            let job = harness.fixture.affinityJob(
                personas: [0, 1, 2, 3, 4, 5], prototypesKey: harness.prototypesKey,
                walkLength: 3)
            try await harness.queue.enqueue([
                try harness.envelope("psi", kind: AffinityJobDefinition.kind, payload: job)
            ])

            let doomed = try harness.startWorker("doomed", ["--lease-seconds", "2", "--debug-job-delay-ms", "600000"])
            defer { doomed.stop() }
            let holding = try await poll(timeout: .seconds(20)) {
                try await harness.heartbeat("doomed").flatMap { $0.currentJobs.contains("psi") ? $0 : nil }
            }
            #expect(holding != nil, "worker log:\n\(doomed.standardError)")
            doomed.send(SIGKILL)
            #expect(await doomed.wait(timeout: .seconds(10)) == .signaled(SIGKILL))
            #expect(try await harness.queue.result(run: harness.runID, jobID: "psi") == nil)

            let rescuer = try harness.startWorker(
                "rescuer", ["--lease-seconds", "2", "--metrics-port", "0", "--metrics-host", "127.0.0.1"])
            defer { rescuer.stop() }
            let results = try await harness.waitForResults(["psi"])
            let shard = try AffinityShardCodec.decode([UInt8](try #require(results["psi"], "\(rescuer.standardError)")))
            #expect(shard == (try harness.localAffinity(job)))
            // Stored once, by the rescuer, on the second delivery.
            let stored = try await harness.client.send("HLEN", RedisArgument(harness.keys.run(harness.runID).results))
            #expect(stored.int == 1)
            let duplicates = try await harness.client.send(
                "HGET", RedisArgument(harness.keys.run(harness.runID).counters), "duplicates")
            #expect(duplicates.isNull)
            let completion = await poll(timeout: .seconds(10)) {
                rescuer.standardError.split(separator: "\n").first {
                    $0.contains("job completed") && $0.contains("psi")
                }
            }
            #expect(completion?.contains("job.deliveries=2") == true, "rescuer log:\n\(rescuer.standardError)")
            // The attempts timeline: the killed worker's delivery never ended, the rescuer's stored the result.
            let attempts = try await harness.queue.attempts(run: harness.runID, jobID: "psi")
            #expect(attempts.map(\.worker) == ["doomed", "rescuer"], "\(attempts)")
            #expect(attempts.map(\.outcome) == ["lease_expired", "done"])
            #expect(attempts.map(\.delivery) == [1, 2])
            #expect(attempts[0].endedAt == nil && (attempts.last?.endedAt ?? 0) >= (attempts.last?.startedAt ?? .max))
            #expect(attempts[1].startedAt >= attempts[0].startedAt + 2000, "reclaimed after the 2 s lease")
            // A lease that ran out is a reclaim, not a retry (the job had not failed).
            let port = try #require(try await rescuer.loggedMetricsPort(), "\(rescuer.standardError)")
            let (metrics, _) = try await PrometheusText.scrape(port: port)
            #expect(metrics.value("gplr_jobs_reclaimed_total", ["kind": "affinity"]) == 1, "\(metrics.source)")
            #expect(metrics.value("gplr_jobs_retried_total", ["kind": "affinity"]) == 0)
            #expect(metrics.value("gplr_jobs_succeeded_total", ["kind": "affinity"]) == 1)
        }
    }

    @Test func aJobLongerThanItsLeaseKeepsItByExtendingIt() async throws {
        try await withRedisServer { server in
            let harness = try await WorkerHarness(server: server)
            defer { harness.remove() }
            let job = harness.fixture.labelJob(users: [10, 11], labelsPath: harness.labelsPath)
            try await harness.queue.enqueue([try harness.envelope("long", kind: LabelJobDefinition.kind, payload: job)])
            // Held in flight until the test creates `release` (no window a starved test process could miss).
            let release = harness.directory.file("release")
            let slow = try harness.startWorker("slow", ["--lease-seconds", "1", "--debug-job-hold-file", release])
            defer { slow.stop() }
            let holding = try await poll(timeout: .seconds(20)) {
                try await harness.heartbeat("slow").flatMap { $0.currentJobs.contains("long") ? $0 : nil }
            }
            #expect(holding != nil, "worker log:\n\(slow.standardError)")
            // A second worker reclaims every 0.5 s; it must never get the job while the first extends it. The job is
            // released three seconds (three lease periods) after the second worker is up.
            let other = try harness.startWorker("other", ["--lease-seconds", "1"])
            defer { other.stop() }
            #expect(try await poll(timeout: .seconds(20)) { try await harness.heartbeat("other") } != nil)
            let watchedSince = ContinuousClock.now
            _ = await eventually(timeout: .seconds(30)) { ContinuousClock.now - watchedSince >= .seconds(3) }
            #expect(FileManager.default.createFile(atPath: release, contents: nil))
            #expect(try await harness.waitForResults(["long"])["long"] != nil)
            // The log line follows the stored result: wait for it rather than race the worker's write.
            let completion = await poll(timeout: .seconds(10)) {
                slow.standardError.split(separator: "\n").first { $0.contains("job completed") }
            }
            #expect(completion?.contains("job.deliveries=1") == true, "worker log:\n\(slow.standardError)")
            #expect(completion?.contains("job.leaseLost=false") == true)
            #expect(!other.standardError.contains("job.id=long"), "other worker log:\n\(other.standardError)")
        }
    }

    @Test func invalidFlagsAndAnUnreachableRedisAreClearErrors() async throws {
        let cases: [([String], String)] = [
            (["--redis", "rediss://127.0.0.1:6379"], "TLS"),
            (["--redis", "redis://127.0.0.1:6379", "--concurrency", "0"], "--concurrency"),
            (["--redis", "redis://127.0.0.1:6379", "--kinds", "label,teleport"], "teleport"),
            (["--redis", "redis://127.0.0.1:6379", "--log-level", "loud"], "--log-level"),
        ]
        for (arguments, expected) in cases {
            let output = try await BuiltProduct.run("gplr-worker", arguments)
            #expect(output.status != 0, "\(arguments)")
            #expect(output.stderr.contains(expected), "\(arguments): \(output.stderr)")
        }
        let directory = try TemporaryDirectory(prefix: "gplr-worker-flags")
        defer { directory.remove() }
        let port = try RedisServer.freePort()
        let output = try await BuiltProduct.run(
            "gplr-worker",
            ["--redis", "redis://:secret-pw@127.0.0.1:\(port)", "--cache-dir", directory.file("cache")])
        #expect(output.status != 0)
        #expect(output.stderr.contains("cannot reach Redis"), "\(output.stderr)")
        #expect(!output.stderr.contains("secret-pw"))
        // The URL may come from the environment instead (kept out of `ps`).
        let fromEnvironment = try await BuiltProduct.run(
            "gplr-worker", ["--cache-dir", directory.file("cache")],
            environment: ["GPLR_REDIS_URL": "redis://:other-pw@127.0.0.1:\(port)"])
        #expect(fromEnvironment.status != 0)
        #expect(
            fromEnvironment.stderr.contains("cannot reach Redis at redis://:***@127.0.0.1:\(port)"),
            "\(fromEnvironment.stderr)")
        #expect(!fromEnvironment.stderr.contains("other-pw"))
        let missing = try await BuiltProduct.run("gplr-worker", [], environment: [:])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("GPLR_REDIS_URL"), "\(missing.stderr)")
        let help = try await BuiltProduct.run("gplr-worker", ["--help"])
        #expect(help.stdout.contains("--concurrency"))
        #expect(!help.stdout.contains("debug-job-delay"))
    }
}
