import Foundation
import GPLRTestSupport
import Testing

@testable import Coordinator
@testable import GPLRRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// The failure model of DESIGN §6, end to end with the real binaries: a `gplr run --redis` coordinator process,
/// `gplr-worker` processes and a real redis-server. Each test kills or restarts one part mid-run and checks that
/// the run completes with the Φ of `gplr run --local` (same seed and options), that every job has exactly one
/// stored result, and that nobody is labeled twice.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ClusterFailureTests {
    /// kill -9 of a worker while it holds `label` jobs, then of another while it holds `affinity` jobs: the
    /// jobs are reclaimed after their lease by the other workers and the run completes unchanged.
    @Test func workersKilledMidLabelAndMidAffinityJobsAreReclaimed() async throws {
        let cluster = try await ClusterHarness()
        defer { cluster.stop() }
        let reference = try await cluster.referencePhi()
        let run = "kill-workers"
        // Only the slow label worker takes label jobs at first, so it is the one holding them; its jobs take 30 s,
        // far longer than it takes to notice them in its heartbeat (every 2 s) and kill it, even on a busy machine.
        let slowLabel = try cluster.startWorker(
            "slow-label", ["--kinds", "label", "--concurrency", "2", "--debug-job-delay-ms", "30000"])
        let coordinator = try cluster.startCoordinator(run: run)

        let heldLabels = try #require(
            try await cluster.heldJobs(worker: "slow-label", prefix: "label-"), "\(cluster.logs)")
        slowLabel.send(SIGKILL)
        #expect(await slowLabel.wait(timeout: .seconds(10)) == .signaled(SIGKILL))

        // Likewise for affinity: the slow affinity worker is the only one taking affinity jobs until it dies.
        let slowAffinity = try cluster.startWorker(
            "slow-affinity", ["--kinds", "affinity", "--concurrency", "2", "--debug-job-delay-ms", "30000"])
        let fastLabel = try cluster.startWorker("fast-label", ["--kinds", "label"])
        let heldAffinity = try #require(
            try await cluster.heldJobs(worker: "slow-affinity", prefix: "affinity-"), "\(cluster.logs)")
        slowAffinity.send(SIGKILL)
        #expect(await slowAffinity.wait(timeout: .seconds(10)) == .signaled(SIGKILL))
        let fastAffinity = try cluster.startWorker("fast-affinity", ["--kinds", "affinity"])

        let end = await coordinator.wait(timeout: .seconds(60))
        #expect(end == .exited(0), "\(cluster.logs)")
        #expect(try cluster.phi(run: run) == reference)

        // The killed workers' jobs were delivered again to the survivors, and each has one result.
        let results = try await cluster.results(run: run)
        for id in heldLabels + heldAffinity { #expect(results[id] != nil, "no result for \(id)") }
        for (worker, held) in [(fastLabel, heldLabels), (fastAffinity, heldAffinity)] {
            let reclaims = worker.standardError.split(separator: "\n").filter {
                $0.contains("reclaimed a job whose lease expired")
            }
            for id in held {
                #expect(reclaims.contains { $0.contains("job.id=\(id)") }, "\(id) not reclaimed:\n\(cluster.logs)")
            }
        }
        try await expectEveryJobReducedOnce(cluster, run: run)
        #expect(fastLabel.isRunning && fastAffinity.isRunning)
    }

    /// kill -9 of the coordinator after its second checkpoint; `gplr run --resume` is refused while the dead
    /// coordinator's lease lives (one coordinator per run), `gplr status` then says the coordinator is lost, and
    /// the resume finishes the run from the record, reusing the results of the jobs that ran meanwhile.
    @Test func coordinatorKilledMidRunIsResumed() async throws {
        let cluster = try await ClusterHarness()
        defer { cluster.stop() }
        let reference = try await cluster.referencePhi()
        let run = "kill-coordinator"
        // Slow jobs (400 ms): the run must still be going when the coordinator is killed, however fast the machine.
        for name in ["w1", "w2"] { _ = try cluster.startWorker(name, ["--debug-job-delay-ms", "400"]) }
        // A lease long enough for the refused resume below to start within it on a loaded machine (the harness's
        // 6 s once ran out first, and that resume took the run over).
        let coordinator = try cluster.startCoordinator(run: run, leaseSeconds: 20)

        let checkpointed = try #require(
            try await cluster.waitForRecord(run: run) { $0.completedIterations >= 2 }, "\(cluster.logs)")
        coordinator.send(SIGKILL)
        #expect(await coordinator.wait(timeout: .seconds(10)) == .signaled(SIGKILL))
        let stopped = try #require(try await cluster.record(run: run))
        #expect(stopped.phase == .running, "the coordinator was killed, so the record still says running")
        #expect(stopped.completedIterations < cluster.iterations, "killed too late to prove anything")
        #expect(stopped.completedIterations >= checkpointed.completedIterations)

        let refused = try cluster.resumeCoordinator(run: run)
        let refusal = await refused.wait(timeout: .seconds(30))
        #expect(refusal != nil && refusal != .exited(0))
        #expect(refused.standardError.contains("another coordinator drives this run"), "\(refused.standardError)")
        // The dead coordinator's lease has a TTL (it runs out by itself, if it has not already); the test makes that
        // happen now instead of waiting up to 20 s.
        let left = try await cluster.expireLease(run: run)
        #expect(left.map { (1...20_000).contains($0) } ?? true, "lease left: \(String(describing: left)) ms")
        #expect(try await cluster.waitForLeaseExpiry(run: run))
        let status = try await BuiltProduct.run("gplr", ["status", "--redis", cluster.server.url, run])
        #expect(status.stdout.contains("coordinator lost"), "\(status.stdout)")
        #expect(status.stdout.contains("--resume \(run)"))

        let resumed = try cluster.resumeCoordinator(run: run)
        let end = await resumed.wait(timeout: .seconds(60))
        #expect(end == .exited(0), "\(cluster.logs)")
        #expect(try cluster.phi(run: run) == reference)
        #expect(try await cluster.record(run: run)?.phase == .done)
        try await expectEveryJobReducedOnce(cluster, run: run)
    }

    /// Ctrl-C on a coordinator that waits for workers: it stops with 128 + SIGINT, names the `--resume` command and
    /// releases the run's lease on the way out, so a resumed coordinator takes the run over at once (no waiting for
    /// the lease to run out, as after a kill) and finishes it with the same Φ.
    @Test func interruptedCoordinatorReleasesItsLeaseAndIsResumedAtOnce() async throws {
        let cluster = try await ClusterHarness()
        defer { cluster.stop() }
        let reference = try await cluster.referencePhi()
        let run = "interrupted"
        // No worker yet: the coordinator waits on its first label jobs.
        let coordinator = try cluster.startCoordinator(run: run)
        let waiting = try await cluster.waitForRecord(run: run) { $0.step == "labeling" }
        #expect(waiting != nil, "\(cluster.logs)")
        #expect(try await CoordinatorLease.holder(client: cluster.client, keys: cluster.keys, run: run) != nil)
        coordinator.send(SIGINT)
        let end = await coordinator.wait(timeout: .seconds(30))
        #expect(end == .exited(128 + SIGINT), "\(coordinator.standardError)")
        #expect(coordinator.standardError.contains("--resume \(run)"), "\(coordinator.standardError)")
        // Released, not left to expire (the harness's lease is 6 s; this is read right away).
        #expect(try await CoordinatorLease.holder(client: cluster.client, keys: cluster.keys, run: run) == nil)

        _ = try ["w1", "w2"].map { try cluster.startWorker($0) }
        let resumed = try cluster.resumeCoordinator(run: run)
        let resumedEnd = await resumed.wait(timeout: .seconds(60))
        #expect(resumedEnd == .exited(0), "\(resumed.standardError)")
        #expect(try cluster.phi(run: run) == reference)
    }

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
        try await expectEveryJobReducedOnce(cluster, run: run)
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

    /// A coordinator whose jobs no worker takes says so (naming the prefix and the command) instead of waiting
    /// without a word, and carries on once a worker comes.
    @Test func aCoordinatorWithoutWorkersSaysSoAndWaits() async throws {
        let cluster = try await ClusterHarness()
        defer { cluster.stop() }
        let run = "no-workers"
        let coordinator = try cluster.startCoordinator(run: run)
        _ = await eventually(timeout: .seconds(60)) {
            coordinator.standardError.contains("no live worker takes label jobs")
        }
        #expect(coordinator.standardError.contains("under the prefix 'gplr'"), "\(coordinator.standardError)")
        #expect(coordinator.standardError.contains("gplr-worker --redis URL --prefix gplr"))
        #expect(coordinator.isRunning)
        _ = try cluster.startWorker("late")
        #expect(await coordinator.wait(timeout: .seconds(90)) == .exited(0), "\(cluster.logs)")
    }

    /// One stored result per enqueued job, none dead-lettered, and every prototype labeled exactly once.
    private func expectEveryJobReducedOnce(_ cluster: ClusterHarness, run: String) async throws {
        let jobs = try await cluster.jobIDs(run: run)
        let results = try await cluster.results(run: run)
        #expect(!jobs.isEmpty)
        #expect(Set(results.keys) == jobs)
        let stats = try await JobQueue(client: cluster.client, keys: cluster.keys).stats(run: run)
        #expect(stats.deadLettered == 0)
        let users = try await cluster.labeledUsers(run: run)
        #expect(users.count == cluster.budget, "users in label results: \(users.count)")
        #expect(Set(users).count == users.count, "a user was labeled twice")
    }
}
