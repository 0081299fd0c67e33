import GPLRTestSupport
import Testing

@testable import Coordinator
@testable import GPLRRuntime

/// The failure model of DESIGN §6 for Redis, end to end with the real binaries (as ClusterFailureTests): redis-server
/// restarted with persistence or lost without it mid-run; the run completes with the Φ of `gplr run --local`, every
/// job has exactly one stored result, nobody is labeled twice, and a run that cannot be rebuilt says how to start it
/// again.
@Suite(.serialized, .timeLimit(.minutes(5))) struct RedisFailureTests {
    /// redis-server (AOF, `appendfsync always`) restarted on the same port and directory mid-run: coordinator and
    /// workers reconnect, nothing acknowledged is lost, and the run completes unchanged.
    @Test func redisRestartedMidRunWithPersistence() async throws {
        let cluster = try await ClusterHarness(redis: RedisServer.Options(appendOnly: true))
        defer { cluster.stop() }
        let reference = try await cluster.referencePhi()
        let run = "restart-redis"
        // Slow jobs (1 s each) keep the run going long after its first iteration, so that the restart lands mid-run
        // even when a loaded machine is slow to notice the first checkpoint.
        let workers = try ["w1", "w2"].map { try cluster.startWorker($0, ["--debug-job-delay-ms", "1000"]) }
        let coordinator = try cluster.startCoordinator(run: run)

        let before = try #require(
            try await cluster.waitForRecord(run: run) { $0.completedIterations >= 1 }, "\(cluster.logs)")
        #expect(coordinator.isRunning, "restarted too late to prove anything")
        try cluster.server.restart()
        #expect(before.completedIterations < cluster.iterations)
        let restarted = try await cluster.record(run: run)
        #expect(restarted?.completedIterations ?? -1 >= before.completedIterations, "the AOF lost the record")

        // Harsher, later: SIGKILL (nothing flushed at exit; `appendfsync always` has written every reply) and an
        // outage of a second and a half, which the clients ride out with their reconnect backoff.
        let later = try #require(
            try await cluster.waitForRecord(run: run) { $0.completedIterations > before.completedIterations },
            "\(cluster.logs)")
        #expect(coordinator.isRunning, "killed too late to prove anything")
        cluster.server.kill()
        try await Task.sleep(for: .milliseconds(1500))
        try cluster.server.restart()
        let reloaded = try await cluster.record(run: run)
        #expect(reloaded?.completedIterations ?? -1 >= later.completedIterations, "the AOF lost the record")

        let end = await coordinator.wait(timeout: .seconds(60))
        #expect(end == .exited(0), "\(cluster.logs)")
        #expect(try cluster.phi(run: run) == reference)
        #expect(try await cluster.record(run: run)?.phase == .done)
        try await cluster.expectEveryJobReducedOnce(run: run)
        for worker in workers { #expect(worker.isRunning, "a worker died with the connection:\n\(cluster.logs)") }
    }

    /// redis-server restarted *without* persistence mid-run (after the second checkpoint): the run's record, queue,
    /// results, snapshot and lease are gone. The coordinator notices within a lease period, rebuilds the run from
    /// what it holds (snapshot published again, record created again with its last checkpoint, lease taken again),
    /// enqueues the current iteration's jobs again and finishes with the Φ of an undisturbed run. The worker that
    /// rode through the restart goes on, and one started afterwards with an empty cache fetches the snapshot the
    /// coordinator published again.
    @Test func redisLostWithoutPersistenceIsRebuiltFromTheCoordinatorsCheckpoint() async throws {
        let cluster = try await ClusterHarness()
        defer { cluster.stop() }
        let reference = try await cluster.referencePhi()
        let run = "lost-redis"
        // One job at a time, 1 s each: the run is still going when the restart lands, however fast the machine.
        let early = try cluster.startWorker("early", ["--concurrency", "1", "--debug-job-delay-ms", "1000"])
        let coordinator = try cluster.startCoordinator(run: run)
        let before = try #require(
            try await cluster.waitForRecord(run: run) { $0.completedIterations >= 2 }, "\(cluster.logs)")
        #expect(coordinator.isRunning, "restarted too late to prove anything")
        try cluster.server.restart()
        #expect(before.completedIterations < cluster.iterations)
        let late = try cluster.startWorker("late", ["--concurrency", "1", "--debug-job-delay-ms", "1000"])

        // Rebuilt within a lease period (6 s) and a few polls, from the checkpoint Redis had before the restart.
        let rebuilt = try #require(
            try await cluster.waitForRecord(run: run, timeout: .seconds(15)) { _ in true }, "\(cluster.logs)")
        #expect(rebuilt.completedIterations >= before.completedIterations, "rebuilt from an older checkpoint")
        let end = await coordinator.wait(timeout: .seconds(90))
        #expect(end == .exited(0), "\(cluster.logs)")
        #expect(
            coordinator.standardError.contains("Redis lost this run's data")
                && coordinator.standardError.contains("rebuilt it from this coordinator's checkpoint after iteration"),
            "\(coordinator.standardError)")
        #expect(try cluster.phi(run: run) == reference)
        let done = try #require(try await cluster.record(run: run))
        #expect(done.phase == .done && done.completedIterations == cluster.iterations)

        // Since the restart: one result per enqueued job, no dead letter, nobody labeled twice.
        let jobs = try await cluster.jobIDs(run: run)
        #expect(!jobs.isEmpty)
        #expect(Set(try await cluster.results(run: run).keys) == jobs)
        #expect(try await JobQueue(client: cluster.client, keys: cluster.keys).stats(run: run).deadLettered == 0)
        let users = try await cluster.labeledUsers(run: run)
        #expect(Set(users).count == users.count, "a user was labeled twice")
        let registry = WorkerRegistry(client: cluster.client, keys: cluster.keys)
        #expect(try await registry.worker(id: "late")?.done ?? 0 > 0, "the late worker ran nothing:\n\(cluster.logs)")
        #expect(try await registry.worker(id: "early") != nil, "the early worker's heartbeat is gone")
        #expect(early.isRunning && late.isRunning, "a worker died with the data:\n\(cluster.logs)")
    }

    /// A lost run that cannot be rebuilt (its LLM spending ledger went with it) fails within a lease period,
    /// instead of waiting without a word, with a message holding the exact command that starts it again; it
    /// writes no partial record that status could not read.
    @Test func aLostRunWithASpendingCapFailsNamingTheCommandToRun() async throws {
        let cluster = try await ClusterHarness()
        defer { cluster.stop() }
        let run = "lost-capped"
        // No worker: the coordinator waits on its queued preflight label jobs when Redis comes back empty.
        let arguments = [
            "run", "--redis", cluster.server.url, "--run-id", run, "--out", cluster.directory.file("out-\(run)"),
            "--snapshot", cluster.snapshotPath, "--personas", cluster.personasPath, "--budget", "60",
            "--iterations", "2", "--poll-milliseconds", "20", "--timeout", "60", "--coordinator-lease-seconds",
            String(cluster.coordinatorLeaseSeconds), "--llm-url", "http://127.0.0.1:1", "--llm-auth", "none",
            "--llm-model", "sim-model", "--llm-prompt-price", "1", "--llm-completion-price", "2",
            "--llm-max-cost", "100",
        ]
        let coordinator = try cluster.start("gplr", label: "coordinator-\(run)", arguments)
        _ = try #require(try await cluster.waitForRecord(run: run) { $0.step == "labeling" }, "\(cluster.logs)")
        try cluster.server.restart()
        let restarted = ContinuousClock.now
        let end = await coordinator.wait(timeout: .seconds(60))
        #expect(end != nil && end != .exited(0), "\(cluster.logs)")
        #expect(ContinuousClock.now - restarted < .seconds(cluster.coordinatorLeaseSeconds + 5))
        let command = DistributedRun.shellCommand([BuiltProduct.path("gplr")] + arguments)
        #expect(coordinator.standardError.contains("Redis lost this run's data"), "\(coordinator.standardError)")
        #expect(coordinator.standardError.contains("start it again with `\(command)`"), "\(coordinator.standardError)")
        #expect(try await cluster.record(run: run) == nil)
    }

    /// The command a lost run names is a shell command line: plain arguments as they are, others single-quoted,
    /// and a Redis password replaced by `$GPLR_REDIS_PASSWORD` (the message goes to logs).
    @Test func theRestartCommandIsQuotedAndHidesTheRedisPassword() {
        let command = DistributedRun.shellCommand([
            "/opt/gplr", "run", "--redis", "redis://ops:s3cret@10.0.0.5:6379/0", "--out", "my results",
            "--personas", "it's.json", "--run-id", "r-1",
        ])
        #expect(
            command
                == #"/opt/gplr run --redis "redis://ops:$GPLR_REDIS_PASSWORD@10.0.0.5:6379/0" --out 'my results' "#
                + #"--personas 'it'\''s.json' --run-id r-1"#)
        #expect(!command.contains("s3cret"))
    }
}
