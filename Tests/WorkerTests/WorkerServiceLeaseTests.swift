import Foundation
import GPLRRedis
import GPLRRuntime
import GPLRTestSupport
import Testing

@testable import Worker

/// The worker's leases, in process on a manual clock against a real redis-server: a running job's lease is
/// extended every lease/3 of the worker's clock and no longer once the job is done; a job whose lease ran out on
/// Redis's clock is taken over at the worker's next reclaim. Redis's time is moved with `XCLAIM … IDLE`, the
/// worker's by advancing its clock: no test waits for either.
@Suite(.serialized, .timeLimit(.minutes(5))) struct WorkerServiceLeaseTests {
    @Test func aRunningJobsLeaseIsExtendedEveryThirdOfTheLeaseAndNotAfterItCompletes() async throws {
        try await withRedisServer { server in
            let harness = try await WorkerHarness(server: server)
            defer { harness.remove() }
            let kind = LabelJobDefinition.kind
            let job = harness.fixture.labelJob(users: [1, 2], labelsPath: harness.labelsPath)
            try await harness.queue.enqueue([try harness.envelope("long", kind: kind, payload: job)])
            try await withInProcessWorker(harness, jobDelay: .seconds(45)) { worker in
                // The job has run and now sits in its 45 s delay; the lease loop sleeps until 20 s.
                await worker.clock.waitForSleepers(until: .seconds(45))
                await worker.clock.waitForSleepers(until: .seconds(20))
                let held = try #require(try await harness.leases(kind).pending().first)
                #expect(held.consumer == "w1")
                // 50 s without an extension on Redis's clock: 10 s from being reclaimable.
                try await harness.leases(kind).age(held, to: .seconds(50))
                #expect(try await harness.leases(kind).pending().first.map { $0.idle >= .seconds(50) } == true)

                worker.clock.advance(to: .seconds(20))
                await worker.clock.waitForSleepers(until: .seconds(40))  // the lease loop's pass is done
                let extended = try #require(try await harness.leases(kind).pending().first)
                #expect(extended.idle < .seconds(10), "extended: idle \(extended.idle)")
                #expect(extended.consumer == "w1" && extended.deliveries == 1)

                try await harness.leases(kind).age(extended, to: .seconds(50))
                worker.clock.advance(to: .seconds(40))
                await worker.clock.waitForSleepers(until: .seconds(60), count: 2)  // lease loop and pruning
                #expect(try await harness.leases(kind).pending().first.map { $0.idle < .seconds(10) } == true)

                // The job ends at 45 s: stored, acknowledged, and its lease no longer extended.
                worker.clock.advance(to: .seconds(45))
                let record = await worker.deliveries.waitForEnded(1)
                guard case .succeeded(stored: true, leaseLost: false) = try #require(record.ended.first).outcome else {
                    Issue.record("outcome: \(String(describing: record.ended.first?.outcome))")
                    return
                }
                #expect(try await harness.leases(kind).pending().isEmpty)
                #expect(worker.service.state.jobsToExtend.isEmpty)
                worker.clock.advance(to: .seconds(60))
                await worker.clock.waitForSleepers(until: .seconds(80))
                #expect(worker.service.state.jobsToExtend.isEmpty)
                #expect(try await harness.queue.attempts(run: harness.runID, jobID: "long").map(\.outcome) == ["done"])
            }
        }
    }

    @Test func aJobWhoseLeaseRanOutIsTakenOverAtTheNextReclaim() async throws {
        try await withRedisServer { server in
            let harness = try await WorkerHarness(server: server)
            defer { harness.remove() }
            let kind = LabelJobDefinition.kind
            let job = harness.fixture.labelJob(users: [3, 4, 5], labelsPath: harness.labelsPath)
            try await harness.queue.enqueue([try harness.envelope("orphan", kind: kind, payload: job)])
            // A worker that took the job and died: it holds the lease and never extends it.
            let taken = try await harness.queue.dequeue(consumer: "dead", kinds: [kind])
            #expect(taken.map(\.id) == ["orphan"])

            try await withInProcessWorker(harness) { worker in
                await worker.clock.waitForSleepers(until: .seconds(20))
                // The lease runs out on Redis's clock; the worker's next reclaim is due at 5 s on its own.
                let held = try #require(try await harness.leases(kind).pending().first)
                try await harness.leases(kind).age(held, to: .seconds(61))
                worker.clock.advance(to: .seconds(5))

                let record = await worker.deliveries.waitForEnded(1)
                let ended = try #require(record.ended.first)
                #expect(ended.job.id == "orphan")
                #expect(ended.job.consumer == "w1")
                #expect(ended.job.deliveryCount == 2)
                guard case .succeeded(stored: true, _) = ended.outcome else {
                    Issue.record("outcome: \(ended.outcome)")
                    return
                }
                #expect(try await harness.queue.result(run: harness.runID, jobID: "orphan") != nil)
                let attempts = try await harness.queue.attempts(run: harness.runID, jobID: "orphan")
                #expect(attempts.map(\.worker) == ["dead", "w1"])
                #expect(attempts.map(\.outcome) == ["lease_expired", "done"])
                #expect(try await harness.leases(kind).pending().isEmpty)
            }
        }
    }
}
