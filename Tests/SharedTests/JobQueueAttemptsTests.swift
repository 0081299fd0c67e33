import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRRedis
@testable import GPLRRuntime

/// The attempts timeline the queue's scripts keep per job: each delivery with its worker, start, end and
/// outcome; a delivery whose lease ran out shows as `lease_expired` (and `duplicate` if its worker finishes
/// late); the list is capped; it is one of the run's keys, so retention takes it.
@Suite(.timeLimit(.minutes(3))) struct JobQueueAttemptsTests {
    @Test func aJobThatFailsOnceThenSucceedsShowsTwoAttemptsWithTheirWorkers() async throws {
        try await withJobQueue(lease: .milliseconds(300)) { queue, _ in
            try await queue.enqueue([job("a")])
            let first = try #require(try await queue.dequeue(consumer: "w1", kinds: [LabelJobDefinition.kind]).first)
            var attempts = try await queue.attempts(run: "r1", jobID: "a")
            #expect(attempts.map(\.outcome) == ["running"] && attempts.first?.worker == "w1")
            #expect(try await queue.fail(first, error: "boom") == .willRetry)
            let second = try #require(
                try await poll(timeout: .seconds(5)) {
                    try await queue.reclaimExpired(consumer: "w2", kinds: [LabelJobDefinition.kind]).first
                })
            #expect(try await queue.complete(second, result: Data("ok".utf8)))

            attempts = try await queue.attempts(run: "r1", jobID: "a")
            #expect(attempts.map(\.worker) == ["w1", "w2"])
            #expect(attempts.map(\.outcome) == ["failed", "done"])
            #expect(attempts.map(\.delivery) == [1, 2])
            #expect(attempts.allSatisfy { ($0.endedAt ?? 0) >= $0.startedAt && $0.startedAt > 0 })
            #expect(attempts[1].startedAt >= attempts[0].endedAt ?? .max)
        }
    }

    @Test func anExpiredLeaseIsMarkedAndALateFinishIsADuplicate() async throws {
        try await withJobQueue(lease: .milliseconds(200)) { queue, _ in
            try await queue.enqueue([job("a"), job("b")])
            let stalled = try #require(try await queue.dequeue(consumer: "w1", kinds: [LabelJobDefinition.kind]).first)
            let taken = try #require(
                try await poll(timeout: .seconds(5)) {
                    try await queue.reclaimExpired(consumer: "w2", kinds: [LabelJobDefinition.kind]).first
                })
            #expect(taken.id == stalled.id)
            #expect(
                try await queue.attempts(run: "r1", jobID: stalled.id).map(\.outcome) == ["lease_expired", "running"])
            #expect(try await queue.complete([(job: taken, result: Data("x".utf8))]) == [true])
            #expect(try await queue.complete(stalled, result: Data("y".utf8)) == false)
            let attempts = try await queue.attempts(run: "r1", jobID: stalled.id)
            #expect(attempts.map(\.worker) == ["w1", "w2"])
            #expect(attempts.map(\.outcome) == ["duplicate", "done"])
            #expect(attempts.allSatisfy { $0.endedAt != nil })
        }
    }

    @Test func theListIsCappedAndGoesWithTheRun() async throws {
        try await withJobQueue(lease: .milliseconds(50), maxAttempts: 100) { queue, server in
            try await queue.enqueue([job("a")])
            for round in 0..<(JobQueue.attemptsKept + 3) {
                let leased = try await poll(timeout: .seconds(5)) {
                    round == 0
                        ? try await queue.dequeue(consumer: "w\(round)", kinds: [LabelJobDefinition.kind]).first
                        : try await queue.reclaimExpired(consumer: "w\(round)", kinds: [LabelJobDefinition.kind]).first
                }
                _ = try #require(leased, "round \(round)")
            }
            let attempts = try await queue.attempts(run: "r1", jobID: "a")
            #expect(attempts.count == JobQueue.attemptsKept)
            #expect(attempts.last?.worker == "w\(JobQueue.attemptsKept + 2)" && attempts.last?.outcome == "running")
            #expect(attempts.first?.delivery == 4, "the three oldest dropped")
            #expect(attempts.dropLast().allSatisfy { $0.outcome == "lease_expired" })
            let keys = try await RunDataRetention(client: try RedisClient(url: server.url), keys: queue.keys).runKeys(
                "r1")
            #expect(keys.contains(queue.keys.run("r1").attempts))
        }
    }
}
