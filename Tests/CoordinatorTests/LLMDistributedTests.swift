import Foundation
import GPLRTestSupport
import LLMSimulator
import Testing

@testable import Coordinator
@testable import GPLRCore
@testable import GPLRRedis
@testable import GPLRRuntime
@testable import GPLRSupport

/// `gplr run --redis --llm-url`: the built `gplr` and `gplr-worker` binaries, real Redis and the LLM simulator
/// in this process. The API key is given to the worker's environment only and must never leak.
@Suite(.serialized, .timeLimit(.minutes(5))) struct LLMDistributedTests {
    static let secret = "sk-test-SECRET-1234567890"

    /// The simulator's truth: the dataset's planted personas by name.
    static func truth(_ data: DistributedDataset) throws -> [String: [String]] {
        let contents = try LabelsFile.read(path: data.truthPath, personas: data.personas)
        return contents.labels.mapValues { $0.map { data.personas.names[$0] } }
    }

    /// Starts a real worker whose environment alone holds `key` (through `env`, so this process never has it).
    static func worker(
        _ server: RedisServer, _ directory: TemporaryDirectory, label: String, key: String?, extra: [String] = []
    ) throws -> ProcessHandle {
        var arguments = ["-u", "OPENAI_API_KEY", "-u", "OPENAI_BASE_URL"]
        if let key { arguments.append("OPENAI_API_KEY=\(key)") }
        arguments +=
            [
                BuiltProduct.path("gplr-worker"), "--redis", server.url, "--concurrency", "2",
                "--cache-dir", directory.file("cache-\(label)"), "--max-attempts", "2", "--log-level", "debug",
            ]
            + extra
        return try ProcessHandle(
            executable: "/usr/bin/env", arguments: arguments, stdoutPath: directory.file("\(label).stdout"),
            stderrPath: directory.file("\(label).stderr"))
    }

    static func counters(_ reportPath: String) throws -> [String: Int] {
        let data = try Data(contentsOf: URL(fileURLWithPath: reportPath))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(object["labeler_counters"] as? [String: Int])
    }

    /// Every regular file under `directory`, as text.
    static func allFiles(under directory: String) -> [(String, String)] {
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var files: [(String, String)] = []
        while let name = enumerator?.nextObject() as? String {
            let path = directory + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                let data = FileManager.default.contents(atPath: path)
            else { continue }
            files.append((path, String(decoding: data, as: UTF8.self)))
        }
        return files
    }

    @Test func llmLabeledRunCompletesCachesAndNeverLeaksTheKey() async throws {
        #expect(ProcessInfo.processInfo.environment["OPENAI_API_KEY"] != Self.secret)
        let data = try DistributedDataset(users: 300, items: 150, personas: 5)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let simulator = LLMSimulator(
            truth: try Self.truth(data), personas: data.personas.names,
            configuration: LLMSimulatorConfiguration(dropRate: 0.1, expectedAPIKey: Self.secret))
        try await simulator.withRunningServer { port in
            let worker = try Self.worker(
                server, data.directory, label: "worker", key: Self.secret,
                extra: ["--metrics-port", "0", "--metrics-host", "127.0.0.1"])
            defer { worker.stop() }
            func run(_ id: String) async throws -> BuiltProduct.Output {
                try await runOffThePool([
                    "run", "--redis", server.url, "--run-id", id, "--snapshot", data.snapshotPath,
                    "--personas", data.personasPath, "--out", data.directory.file("out/\(id)"), "--budget", "30",
                    "--iterations", "2", "--seed", "5", "--label-batch-size", "8", "--personas-per-shard", "3",
                    "--poll-milliseconds", "20", "--timeout", "60", "--llm-url", "http://127.0.0.1:\(port)",
                    "--llm-model", "sim-model", "--llm-users-per-request", "3", "--llm-prompt-price", "1",
                    "--llm-completion-price", "2", "--llm-rpm", "100000",
                ])
            }
            let first = try await run("llm1")
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("prototypes labeled: 30"), "\(first.stdout)")
            let firstCounters = try Self.counters(data.directory.file("out/llm1/report.json"))
            #expect(firstCounters["llm_prompt_tokens", default: 0] > 0, "\(firstCounters)")
            #expect(firstCounters["llm_cost_micros", default: 0] > 0, "\(firstCounters)")
            #expect(firstCounters["llm_labeled", default: 0] == 30, "\(firstCounters)")
            let requestsAfterFirst = simulator.statistics.requests
            #expect(requestsAfterFirst > 0)
            #expect(simulator.statistics.unauthorized == 0)

            // Same seed: the same prototypes, the same prompts: every answer comes from the Redis cache.
            let second = try await run("llm2")
            #expect(second.status == 0, "\(second.stderr)")
            #expect(simulator.statistics.requests == requestsAfterFirst)
            let secondCounters = try Self.counters(data.directory.file("out/llm2/report.json"))
            #expect(secondCounters["llm_cache_hits", default: 0] > 0, "\(secondCounters)")
            #expect(secondCounters["llm_cache_misses", default: 0] == 0, "\(secondCounters)")
            let phi1 = try String(contentsOfFile: data.directory.file("out/llm1/phi.jsonl"), encoding: .utf8)
            let phi2 = try String(contentsOfFile: data.directory.file("out/llm2/phi.jsonl"), encoding: .utf8)
            #expect(phi1 == phi2)

            // The secret is nowhere: Redis (every key and value of every type, job payloads included), the logs
            // of the worker and the coordinator, the output files.
            let redis = try RedisClient(url: server.url)
            let everything = try await RedisDump.everything(redis)
            #expect(everything.contains { $0.contains("llmcache") }, "the cache is in Redis")
            #expect(everything.contains { $0.contains("sim-model") }, "the job payloads are in the dump")
            #expect(!everything.contains { $0.contains(Self.secret) })
            #expect(!everything.contains { $0.contains("SECRET") })

            // The worker's metrics add up to what the two runs' reports counted; the key is not in them either.
            let metricsPort = try #require(try await worker.loggedMetricsPort())
            let (metrics, scraped) = try await PrometheusText.scrape(port: metricsPort)
            let both = firstCounters.merging(secondCounters, uniquingKeysWith: +)
            func counted(_ name: String) -> Double { Double(both[name, default: -1]) }
            #expect(metrics.value("gplr_llm_requests_total", ["model": "sim-model"]) == counted("llm_requests"))
            #expect(
                metrics.value("gplr_llm_requests_total", ["outcome": "ok"]) == Double(simulator.statistics.requests))
            #expect(metrics.value("gplr_llm_prompt_tokens_total") == counted("llm_prompt_tokens"))
            #expect(metrics.value("gplr_llm_completion_tokens_total") == counted("llm_completion_tokens"))
            let cost = try #require(metrics.value("gplr_llm_cost_usd_total"))
            #expect(abs(cost - Double(both["llm_cost_micros", default: 0]) / 1e6) < 1e-5)
            #expect(metrics.value("gplr_llm_cache_lookups_total", ["result": "hit"]) == counted("llm_cache_hits"))
            #expect(metrics.value("gplr_llm_cache_lookups_total", ["result": "miss"]) == counted("llm_cache_misses"))
            #expect(metrics.value("gplr_jobs_succeeded_total", ["kind": "label"]) ?? 0 > 0)
            #expect(!String(decoding: scraped.body, as: UTF8.self).contains(Self.secret))
            // Every outcome of the model is there from its first request on, in snake_case.
            #expect(metrics.value("gplr_llm_errors_total", ["model": "sim-model", "outcome": "rate_limited"]) == 0)
            #expect(metrics.value("gplr_llm_requests_total", ["model": "sim-model", "outcome": "server_error"]) == 0)
            #expect(PrometheusExpositionCheck.problems(in: metrics.source) == [])
            worker.stop()
            _ = await worker.wait(timeout: .seconds(10))
            let texts =
                [
                    ("coordinator stdout", first.stdout + second.stdout),
                    ("coordinator stderr", first.stderr + second.stderr),
                ]
                + Self.allFiles(under: data.directory.path)
            #expect(texts.contains { $0.0.hasSuffix("worker.stderr") && $0.1.contains("worker started") })
            for (name, text) in texts { #expect(!text.contains(Self.secret), "the key is in \(name)") }
        }
    }

    /// An endpoint that refuses every request (a wrong key: 401) must not end "done", exit 0 with nobody labeled:
    /// the run fails at its first iteration, the record says failed with the cause, and no Φ is written.
    @Test func aRunWhoseEveryLLMRequestIsRefusedFailsWithTheCause() async throws {
        let data = try DistributedDataset(users: 200, items: 100, personas: 4)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let simulator = LLMSimulator(
            truth: try Self.truth(data), personas: data.personas.names,
            configuration: LLMSimulatorConfiguration(expectedAPIKey: "the-right-key"))
        try await simulator.withRunningServer { port in
            let worker = try Self.worker(server, data.directory, label: "wrong-key", key: "a-wrong-key")
            defer { worker.stop() }
            let ran = try await runOffThePool([
                "run", "--redis", server.url, "--run-id", "refused", "--snapshot", data.snapshotPath,
                "--personas", data.personasPath, "--out", data.directory.file("out/refused"), "--budget", "20",
                "--iterations", "2", "--label-batch-size", "5", "--poll-milliseconds", "20", "--timeout", "60",
                "--llm-url", "http://127.0.0.1:\(port)", "--llm-model", "sim-model",
            ])
            #expect(ran.status != 0)
            #expect(ran.stderr.contains("labeling failed in iteration 1"), "\(ran.stderr)")
            #expect(ran.stderr.contains("[HTTP 401]"), "\(ran.stderr)")
            #expect(ran.stderr.contains("/v1/chat/completions rejected"), "\(ran.stderr)")
            let record = try await RunRecordStore(client: RedisClient(url: server.url)).load(run: "refused")
            #expect(record?.phase == .failed)
            #expect(record?.error?.contains("HTTP 401") == true)
            #expect(!FileManager.default.fileExists(atPath: data.directory.file("out/refused/phi.jsonl")))
            #expect(simulator.statistics.unauthorized > 0)
            // The preflight: only the first users of the sample were sent before the run stopped.
            #expect(simulator.statistics.requests <= GPLRRunner.probeSize, "\(simulator.statistics.requests)")

            // The key fixed on the workers, the run resumes and asks again: the refusals were not answers to reuse.
            worker.stop()
            let fixed = try Self.worker(server, data.directory, label: "right-key", key: "the-right-key")
            defer { fixed.stop() }
            let resumed = try await runOffThePool([
                "run", "--redis", server.url, "--resume", "refused", "--poll-milliseconds", "20", "--timeout", "60",
            ])
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect(resumed.stdout.contains("prototypes labeled: 20"), "\(resumed.stdout)")
            #expect(FileManager.default.fileExists(atPath: data.directory.file("out/refused/phi.jsonl")))
        }
    }

    @Test func workerWithoutAKeyFailsTheJobClearlyAndKeepsRunning() async throws {
        let data = try DistributedDataset(users: 200, items: 100, personas: 4)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let simulator = LLMSimulator(truth: try Self.truth(data), personas: data.personas.names)
        try await simulator.withRunningServer { port in
            let worker = try Self.worker(server, data.directory, label: "keyless", key: nil)
            defer { worker.stop() }
            let ran = try await runOffThePool([
                "run", "--redis", server.url, "--run-id", "nokey", "--snapshot", data.snapshotPath,
                "--personas", data.personasPath, "--out", data.directory.file("out"), "--budget", "10",
                "--iterations", "1", "--label-batch-size", "5", "--poll-milliseconds", "20", "--timeout", "3",
                "--llm-url", "http://127.0.0.1:\(port)", "--llm-model", "sim-model",
            ])
            #expect(ran.status != 0)
            // The coordinator reports the dead-lettered jobs with the worker's reason (then gives up at --timeout).
            #expect(ran.stderr.contains(LLMJobContext.missingKeyMessage), "\(ran.stderr)")
            #expect(simulator.statistics.requests == 0)
            #expect(worker.isRunning, "a job failing for want of a key does not stop the worker")
            let log = try String(contentsOfFile: worker.stderrPath, encoding: .utf8)
            #expect(log.contains(LLMJobContext.missingKeyMessage), "\(log)")
        }
    }

    @Test func localRunAsksTheLLMWithTheCoordinatorsKey() async throws {
        let data = try DistributedDataset(users: 200, items: 100, personas: 4)
        defer { data.directory.remove() }
        let simulator = LLMSimulator(
            truth: try Self.truth(data), personas: data.personas.names,
            configuration: LLMSimulatorConfiguration(expectedAPIKey: Self.secret))
        try await simulator.withRunningServer { port in
            var base = ProcessInfo.processInfo.environment
            base["OPENAI_API_KEY"] = Self.secret
            let environment = base
            let arguments = [
                "run", "--local", "--snapshot", data.snapshotPath, "--personas", data.personasPath,
                "--out", data.directory.file("local"), "--budget", "12", "--iterations", "2",
                "--llm-url", "http://127.0.0.1:\(port)", "--llm-model", "sim-model", "--llm-users-per-request", "4",
                "--llm-prompt-price", "1",
            ]
            let ran = try await BuiltProduct.run("gplr", arguments, environment: environment)
            #expect(ran.status == 0, "\(ran.stderr)")
            #expect(ran.stdout.contains("prototypes labeled: 12"), "\(ran.stdout)")
            #expect(simulator.statistics.requests > 0)
            #expect(simulator.statistics.unauthorized == 0)
            let counters = try Self.counters(data.directory.file("local/report.json"))
            #expect(counters["llm_cost_micros", default: 0] > 0, "\(counters)")
            for (name, text) in [("stdout", ran.stdout), ("stderr", ran.stderr)]
                + Self.allFiles(under: data.directory.file("local"))
            {
                #expect(!text.contains(Self.secret), "the key is in \(name)")
            }
        }
    }

    @Test func runRefusesTwoLabelersOrNone() async throws {
        let common = ["run", "--redis", "redis://127.0.0.1:1", "--snapshot", "s", "--personas", "p", "--out", "o"]
        let both = try await BuiltProduct.run("gplr", common + ["--labels", "l", "--llm-url", "http://127.0.0.1:1"])
        #expect(both.status != 0)
        #expect(both.stderr.contains("exactly one"), "\(both.stderr)")
        let none = try await BuiltProduct.run("gplr", common)
        #expect(none.status != 0)
        #expect(none.stderr.contains("--llm-url"), "\(none.stderr)")
        let badURL = try await BuiltProduct.run("gplr", common + ["--llm-url", "ftp://x"])
        #expect(badURL.stderr.contains("http(s)"), "\(badURL.stderr)")
        let keyFile = try await BuiltProduct.run(
            "gplr", common + ["--llm-url", "http://127.0.0.1:1", "--llm-key-file", "/k"])
        #expect(keyFile.status != 0)
        #expect(keyFile.stderr.contains("own key"), "\(keyFile.stderr)")
    }
}
