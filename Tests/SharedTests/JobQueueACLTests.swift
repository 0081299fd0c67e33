import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRRedis
@testable import GPLRRuntime

@Suite(.timeLimit(.minutes(5))) struct JobQueueACLTests {
    /// The least-privilege worker user documented in docs/protocol.md §7 can run the whole queue protocol,
    /// and cannot do what it should not.
    @Test func documentedWorkerACLIsSufficient() async throws {
        try await withRedisServer { server in
            let admin = try RedisConnection(endpoint: RedisEndpoint(url: server.url))
            // As documented (docs/operations.md §1), with the prefix `t`: reads everywhere under the prefix, writes
            // only where a worker writes.
            let rules =
                "resetkeys %R~t:* %RW~t:{queue}:* %RW~t:{run:*}:results %RW~t:{run:*}:errors "
                + "%RW~t:{run:*}:dead %RW~t:{run:*}:counters %RW~t:{run:*}:done %RW~t:{run:*}:attempts %RW~t:workers "
                + "%RW~t:llmcache:* %RW~t:ratelimit:* "
                + "resetchannels -@all +@read +@write +@stream +@hash +@set +@string "
                + "+@connection +evalsha +script|load -@dangerous"
            _ = try admin.command(
                ["ACL", "SETUSER", "gplr-worker", "on", ">pw"]
                    + rules.split(separator: " ").map { RedisArgument(String($0)) })
            let url = "redis://gplr-worker:pw@127.0.0.1:\(server.port)"
            let configuration = JobQueueConfiguration(
                leaseDuration: .milliseconds(300), maxAttempts: 2,
                retryDelay: .zero)
            let queue = JobQueue(
                client: try RedisClient(url: url), keys: RedisKeys(prefix: "t"),
                configuration: configuration)
            // The coordinator's side (enqueue, retry) runs as the default user: a worker only takes, completes, fails.
            let coordinator = JobQueue(
                client: try RedisClient(url: server.url), keys: RedisKeys(prefix: "t"),
                configuration: configuration)
            try await coordinator.enqueue([job("a"), job("b")])
            let taken = try await queue.dequeue(
                consumer: "w", kinds: [LabelJobDefinition.kind], count: 2, block: .milliseconds(10))
            #expect(taken.count == 2)
            #expect(try await queue.extendLease(taken[0]))
            try await queue.complete(taken[0], result: Data("ok".utf8))
            #expect(try await queue.fail(taken[1], error: "e", retriable: false) == .deadLettered)
            #expect(try await coordinator.retry(run: "r1") == 1)
            let again = try #require(try await queue.dequeue(consumer: "w", kinds: [LabelJobDefinition.kind]).first)
            #expect(try await queue.fail(again, error: "transient") == .willRetry)
            #expect(try await queue.reclaimExpired(consumer: "w2", kinds: [LabelJobDefinition.kind]).count == 1)
            #expect(try await queue.stats(run: "r1").completed == 1)
            #expect(try await queue.streamStats(kind: LabelJobDefinition.kind).pending == 1)
            // The attempts timeline is written by the worker, and it reads the pause flags.
            #expect(try await coordinator.attempts(run: "r1", jobID: "a").map(\.outcome) == ["done"])
            #expect(try await coordinator.pause(kind: AffinityJobDefinition.kind))
            #expect(try await queue.dequeue(consumer: "w", kinds: [AffinityJobDefinition.kind]).isEmpty)
            // The run's LLM outcome counters are fields of the counters hash, which the worker may write.
            await RedisLLMOutcomeRecorder(redis: queue.client, keys: RedisKeys(prefix: "t"), runID: "r1")
                .attemptEnded(outcome: "rate_limited", costMicros: 0)
            let counters = try await coordinator.jobStates(run: "r1").counters
            #expect(RunLLMOutcomes(counters: counters)?.attempts == ["rate_limited": 1], "\(counters)")
            // A worker reads a run's phase but cannot change it (no `gplr cancel` with a worker's password), nor take
            // the coordinator lease.
            _ = try await queue.client.send("HGET", "t:{run:r1}:state", "phase").throwingServerError()
            await #expect(throws: RedisError.self) {
                try await queue.client.send("HSET", "t:{run:r1}:state", "phase", "cancelled").throwingServerError()
            }
            await #expect(throws: RedisError.self) {
                try await queue.client.send("SET", "t:{run:r1}:coordinator", "me").throwingServerError()
            }
            // What else a worker writes: its heartbeat and the LLM cache.
            _ = try await queue.client.send("HSET", "t:workers", "w", "{}").throwingServerError()
            _ = try await queue.client.send("SET", "t:llmcache:abc", "answer").throwingServerError()
            // Outside the prefix, and dangerous commands, are refused.
            await #expect(throws: RedisError.self) { try await queue.client.send("GET", "other") }
            await #expect(throws: RedisError.self) { try await queue.client.send("FLUSHALL") }
        }
    }
}

/// A worker ACL written before the completions stream (no `{run:*}:done`, no `{run:*}:attempts`): results and dead
/// letters are still stored (the announcement and the attempts are best effort), so an operator who has not updated
/// the ACL loses nothing; the coordinator finds the results by its periodic full check.
@Suite(.timeLimit(.minutes(5))) struct JobQueueOldACLTests {
    @Test func resultsAreStoredWithoutTheRightToAnnounceThem() async throws {
        try await withRedisServer { server in
            let admin = try RedisConnection(endpoint: RedisEndpoint(url: server.url))
            let rules =
                "resetkeys %R~t:* %RW~t:{queue}:* %RW~t:{run:*}:results %RW~t:{run:*}:errors "
                + "%RW~t:{run:*}:dead %RW~t:{run:*}:counters %RW~t:workers resetchannels -@all +@read +@write +@stream "
                + "+@hash +@set +@string +@connection +evalsha +script|load -@dangerous"
            _ = try admin.command(
                ["ACL", "SETUSER", "gplr-worker", "on", ">pw"]
                    + rules.split(separator: " ").map { RedisArgument(String($0)) })
            let configuration = JobQueueConfiguration(leaseDuration: .seconds(60), maxAttempts: 1, retryDelay: .zero)
            let worker = JobQueue(
                client: try RedisClient(url: "redis://gplr-worker:pw@127.0.0.1:\(server.port)"),
                keys: RedisKeys(prefix: "t"), configuration: configuration)
            let coordinator = JobQueue(
                client: try RedisClient(url: server.url), keys: RedisKeys(prefix: "t"), configuration: configuration)
            try await coordinator.enqueue([job("a"), job("b"), job("c")])
            let taken = try await worker.dequeue(consumer: "w", kinds: [LabelJobDefinition.kind], count: 3)
            #expect(taken.count == 3)
            #expect(try await worker.complete(taken[0], result: Data("ok".utf8)))
            #expect(try await worker.complete([(taken[1], Data("ok".utf8))]) == [true])
            #expect(try await worker.fail(taken[2], error: "bad", retriable: false) == .deadLettered)
            #expect(try await coordinator.presentResults(run: "r1", among: ["a", "b", "c"]) == ["a", "b"])
            #expect(try await coordinator.deadLetters(run: "r1", among: ["c"]).keys.sorted() == ["c"])
            let cursor = try await coordinator.completionsCursor(run: "r1")
            #expect(cursor == CompletionsCursor(entryID: "0-0"))  // nothing could be announced
            // Nor recorded as attempts (best effort too).
            #expect(try await coordinator.attempts(run: "r1", jobID: "a").isEmpty)
        }
    }
}
