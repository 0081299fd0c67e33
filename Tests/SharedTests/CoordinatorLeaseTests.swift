import Dispatch
import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRRedis
@testable import GPLRRuntime

/// The coordinator lease keeps its period while the process computes on every core. It starves every task of the
/// test process for a while, and a loaded machine delays the renewal thread too, so `Ops/test.sh` runs it on its
/// own after the rest of the suite.
@Suite(.timeLimit(.minutes(2))) struct CoordinatorLeaseStarvationTests {
    /// A parallel loop started from the blocking executor (as the coordinator's exact solve is) keeps every
    /// thread Swift's tasks run on busy for 2.5 lease periods: the renewals run on their own thread and the lease
    /// survives. (The earlier loop of tasks lost this lease: no task ran until the computation ended; kept short
    /// because it stalls the other tests' tasks too.)
    @Test func theLeaseOutlivesAComputationOnEveryCore() async throws {
        try await withRedisServer { server in
            let client = try RedisClient(url: server.url)
            let keys = RedisKeys()
            let lease = CoordinatorLease(client: client, keys: keys, run: "busy", milliseconds: 600)
            _ = try await client.send("HSET", RedisArgument(keys.run("busy").state), "phase", "running")
            try await lease.acquire(keys: keys)
            let renewing = Task { try await lease.keepRenewing() }
            try await Task.sleep(for: .milliseconds(100))
            // As the coordinator solves: a parallel loop started from the blocking executor's queue.
            try await BlockingExecutor.shared.run {
                let until = Date().addingTimeInterval(1.5)
                DispatchQueue.concurrentPerform(iterations: ProcessInfo.processInfo.activeProcessorCount) { _ in
                    while Date() < until {}
                }
            }
            let holder = try await CoordinatorLease.holder(client: client, keys: keys, run: "busy")
            #expect(holder?.token == lease.token, "the lease expired while the process computed")
            renewing.cancel()
            await #expect(throws: CancellationError.self) { try await renewing.value }
            try await lease.release()
        }
    }

}

/// A lost coordinator lease says whether Redis lost the run or another coordinator may hold it.
@Suite(.timeLimit(.minutes(2))) struct CoordinatorLeaseTests {
    @Test func aLostLeaseSaysWhetherRedisLostTheRun() async throws {
        try await withRedisServer { server in
            let client = try RedisClient(url: server.url)
            let keys = RedisKeys()
            for recordKept in [true, false] {
                let run = recordKept ? "taken" : "gone"
                let lease = CoordinatorLease(client: client, keys: keys, run: run, milliseconds: 600)
                _ = try await client.send("HSET", RedisArgument(keys.run(run).state), "phase", "running")
                try await lease.acquire(keys: keys)
                // Another coordinator took the lease over; or Redis lost everything.
                if recordKept {
                    _ = try await client.send("SET", RedisArgument(keys.run(run).coordinator), "someone-else")
                } else {
                    _ = try await client.send("DEL", RedisArgument(keys.run(run).coordinator))
                    _ = try await client.send("DEL", RedisArgument(keys.run(run).state))
                }
                do {
                    try await lease.keepRenewing()
                    Issue.record("keepRenewing returned while the lease was lost")
                } catch let error as RunRecordError {
                    #expect(error.code == (recordKept ? .busy : .lost), "\(error)")
                }
            }
        }
    }
}
