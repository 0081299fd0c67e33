import Foundation
import GPLRRedis
import GPLRRuntime
import GPLRTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What dead workers leave behind (a stream consumer, a heartbeat record) is removed by a live worker once it is
/// older than `--prune-after-seconds`; the live worker's own record stays.
@Suite(.timeLimit(.minutes(5))) struct WorkerPruningTests {
    @Test func aLiveWorkerRemovesADeadWorkersConsumerAndRecord() async throws {
        try await withRedisServer { server in
            let harness = try await WorkerHarness(server: server)
            defer { harness.remove() }
            try await harness.queue.prepare(kinds: [LabelJobDefinition.kind])
            try await harness.client.send(
                "XGROUP", "CREATECONSUMER", RedisArgument(harness.keys.jobStream(LabelJobDefinition.kind)),
                RedisArgument(harness.queue.configuration.group), "ghost")
            let now = Int64(Date().timeIntervalSince1970)
            try await WorkerRegistry(client: harness.client, keys: harness.keys).publish(
                WorkerHeartbeat(
                    id: "ghost", host: "gone", pid: 1, kinds: ["label"], concurrency: 1, startedAt: now - 7200,
                    lastSeen: now - 3600))

            let worker = try harness.startWorker("w1", ["--prune-after-seconds", "8"])
            defer { worker.stop() }
            let pruned = try await poll(timeout: .seconds(60)) { () -> Bool? in
                let consumers = try await harness.consumers(LabelJobDefinition.kind)
                let ghost = try await harness.heartbeat("ghost")
                return !consumers.contains("ghost") && ghost == nil ? true : nil
            }
            #expect(pruned == true, "worker log:\n\(worker.standardError)")
            #expect(worker.standardError.contains("removed what stopped workers left behind"))
            // The live worker beats every 2 s, far inside 8 s: its record is still there.
            #expect(try await harness.heartbeat("w1") != nil)
            #expect(worker.isRunning)
        }
    }

    @Test func rejectsAPruneAgeBelowOneSecond() async throws {
        let output = try await BuiltProduct.run(
            "gplr-worker", ["--redis", "redis://127.0.0.1:1", "--prune-after-seconds", "0"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("--prune-after-seconds must be at least 1"))
    }
}
