import Foundation
import GPLRRedis
import GPLRRuntime
import GPLRTestSupport
import Testing

@testable import Worker

/// The worker's dispatcher, in process on a manual clock against a real redis-server: it never runs more jobs than
/// its concurrency, a graceful shutdown finishes the jobs in hand and acknowledges each once without taking more,
/// and its middleware hears of every delivery's end exactly once, skipped jobs of cancelled runs included.
@Suite(.serialized, .timeLimit(.minutes(5))) struct WorkerServiceDispatchTests {
    @Test func neverRunsMoreJobsAtOnceThanItsConcurrency() async throws {
        try await withRedisServer { server in
            let harness = try await WorkerHarness(server: server)
            defer { harness.remove() }
            let kind = LabelJobDefinition.kind
            let ids = (1...5).map { "job-\($0)" }
            try await harness.queue.enqueue(
                try ids.enumerated().map { index, id in
                    try harness.envelope(
                        id, kind: kind,
                        payload: harness.fixture.labelJob(users: [index], labelsPath: harness.labelsPath))
                })
            // Each job ends 7 s (worker clock) after it starts: never when the lease loop (20 s) wakes.
            try await withInProcessWorker(harness, concurrency: 2, jobDelay: .seconds(7)) { worker in
                var ended = 0
                for batch in [2, 2, 1] {
                    await worker.deliveries.waitForStarted(ended + batch)
                    let deadline = worker.clock.elapsed + .seconds(7)
                    await worker.clock.waitForSleepers(until: deadline, count: batch)
                    // Checked as it happens (a worker past its bound would then wait for a sleep that never comes).
                    try #require(worker.deliveries.record.value.running == batch)
                    let leases = try await harness.leases(kind).pending()
                    try #require(leases.count == batch)
                    worker.clock.advance(to: deadline)
                    ended += batch
                    await worker.deliveries.waitForEnded(ended)
                }
                let record = worker.deliveries.record.value
                #expect(record.mostRunning == 2)
                #expect(Set(record.ended.map(\.job.id)) == Set(ids))
                let results = try await harness.queue.results(run: harness.runID, jobIDs: ids)
                #expect(results.count == ids.count)
            }
        }
    }

    @Test func gracefulShutdownFinishesTheJobsInHandAcknowledgesEachOnceAndTakesNoMore() async throws {
        try await withRedisServer { server in
            let harness = try await WorkerHarness(server: server)
            defer { harness.remove() }
            let kind = LabelJobDefinition.kind
            let ids = ["first", "second", "third"]
            try await harness.queue.enqueue(
                try ids.enumerated().map { index, id in
                    try harness.envelope(
                        id, kind: kind,
                        payload: harness.fixture.labelJob(users: [index], labelsPath: harness.labelsPath))
                })
            try await withInProcessWorker(harness, concurrency: 2, jobDelay: .seconds(30)) { worker in
                let started = await worker.deliveries.waitForStarted(2).started.map(\.id)
                await worker.clock.waitForSleepers(until: .seconds(30), count: 2)
                try #require(worker.deliveries.record.value.started.count == 2)
                await worker.requestShutdown()
                // The two jobs in hand finish; the group ends on its own.
                worker.clock.advance(to: .seconds(30))
                try await worker.finished()

                let record = worker.deliveries.record.value
                #expect(record.started.map(\.id) == started)
                #expect(record.ended.count == 2)
                for ended in record.ended {
                    guard case .succeeded(stored: true, leaseLost: false) = ended.outcome else {
                        Issue.record("\(ended.job.id): \(ended.outcome)")
                        continue
                    }
                }
                for id in started {
                    let attempts = try await harness.queue.attempts(run: harness.runID, jobID: id)
                    #expect(attempts.map(\.outcome) == ["done"], "\(id): \(attempts)")
                }
                // Acknowledged: nothing pending; the job not taken is still in the stream, never delivered.
                #expect(try await harness.leases(kind).pending().isEmpty)
                let left = try #require(Set(ids).subtracting(started).first)
                #expect(try await harness.queue.result(run: harness.runID, jobID: left) == nil)
                #expect(try await harness.queue.attempts(run: harness.runID, jobID: left).isEmpty)
                #expect(try await harness.queue.streamStats(kind: kind).length == 1)
                #expect(try await harness.queue.stats(run: harness.runID).duplicateResults == 0)
                #expect(try await harness.heartbeat("w1") == nil)
            }
        }
    }

    @Test func middlewareHearsOfEachDeliveryOnceAndACancellationWithinThePhaseCachesSecond() async throws {
        try await withRedisServer { server in
            let harness = try await WorkerHarness(server: server)
            defer { harness.remove() }
            let kind = LabelJobDefinition.kind
            let good = harness.fixture.labelJob(users: [1, 2], labelsPath: harness.labelsPath)
            let outOfRange = harness.fixture.labelJob(
                users: [harness.fixture.graph.userCount + 1], labelsPath: harness.labelsPath)
            try await harness.client.send("HSET", RedisArgument(harness.keys.run("live").state), "phase", "running")
            try await harness.client.send("HSET", RedisArgument(harness.keys.run("gone").state), "phase", "cancelled")
            let payload = try sortedJSON(good)
            try await harness.queue.enqueue([
                JobEnvelope(id: "good", runID: "live", kind: kind, payload: payload),
                JobEnvelope(id: "range", runID: "live", kind: kind, payload: try sortedJSON(outOfRange)),
                JobEnvelope(id: "skipped", runID: "gone", kind: kind, payload: payload),
            ])
            try await withInProcessWorker(harness, concurrency: 1) { worker in
                var record = await worker.deliveries.waitForEnded(3)
                var outcomes = Dictionary(grouping: record.ended, by: \.job.id)
                #expect(outcomes.mapValues(\.count) == ["good": 1, "range": 1, "skipped": 1])
                #expect(record.started.map(\.id).sorted() == ["good", "range"])
                if case .succeeded(stored: true, _) = outcomes["good"]?.first?.outcome {
                } else {
                    Issue.record("good: \(String(describing: outcomes["good"]))")
                }
                if case .failed(_, retriable: false, outcome: .deadLettered) = outcomes["range"]?.first?.outcome {
                } else {
                    Issue.record("range: \(String(describing: outcomes["range"]))")
                }
                if case .skipped(.deadLettered) = outcomes["skipped"]?.first?.outcome {
                } else {
                    Issue.record("skipped: \(String(describing: outcomes["skipped"]))")
                }

                // Run "live" is cancelled while the worker is up: its cached "running" phase serves for a second
                // of the worker's clock, after which a new job of the run is set aside unrun.
                try await harness.client.send(
                    "HSET", RedisArgument(harness.keys.run("live").state), "phase", "cancelled")
                worker.clock.advance(by: .seconds(1))
                try await harness.queue.enqueue([JobEnvelope(id: "later", runID: "live", kind: kind, payload: payload)])
                record = await worker.deliveries.waitForEnded(4)
                outcomes = Dictionary(grouping: record.ended, by: \.job.id)
                #expect(outcomes["later"]?.count == 1)
                if case .skipped(.deadLettered) = outcomes["later"]?.first?.outcome {
                } else {
                    Issue.record("later: \(String(describing: outcomes["later"]))")
                }
                #expect(!record.started.map(\.id).contains("later"))
                let letter = try await harness.queue.deadLetters(run: "live").first { $0.jobID == "later" }
                #expect(letter?.error == WorkerService.runCancelledReason)
                #expect(try await harness.queue.result(run: "live", jobID: "later") == nil)
            }
        }
    }
}
