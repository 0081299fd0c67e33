import Foundation
import GPLRRedis
import GPLRRuntime
import GPLRTestSupport
import Testing

/// The built `gplr-worker` skips the jobs of a cancelled run: they are dead-lettered with "run cancelled"
/// without running, while the jobs of other runs run as usual. A run cancelled while the worker is up (noticed
/// within the phase cache's second) is `WorkerServiceDispatchTests`', on the worker's clock.
@Suite(.timeLimit(.minutes(5))) struct CancelledRunTests {
    @Test func jobsOfACancelledRunAreSetAsideWithoutRunning() async throws {
        try await withRedisServer { server in
            let harness = try await WorkerHarness(server: server)
            defer { harness.remove() }
            // Run r1 (the harness's) is cancelled; run r2 has a live record; run r3 has none at all.
            try await harness.client.send(
                "HSET", RedisArgument(harness.keys.run(harness.runID).state), "phase", "cancelled")
            try await harness.client.send("HSET", RedisArgument(harness.keys.run("r2").state), "phase", "running")
            let job = harness.fixture.labelJob(users: [1, 2, 3], labelsPath: harness.labelsPath)
            let payload = try sortedJSON(job)
            try await harness.queue.enqueue([
                JobEnvelope(id: "cancelled-job", runID: harness.runID, kind: LabelJobDefinition.kind, payload: payload),
                JobEnvelope(id: "live-job", runID: "r2", kind: LabelJobDefinition.kind, payload: payload),
                JobEnvelope(id: "unrecorded-job", runID: "r3", kind: LabelJobDefinition.kind, payload: payload),
            ])
            let worker = try harness.startWorker("w1", ["--concurrency", "1"])
            defer { worker.stop() }

            let letter = try await harness.waitForDeadLetter("cancelled-job")
            #expect(letter?.error == "run cancelled", "worker log:\n\(worker.standardError)")
            #expect(letter?.deliveries == 1)
            let live = try await poll(timeout: .seconds(30)) {
                try await harness.queue.result(run: "r2", jobID: "live-job")
            }
            #expect(live != nil, "worker log:\n\(worker.standardError)")
            // The worker takes the jobs in any order: the run without a record may come after the live one.
            let unrecorded = try await poll(timeout: .seconds(30)) {
                try await harness.queue.result(run: "r3", jobID: "unrecorded-job")
            }
            #expect(unrecorded != nil, "worker log:\n\(worker.standardError)")
            #expect(try await harness.queue.result(run: harness.runID, jobID: "cancelled-job") == nil)
            #expect(worker.standardError.contains("job skipped: its run was cancelled"))
            // Only the two live jobs ran.
            let counted = try await poll(timeout: .seconds(10)) {
                try await harness.heartbeat("w1").flatMap { $0.done == 2 ? $0 : nil }
            }
            #expect(counted?.failed == 0)
            #expect(try await harness.queue.streamStats(kind: LabelJobDefinition.kind).length == 0)
        }
    }
}
