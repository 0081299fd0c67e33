import Foundation
import GPLRTestSupport
import Testing

@testable import Shared

/// `pruneIdleConsumers`: stopped workers' consumers go, a consumer still holding a job never does.
@Suite struct JobQueueConsumerPruningTests {
    @Test func removesIdleConsumersAndKeepsThoseHoldingJobs() async throws {
        try await withJobQueue { queue, _ in
            #expect(try await queue.enqueue([job("a")]) == 1)
            #expect(try await queue.dequeue(consumer: "busy", kinds: [.label]).map(\.id) == ["a"])
            let stream = RedisArgument(queue.keys.jobStream(.label))
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
            #expect(try await queue.pruneIdleConsumers(kinds: [.label], minimumIdle: .seconds(3600)).isEmpty)
            #expect(
                try await queue.pruneIdleConsumers(kinds: [.label], minimumIdle: .zero, consumer: "idle-2")
                    == ["label/idle-2"])
            #expect(try await consumers() == ["busy", "idle-1"])
            // Everything idle: the consumer holding job "a" stays, so the job can still be reclaimed.
            #expect(
                try await queue.pruneIdleConsumers(kinds: [.label, .affinity], minimumIdle: .zero)
                    == ["label/idle-1"])
            #expect(try await consumers() == ["busy"])
            try await Task.sleep(for: .milliseconds(400))  // past the 300 ms lease
            #expect(try await queue.reclaimExpired(consumer: "other", kinds: [.label], count: 10).map(\.id) == ["a"])
        }
    }
}
