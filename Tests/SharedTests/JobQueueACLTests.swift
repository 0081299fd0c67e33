import Foundation
import GPLRTestSupport
import Testing
@testable import Shared

@Suite struct JobQueueACLTests {
    /// The least-privilege worker user documented in docs/protocol.md §7 can run the whole queue protocol,
    /// and cannot do what it should not.
    @Test func documentedWorkerACLIsSufficient() async throws {
        try await withRedisServer { server in
            let admin = try RedisConnection(endpoint: RedisEndpoint(url: server.url))
            let rules = "resetkeys ~t:* resetchannels -@all +@read +@write +@stream +@hash +@set +@string "
                + "+@connection +evalsha +script|load -@dangerous"
            _ = try admin.command(["ACL", "SETUSER", "gplr-worker", "on", ">pw"]
                                  + rules.split(separator: " ").map { RedisArgument(String($0)) })
            let url = "redis://gplr-worker:pw@127.0.0.1:\(server.port)"
            let configuration = JobQueueConfiguration(leaseDuration: .milliseconds(300), maxAttempts: 2,
                                                      retryDelay: .zero)
            let queue = JobQueue(client: try RedisClient(url: url), keys: RedisKeys(prefix: "t"),
                                 configuration: configuration)
            try await queue.enqueue([job("a"), job("b")])
            let taken = try await queue.dequeue(consumer: "w", kinds: [.label], count: 2, block: .milliseconds(10))
            #expect(taken.count == 2)
            #expect(try await queue.extendLease(taken[0]))
            try await queue.complete(taken[0], result: Data("ok".utf8))
            #expect(try await queue.fail(taken[1], error: "e", retriable: false) == .deadLettered)
            #expect(try await queue.retry(run: "r1") == 1)
            let again = try #require(try await queue.dequeue(consumer: "w", kinds: [.label]).first)
            #expect(try await queue.fail(again, error: "transient") == .willRetry)
            #expect(try await queue.reclaimExpired(consumer: "w2", kinds: [.label]).count == 1)
            #expect(try await queue.stats(run: "r1").completed == 1)
            #expect(try await queue.streamStats(kind: .label).pending == 1)
            // Outside the prefix, and dangerous commands, are refused.
            await #expect(throws: RedisError.self) { try await queue.client.send("GET", "other") }
            await #expect(throws: RedisError.self) { try await queue.client.send("FLUSHALL") }
        }
    }
}
