import Foundation
import GPLRRedis
import GPLRTestSupport
import Testing

@testable import GPLRRuntime

/// The built `gplr-worker` against a real redis-server honours a paused job kind: the job it is running finishes
/// (its lease extended past the lease time), a job of the kind enqueued after the pause stays queued while jobs of
/// another kind enqueued after it are taken and done, and the held job runs once the kind is resumed.
@Suite(.serialized, .timeLimit(.minutes(5))) struct QueuePauseTests {
    @Test func aPausedKindIsNotTakenUntilResumedAndTheJobInFlightFinishes() async throws {
        try await withRedisServer { server in
            let harness = try await WorkerHarness(server: server)
            defer { harness.remove() }
            try await harness.storePrototypes()
            let label = LabelJobDefinition.kind
            let first = harness.fixture.labelJob(users: [1, 2, 3], labelsPath: harness.labelsPath)
            let held = harness.fixture.labelJob(users: [4, 5, 6], labelsPath: harness.labelsPath)
            // Every job is held in flight until the test creates `release` (no window the test could miss on a
            // loaded machine: a fixed 10 s job was missed once in CI by a test process starved while every suite ran).
            let release = harness.directory.file("release")
            let worker = try harness.startWorker(
                "w1", ["--concurrency", "2", "--lease-seconds", "2", "--debug-job-hold-file", release])
            defer { worker.stop() }
            try await harness.queue.enqueue([try harness.envelope("in-flight", kind: label, payload: first)])
            // Delivered and not yet acknowledged: the stream's pending entry.
            let running = try await poll(timeout: .seconds(60)) {
                try await harness.queue.streamStats(kind: label).pending == 1 ? true : nil
            }
            try #require(running == true, "worker log:\n\(worker.standardError)")
            let inFlightSince = ContinuousClock.now

            #expect(try await harness.queue.pause(kind: label))
            #expect(try await harness.queue.pause(kind: label) == false, "paused already")
            #expect(try await harness.queue.pausedQueues().keys.sorted { $0.rawValue < $1.rawValue } == [label])
            // The worker's free slot is (most likely) blocked in a read of both streams when these arrive: the label
            // entry it may receive is put back, not run.
            try await harness.queue.enqueue([try harness.envelope("held", kind: label, payload: held)])
            let affinity = harness.fixture.affinityJob(personas: [0, 2], prototypesKey: harness.prototypesKey)
            try await harness.queue.enqueue([
                try harness.envelope("other-kind", kind: AffinityJobDefinition.kind, payload: affinity)
            ])
            // The other kind is taken while the label kind is paused (and held in flight like every job).
            let otherTaken = try await poll(timeout: .seconds(60)) {
                try await harness.queue.streamStats(kind: AffinityJobDefinition.kind).pending == 1 ? true : nil
            }
            #expect(otherTaken == true, "worker log:\n\(worker.standardError)")
            // Released after three lease periods in flight: the job survives them only if its lease is extended.
            _ = await eventually(timeout: .seconds(30)) { ContinuousClock.now - inFlightSince >= .seconds(6) }
            #expect(FileManager.default.createFile(atPath: release, contents: nil))

            let done = try await harness.waitForResults(["in-flight", "other-kind"], timeout: .seconds(60))
            #expect(done.count == 2, "worker log:\n\(worker.standardError)")
            // The job in flight ran once: no second delivery after its lease time.
            let stats = try await harness.queue.stats(run: harness.runID)
            #expect(stats.failures == 0 && stats.duplicateResults == 0)
            // Done with the other kind, after the held job was enqueued: the held job is still waiting, undelivered.
            #expect(try await harness.queue.result(run: harness.runID, jobID: "held") == nil)
            #expect(stats.queued == 1 && stats.running == 0, "\(stats)")
            let stream = try await harness.queue.streamStats(kind: label)
            #expect(stream.length == 1 && stream.pending == 0, "\(stream)")

            #expect(try await harness.queue.resume(kind: label))
            #expect(try await harness.queue.pausedQueues().isEmpty)
            let resumed = try await harness.waitForResults(["held"], timeout: .seconds(60))
            #expect(resumed.count == 1, "worker log:\n\(worker.standardError)")
            let after = try await harness.queue.stats(run: harness.runID)
            #expect(after.completed == 3 && after.queued == 0 && after.failures == 0, "\(after)")
            #expect(try await harness.queue.resume(kind: label) == false, "resumed already")
        }
    }
}
