import Foundation
import GPLRTestSupport
import Testing

@testable import Coordinator
@testable import GPLRRedis
@testable import GPLRRuntime

/// The coordinator of the distributed runtime against a real redis-server, with a test worker that runs the
/// real computations through the real queue.
@Suite(.timeLimit(.minutes(5))) struct DistributedRunTests {
    @Test func distributedRunGivesTheSamePhiAsALocalRunAndShowsInStatusAndRuns() async throws {
        let data = try DistributedDataset()
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let parameters = data.parameters()
        let local = try await data.localRun(parameters)
        let worker = try TestWorker(url: server.url, graph: data.graph)
        let coordinator = try data.coordinator(server)
        let result = try await withWorker(worker) {
            try await coordinator.start(data.newRun("r1", parameters: parameters))
        }

        #expect(result.outcome.assignment == local.outcome.assignment)
        #expect(result.outcome.prototypes == local.outcome.prototypes)
        let difference = zip(result.outcome.affinity.values, local.outcome.affinity.values).map { abs($0 - $1) }.max()
        #expect((difference ?? 1) < 1e-12)
        #expect(worker.labeledUsers.count == 70)
        #expect(Set(worker.labeledUsers).count == 70)
        for file in result.files { #expect(FileManager.default.fileExists(atPath: file), "missing \(file)") }

        let record = try #require(try await coordinator.records.load(run: "r1"))
        #expect(record.phase == .done)
        #expect(record.completedIterations == 4)
        #expect(record.report?.prototypes == result.outcome.prototypes.count)

        // A worker's heartbeat, as the worker daemon writes it.
        let heartbeat =
            #"{"id":"w1","host":"h1","pid":42,"kinds":["label","affinity"],"concurrency":2,"#
            + #""startedAt":\#(RunRecord.now() - 5000),"lastSeen":\#(RunRecord.now()),"currentJobs":[],"done":7,"failed":1}"#
        try await RedisClient(url: server.url).send("HSET", "gplr:workers", "w1", RedisArgument(heartbeat))

        let status = try await BuiltProduct.run("gplr", ["status", "--json", "--redis", server.url])
        #expect(status.status == 0, "\(status.stderr)")
        let report = try JSONDecoder().decode(RunStatusReport.self, from: Data(status.stdout.utf8))
        let run = try #require(report.runs.first { $0.id == "r1" })
        #expect(run.phase == "done")
        let labelJobs = Set(worker.jobs.filter { $0.hasPrefix("label-") }).count
        let affinityJobs = Set(worker.jobs.filter { $0.hasPrefix("affinity-") }).count
        #expect(run.jobs["label"]?.done == labelJobs)
        #expect(run.jobs["affinity"]?.done == affinityJobs)
        #expect(run.jobs["label"]?.queued == 0)
        #expect(run.jobs["affinity"]?.deadLettered == 0)
        let w1 = try #require(report.workers.first)
        #expect(w1.id == "w1" && w1.done == 7 && w1.kinds == ["label", "affinity"])
        #expect((w1.heartbeatAgeSeconds ?? 99) < 60)

        let text = try await BuiltProduct.run("gplr", ["status", "r1", "--redis", server.url])
        #expect(text.stdout.contains("run r1  done"), "\(text.stdout)")
        #expect(text.stdout.contains("w1"))

        let runs = try await BuiltProduct.run("gplr", ["runs", "--redis", server.url])
        #expect(runs.status == 0, "\(runs.stderr)")
        #expect(runs.stdout.contains("r1  done  iteration 4/4"), "\(runs.stdout)")
    }

    /// The coordinator dies after iteration 3's jobs ran but before its checkpoint was stored; the resumed run
    /// finds those jobs' results by id, so nobody is labeled twice, and Φ is the uninterrupted run's.
    @Test func resumedRunGivesTheSamePhiWithoutLabelingAnyoneTwice() async throws {
        let data = try DistributedDataset()
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let parameters = data.parameters()
        let local = try await data.localRun(parameters)
        let worker = try TestWorker(url: server.url, graph: data.graph)

        struct Crash: Error {}
        var crashing = try data.coordinator(server)
        crashing.beforeCheckpoint = { checkpoint in if checkpoint.completedIterations == 3 { throw Crash() } }
        await #expect(throws: Crash.self) {
            try await withWorker(worker) { try await crashing.start(data.newRun("r2", parameters: parameters)) }
        }
        let stopped = try #require(try await crashing.records.load(run: "r2"))
        #expect(stopped.completedIterations == 2)
        #expect(stopped.phase == .failed)
        let labeledBefore = worker.labeledUsers.count
        #expect(labeledBefore == 70 - 17)  // iterations 1–3: 18 + 18 + 17 users

        // Resume without the snapshot file: it comes from Redis.
        let resumed = try await withWorker(worker) {
            try await data.coordinator(server).resume(runID: "r2", snapshotPath: nil, outputDirectory: nil)
        }
        #expect(resumed.outcome.assignment == local.outcome.assignment)
        #expect(resumed.outcome.prototypes == local.outcome.prototypes)
        #expect(worker.labeledUsers.count == 70)
        #expect(Set(worker.labeledUsers).count == 70)
        #expect(Set(worker.jobs).count == worker.jobs.count, "a job ran twice")
        #expect(try await crashing.records.load(run: "r2")?.phase == .done)
    }

    /// Dead-lettered jobs keep the run waiting; `gplr retry --failed` and `--persona` put them back and the run
    /// completes with the same Φ.
    @Test func deadLetteredJobsAreReportedAndRetriedAndTheRunCompletes() async throws {
        let data = try DistributedDataset()
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let parameters = data.parameters()
        let local = try await data.localRun(parameters)
        let worker = try TestWorker(url: server.url, graph: data.graph) { envelope in
            guard envelope.attempt == 0 else { return nil }
            if envelope.id.hasPrefix("label-t2-") { return "injected label failure" }
            if envelope.id.hasPrefix("affinity-t1-p0-") { return "injected affinity failure" }
            return nil
        }
        let log = LogLines()
        let coordinator = try data.coordinator(server) { log.append($0) }
        let queue = JobQueue(client: try RedisClient(url: server.url))
        let personaName = data.personas.names[2]
        let retries = LogLines()

        let result = try await withWorker(worker) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // The operator: retries what is dead-lettered.
                    while !Task.isCancelled {
                        // Acts once the coordinator has reported every dead letter, as a person reading it would.
                        let letters = try await queue.deadLetters(run: "r3").filter { letter in
                            log.all.contains { $0.hasPrefix("job \(letter.jobID) failed: ") }
                        }
                        if letters.contains(where: { $0.kind == AffinityJobDefinition.kind }) {
                            let out = try await BuiltProduct.run(
                                "gplr", ["retry", "r3", "--persona", personaName, "--redis", server.url])
                            retries.append(out.stdout + out.stderr)
                        } else if letters.count == 3 {  // all of iteration 2's label jobs (18 users, batches of 6)
                            let out = try await BuiltProduct.run(
                                "gplr", ["retry", "r3", "--failed", "--redis", server.url])
                            retries.append(out.stdout + out.stderr)
                        }
                        try await Task.sleep(for: .milliseconds(50))
                    }
                }
                defer { group.cancelAll() }
                return try await coordinator.start(data.newRun("r3", parameters: parameters))
            }
        }
        #expect(result.outcome.assignment == local.outcome.assignment)
        let reported = log.all.filter { $0.contains("failed: ") }
        #expect(reported.contains { $0.contains("affinity-t1-p0-") && $0.contains("injected affinity failure") })
        #expect(reported.contains { $0.hasPrefix("job label-t2-") && $0.contains("gplr retry r3 --failed") })
        #expect(retries.all.contains { $0.contains("put back 1 job of run r3") })
        #expect(retries.all.contains { $0.contains("put back 3 jobs of run r3") })  // 18 users in batches of 6
        let stats = try await queue.stats(run: "r3")
        #expect(stats.retried == 4)
        #expect(stats.deadLettered == 0)
    }

    @Test func cancelStopsAWaitingRunAndDropsItsQueuedJobs() async throws {
        let data = try DistributedDataset(users: 300, items: 150, personas: 5)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let coordinator = try data.coordinator(server)
        let queue = JobQueue(client: try RedisClient(url: server.url))
        let outcome = try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {  // no worker: the coordinator waits for its label jobs
                do {
                    _ = try await coordinator.start(data.newRun("r4", parameters: data.parameters(budget: 40)))
                    return "finished"
                } catch let error as DistributedRunError where error.code == .cancelled {
                    return nil
                }
            }
            _ = try await eventually(timeout: .seconds(300)) { try await queue.stats(run: "r4").enqueued > 0 }
            let cancelled = try await BuiltProduct.run("gplr", ["cancel", "r4", "--redis", server.url])
            #expect(cancelled.status == 0, "\(cancelled.stderr)")
            #expect(
                cancelled.stdout.contains("cancelled run r4 (was running); dropped 2 queued jobs"),
                "\(cancelled.stdout)")
            return try await group.next() ?? "no result"
        }
        #expect(outcome == nil, "the coordinator did not stop: \(outcome ?? "")")
        #expect(try await queue.streamStats(kind: LabelJobDefinition.kind).length == 0)
        #expect(try await coordinator.records.phase(run: "r4") == .cancelled)
    }

    @Test func jobIDsDependOnTheJobOnly() throws {
        func label(_ users: [Int], step: String = "t2") throws -> String {
            try LabelJobDefinition.jobID(
                LabelJob(
                    snapshot: "s", users: users, personas: [],
                    labeler: .labelsFile(path: "l", dropProbability: 0, addProbability: 0, seed: 1)),
                step: step)
        }
        #expect(try label([5, 9, 1]) == label([5, 9, 1]))
        #expect(try label([5, 9, 1]) != label([5, 1, 9]))
        #expect(try label([5, 9, 1]) != label([5, 9, 1], step: "t3"))
        #expect(try label([12, 3]) != label([1, 23]))
        #expect(try label([1]).hasPrefix("label-t2-"))
        #expect(JobRegistry.kind(ofJobID: try label([1])) == LabelJobDefinition.kind)
        #expect(JobRegistry.kind(ofJobID: "affinity-t1-0123") == AffinityJobDefinition.kind)
        #expect(JobRegistry.kind(ofJobID: "persona-merge-3-ab") == PersonaMergeJobDefinition.kind)
        #expect(JobRegistry.kind(ofJobID: "t3-label-0007") == nil)
    }
}
