import Foundation
import GPLRTestSupport
import LLMSimulator
import Testing

@testable import GPLRLLM
@testable import GPLRRedis
@testable import GPLRRuntime

/// `gplr run --llm-mode batch`: the built binaries, a real redis-server and the simulator's Batch API over HTTP.
@Suite(.serialized, .timeLimit(.minutes(5))) struct LLMBatchRunTests {
    static let llm = [
        "--llm-auth", "none", "--llm-model", "sim-model", "--llm-prompt-price", "1", "--llm-completion-price", "2",
    ]
    static let batch = ["--llm-mode", "batch", "--llm-batch-poll-seconds", "0.05"]

    static func simulator(_ data: DistributedDataset, _ batch: LLMSimulatorBatchConfiguration) throws -> LLMSimulator {
        var configuration = LLMSimulatorConfiguration(dropRate: 0.2, wrongPersonaRate: 0.1)
        configuration.batch = batch
        return LLMSimulator(
            truth: try LLMDistributedTests.truth(data), personas: data.personas.names, configuration: configuration)
    }

    /// A distributed run `id` under its own key prefix (so its own LLM cache), affinities in the coordinator.
    static func distributed(
        _ server: RedisServer, _ data: DistributedDataset, port: Int, id: String, prefix: String, _ extra: [String]
    ) async throws -> BuiltProduct.Output {
        try await runOffThePool(
            [
                "run", "--redis", server.url, "--prefix", prefix, "--run-id", id, "--snapshot", data.snapshotPath,
                "--personas", data.personasPath, "--out", data.directory.file("out-\(id)"), "--budget", "30",
                "--iterations", "2", "--seed", "5", "--label-batch-size", "8", "--affinity-on", "coordinator",
                "--poll-milliseconds", "20", "--timeout", "60", "--llm-url", "http://127.0.0.1:\(port)",
            ] + llm + extra)
    }

    @Test func aBatchRunGivesTheOnlineRunsPhiAtHalfTheCost() async throws {
        let data = try DistributedDataset(users: 200, items: 100, personas: 5)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        // The first batch expires half answered and a tenth of the lines fail: the losses are recovered in later
        // batches and change nothing in Φ or the tokens.
        let simulator = try Self.simulator(
            data, LLMSimulatorBatchConfiguration(expiredBatches: [0], failedLineRate: 0.1))
        try await simulator.withRunningServer { port in
            let worker = try LLMDistributedTests.worker(server, data.directory, label: "worker", key: nil)
            defer { worker.stop() }
            let online = try await Self.distributed(
                server, data, port: port, id: "online", prefix: "gplr", ["--no-llm-cache"])
            #expect(online.status == 0, "\(online.stderr)")
            #expect(simulator.statistics.batchesCreated == 0)
            let requestsOnline = simulator.statistics.requests
            let batch = try await Self.distributed(server, data, port: port, id: "batch", prefix: "gplr", Self.batch)
            #expect(batch.status == 0, "\(batch.stderr)")
            // No chat completion; one answered line per user.
            let batches = simulator.statistics.batchesCreated
            #expect(simulator.statistics.requests == requestsOnline)
            #expect(batches > 2 && simulator.statistics.batchesExpired == 1)
            #expect(simulator.statistics.batchLinesAnswered == 30 && simulator.statistics.batchLinesFailed > 0)
            #expect(batch.stdout.contains("(batch prices)"), "\(batch.stdout)")

            let phiOnline = try String(contentsOfFile: data.directory.file("out-online/phi.jsonl"), encoding: .utf8)
            let phiBatch = try String(contentsOfFile: data.directory.file("out-batch/phi.jsonl"), encoding: .utf8)
            #expect(!phiOnline.isEmpty && phiOnline == phiBatch)
            let onlineCounters = try LLMDistributedTests.counters(data.directory.file("out-online/report.json"))
            let counters = try LLMDistributedTests.counters(data.directory.file("out-batch/report.json"))
            for name in ["llm_prompt_tokens", "llm_completion_tokens", "llm_requests", "llm_labeled"] {
                #expect(counters[name] == onlineCounters[name], "\(name): \(counters) vs \(onlineCounters)")
            }
            // Half the price per answer, each rounded to a micro-dollar: at most half a micro off per request.
            let onlineCost = try #require(onlineCounters["llm_cost_micros"])
            let batchCost = try #require(counters["llm_cost_micros"])
            #expect(onlineCost > 0 && abs(2 * batchCost - onlineCost) <= counters["llm_requests", default: 0])
            #expect(counters["llm_batches"] == batches && counters["llm_batch_expired"] == 1, "\(counters)")
            // The batch ids are in the run record.
            let ledger = RunRecordBatchLedger(
                records: RunRecordStore(client: try RedisClient(url: server.url)), runID: "batch")
            let recorded = try await ledger.all()
            #expect(recorded.keys.sorted() == ["t1", "t2"] && recorded.values.map(\.count).reduce(0, +) == batches)

            // The batch answers filled the response cache: the same run online asks nothing.
            let cached = try await Self.distributed(server, data, port: port, id: "cached", prefix: "gplr", [])
            #expect(cached.status == 0, "\(cached.stderr)")
            #expect(simulator.statistics.requests == requestsOnline && simulator.statistics.batchesCreated == batches)
            let cachedCounters = try LLMDistributedTests.counters(data.directory.file("out-cached/report.json"))
            #expect(
                cachedCounters["llm_cache_hits"] == 30 && cachedCounters["llm_requests"] == nil, "\(cachedCounters)")
            #expect(
                try String(contentsOfFile: data.directory.file("out-cached/phi.jsonl"), encoding: .utf8) == phiOnline)
        }
    }

    @Test func aCoordinatorKilledDuringAPendingBatchResumesItAndLabelsEveryoneOnce() async throws {
        let data = try DistributedDataset(users: 200, items: 100, personas: 5)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let simulator = try Self.simulator(
            data, LLMSimulatorBatchConfiguration(validationDelay: .milliseconds(200), completionDelay: .seconds(5)))
        try await simulator.withRunningServer { port in
            let coordinator = try ProcessHandle(
                product: "gplr",
                [
                    "run", "--redis", server.url, "--run-id", "killed", "--snapshot", data.snapshotPath, "--personas",
                    data.personasPath, "--out", data.directory.file("out-killed"), "--budget", "30", "--iterations",
                    "2", "--seed", "5", "--affinity-on", "coordinator", "--coordinator-lease-seconds", "2",
                    "--llm-url", "http://127.0.0.1:\(port)",
                ] + Self.llm + Self.batch, directory: data.directory, label: "coordinator")
            defer { coordinator.stop() }
            let redis = try RedisClient(url: server.url)
            let ledger = RunRecordBatchLedger(records: RunRecordStore(client: redis), runID: "killed")
            let pending = try await poll(timeout: .seconds(60)) {
                try await ledger.submissions(tag: "t1").first
            }
            #expect(pending != nil, "\(coordinator.standardError)")
            _ = coordinator.signalAndWait(SIGKILL)
            #expect(simulator.statistics.batchesCreated == 1 && simulator.statistics.batchLinesAnswered == 0)
            let expired = try await poll(timeout: .seconds(30)) {
                try await CoordinatorLease.holder(client: redis, keys: RedisKeys(), run: "killed") == nil ? true : nil
            }
            #expect(expired == true)

            let resumed = try await runOffThePool([
                "run", "--redis", server.url, "--resume", "killed", "--poll-milliseconds", "20", "--timeout", "60",
            ])
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect(resumed.stdout.contains("prototypes labeled: 30"), "\(resumed.stdout)")
            #expect(resumed.stderr.contains("before a restart"), "\(resumed.stderr)")
            // The pending batch was polled, not submitted again: one batch per iteration, one answer per user.
            let statistics = simulator.statistics
            #expect(statistics.batchesCreated == 2 && statistics.requests == 0)
            #expect(statistics.answersByUser.count == 30 && statistics.answersByUser.values.allSatisfy { $0 == 1 })
            let recorded = try await ledger.all()
            #expect(recorded["t1"]?.map(\.batchID) == pending.map { [$0.batchID] }, "\(recorded)")
            let counters = try LLMDistributedTests.counters(data.directory.file("out-killed/report.json"))
            #expect(counters["llm_labeled"] == 30 && counters["llm_requests"] == 30, "\(counters)")
        }
    }

    /// `gplr cancel` of a batch-mode run while its batch is pending: the coordinator stops waiting and cancels the
    /// batch at the provider (`POST /v1/batches/{id}/cancel`), so no line of it is answered (or billed).
    @Test func gplrCancelCancelsThePendingBatchAtTheProvider() async throws {
        let data = try DistributedDataset(users: 200, items: 100, personas: 5)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        // A batch that would take a minute: it must be cancelled, not waited for.
        let simulator = try Self.simulator(
            data, LLMSimulatorBatchConfiguration(validationDelay: .milliseconds(100), completionDelay: .seconds(60)))
        try await simulator.withRunningServer { port in
            let coordinator = try ProcessHandle(
                product: "gplr",
                [
                    "run", "--redis", server.url, "--run-id", "cancelled", "--snapshot", data.snapshotPath,
                    "--personas", data.personasPath, "--out", data.directory.file("out-cancelled"), "--budget", "30",
                    "--iterations", "2", "--seed", "5", "--affinity-on", "coordinator",
                    "--llm-url", "http://127.0.0.1:\(port)",
                ] + Self.llm + Self.batch, directory: data.directory, label: "coordinator")
            defer { coordinator.stop() }
            let redis = try RedisClient(url: server.url)
            let ledger = RunRecordBatchLedger(records: RunRecordStore(client: redis), runID: "cancelled")
            let pending = try await poll(timeout: .seconds(60)) {
                try await ledger.submissions(tag: "t1").first
            }
            let batchID = try #require(pending?.batchID, "\(coordinator.standardError)")
            #expect(simulator.statistics.batchesCancelled == 0)
            let cancel = try await runOffThePool(["cancel", "cancelled", "--redis", server.url])
            #expect(cancel.status == 0, "\(cancel.stderr)")
            let end = await coordinator.wait(timeout: .seconds(30))
            #expect(end != nil && end != .exited(0), "\(coordinator.standardError)")
            let statistics = simulator.statistics
            #expect(statistics.batchesCreated == 1 && statistics.batchesCancelled == 1)
            #expect(statistics.batchLinesAnswered == 0 && statistics.requests == 0)
            #expect(coordinator.standardError.contains("cancelled at the provider"), "\(coordinator.standardError)")
            // The provider says so too.
            let client = try LLMBatchClient(
                configuration: LLMConfiguration(baseURL: "http://127.0.0.1:\(port)", model: "sim-model"))
            let status = try await client.batch(batchID).status
            await client.shutdown()
            #expect(status == "cancelled")
            await redis.close()
        }
    }

    @Test func theCoordinatorsKeyReachesTheBatchAPIAndNothingElse() async throws {
        let secret = "sk-batch-SECRET-0987654321"
        let data = try DistributedDataset(users: 200, items: 100, personas: 5)
        defer { data.directory.remove() }
        let keys = try TemporaryDirectory(prefix: "gplr-key")
        defer { keys.remove() }
        try Data(secret.utf8).write(to: URL(fileURLWithPath: keys.file("key")))
        let server = try RedisServer()
        defer { server.stop() }
        var configuration = LLMSimulatorConfiguration(expectedAPIKey: secret)
        configuration.batch = LLMSimulatorBatchConfiguration(validationDelay: .zero, completionDelay: .milliseconds(50))
        let simulator = LLMSimulator(
            truth: try LLMDistributedTests.truth(data), personas: data.personas.names, configuration: configuration)
        try await simulator.withRunningServer { port in
            let ran = try await runOffThePool(
                [
                    "run", "--redis", server.url, "--run-id", "keyed", "--snapshot", data.snapshotPath, "--personas",
                    data.personasPath, "--out", data.directory.file("out-keyed"), "--budget", "30", "--iterations",
                    "2", "--affinity-on", "coordinator", "--poll-milliseconds", "20", "--llm-url",
                    "http://127.0.0.1:\(port)", "--llm-key-file", keys.file("key"), "--llm-model", "sim-model",
                ] + Self.batch)
            #expect(ran.status == 0, "\(ran.stderr)")
            #expect(simulator.statistics.unauthorized == 0 && simulator.statistics.batchLinesAnswered == 30)
            let everything = try await RedisDump.everything(try RedisClient(url: server.url))
            #expect(everything.contains { $0.contains("llmBatches:t1") }, "the batch ids are in the dump")
            #expect(!everything.contains { $0.contains(secret) || $0.contains("SECRET") })
            let texts =
                [("stdout", ran.stdout), ("stderr", ran.stderr)]
                + LLMDistributedTests.allFiles(under: data.directory.path)
            for (name, text) in texts { #expect(!text.contains(secret), "the key is in \(name)") }
        }
    }
}
