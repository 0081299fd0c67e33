import Foundation
import GPLRTestSupport
import Testing

@testable import Coordinator
@testable import GPLRRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// The failure model of DESIGN §6, end to end with the real binaries: a `gplr run --redis` coordinator process,
/// `gplr-worker` processes and a real redis-server. Each test kills or interrupts a worker or the coordinator
/// mid-run and checks that the run completes with the Φ of `gplr run --local` (same seed and options), that every
/// job has exactly one stored result, and that nobody is labeled twice. Redis restarted or lost mid-run:
/// RedisFailureTests, a suite of its own so that the two serialized chains run side by side.
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
        try await cluster.expectEveryJobReducedOnce(run: run)
        #expect(fastLabel.isRunning && fastAffinity.isRunning)
    }

    /// kill -9 of the coordinator after its second checkpoint; `gplr run --resume` is refused while the dead
    /// coordinator's lease lives (one coordinator per run), `gplr status` then says the coordinator is lost, and
    /// the resume finishes the run from the record, reusing the results of the jobs that ran meanwhile. With RevAff,
    /// the resumed coordinator rebuilds Ψ̂ and the residuals its workers' jobs carry batch by batch, through jobs, and
    /// goes on to the local run's Φ.
    @Test(arguments: [[], ["--epsilon", "0.02"]])
    func coordinatorKilledMidRunIsResumed(solver: [String]) async throws {
        let cluster = try await ClusterHarness(runOptions: solver)
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
        try await cluster.expectEveryJobReducedOnce(run: run)
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
}

/// What both failure suites check after a disturbed run.
extension ClusterHarness {
    /// One stored result per enqueued job, none dead-lettered, and every prototype labeled exactly once.
    func expectEveryJobReducedOnce(run: String) async throws {
        let jobs = try await jobIDs(run: run)
        let stored = try await results(run: run)
        #expect(!jobs.isEmpty)
        #expect(Set(stored.keys) == jobs)
        let stats = try await JobQueue(client: client, keys: keys).stats(run: run)
        #expect(stats.deadLettered == 0)
        let users = try await labeledUsers(run: run)
        #expect(users.count == budget, "users in label results: \(users.count)")
        #expect(Set(users).count == users.count, "a user was labeled twice")
    }
}
