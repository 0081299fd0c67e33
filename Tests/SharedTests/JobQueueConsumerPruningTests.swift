import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRRedis
@testable import GPLRRuntime

/// `pruneIdleConsumers`: stopped workers' consumers go, a consumer still holding a job never does.
@Suite(.timeLimit(.minutes(5))) struct JobQueueConsumerPruningTests {
    @Test func removesIdleConsumersAndKeepsThoseHoldingJobs() async throws {
        try await withJobQueue { queue, _ in
            #expect(try await queue.enqueue([job("a")]) == 1)
            #expect(try await queue.dequeue(consumer: "busy", kinds: [LabelJobDefinition.kind]).map(\.id) == ["a"])
            let stream = RedisArgument(queue.keys.jobStream(LabelJobDefinition.kind))
            let group = RedisArgument(queue.configuration.group)
            for name in ["idle-1", "idle-2"] {
                try await queue.client.send("XGROUP", "CREATECONSUMER", stream, group, RedisArgument(name))
            }
            func consumers() async throws -> Set<String> {
                let reply = try await queue.client.send("XINFO", "CONSUMERS", stream, group)
                return Set((reply.array ?? []).compactMap { $0.fieldMap?["name"]?.string })
            }
            #expect(try await consumers() == ["busy", "idle-1", "idle-2"])

            // Not idle long enough: nothing goes. One named consumer: only it goes.
            #expect(
                try await queue.pruneIdleConsumers(kinds: [LabelJobDefinition.kind], minimumIdle: .seconds(3600))
                    .isEmpty)
            #expect(
                try await queue.pruneIdleConsumers(
                    kinds: [LabelJobDefinition.kind], minimumIdle: .zero, consumer: "idle-2")
                    == ["label/idle-2"])
            #expect(try await consumers() == ["busy", "idle-1"])
            // Everything idle: the consumer holding job "a" stays, so the job can still be reclaimed.
            #expect(
                try await queue.pruneIdleConsumers(
                    kinds: [LabelJobDefinition.kind, AffinityJobDefinition.kind], minimumIdle: .zero)
                    == ["label/idle-1"])
            #expect(try await consumers() == ["busy"])
            try await leases(queue).ageAll(to: .seconds(1))  // past the 300 ms lease
            #expect(
                try await queue.reclaimExpired(consumer: "other", kinds: [LabelJobDefinition.kind], count: 10).map(\.id)
                    == ["a"])
        }
    }
}

/// `register(run:jobIDs:)`: a reused result's job joins the run's job set, which status counts rely on.
@Suite(.timeLimit(.minutes(5))) struct JobQueueRegisterTests {
    @Test func registeredIDsCountAsEnqueuedAndAreNotEnqueuedAgain() async throws {
        try await withJobQueue { queue, _ in
            // A job whose result exists although its id never reached the set (coordinator killed between XADD
            // and SADD): the coordinator reuses the result and registers the id.
            _ = try await queue.client.send(
                "HSET", RedisArgument(queue.keys.run("r9").results), "label-x", "{}")
            #expect(try await queue.stats(run: "r9").enqueued == 0)
            try await queue.register(run: "r9", jobIDs: ["label-x"])
            let stats = try await queue.stats(run: "r9")
            #expect(stats.enqueued == 1 && stats.completed == 1 && stats.isSettled)
            #expect(try await RunRecordStore(client: queue.client, keys: queue.keys).runIDs().contains("r9"))
            // Registered means known: enqueueing it again adds nothing to the stream.
            #expect(try await queue.enqueue([job("label-x", run: "r9")]) == 0)
            #expect(try await queue.streamStats(kind: LabelJobDefinition.kind).length == 0)
        }
    }
}
