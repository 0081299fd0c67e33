import Foundation
import GPLRTestSupport
import LLMSimulator
import Testing

@testable import Coordinator
@testable import GPLRCore
@testable import GPLRRedis

/// Prices from the built-in table and a user file, the cached-token discount, and `--llm-max-cost` stopping a
/// local and a distributed run within one request batch of the cap; the built `gplr` against the simulator.
@Suite(.serialized, .timeLimit(.minutes(5))) struct LLMCostCLITests {
    @Test func theBuiltInTableIsDatedAndFlagsAndFilesOverrideIt() throws {
        #expect(LLMPricing.builtIn.date.count == 10 && LLMPricing.builtIn.models.count >= 10)
        let mini = try LLMPricing.resolve(
            model: "gpt-4o-mini-2024-07-18", prompt: nil, cachedPrompt: nil, completion: nil, priceFile: nil)
        #expect(mini.isKnown && abs(mini.promptPer1K - 0.00015) < 1e-12 && abs(mini.completionPer1K - 0.0006) < 1e-12)
        #expect(abs((mini.cachedPromptPer1K ?? 0) - 0.000075) < 1e-12)
        #expect(mini.origin.contains("gpt-4o-mini in the built-in table of \(LLMPricing.builtIn.date)"))
        for model in ["gpt-4o", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o3", "o4-mini", "gemini-2.0-flash"] {
            #expect(LLMPricing.builtIn.price(for: model) != nil, "\(model)")
        }
        // A flag wins, and a table's cached price does not go with a prompt price given by flag.
        let flagged = try LLMPricing.resolve(
            model: "gpt-4o-mini", prompt: 0.001, cachedPrompt: nil, completion: nil, priceFile: nil)
        #expect(flagged.promptPer1K == 0.001 && flagged.cachedPromptPer1K == nil)
        #expect(abs(flagged.completionPer1K - 0.0006) < 1e-12)
        let unknown = try LLMPricing.resolve(
            model: "my-deployment", prompt: nil, cachedPrompt: nil, completion: nil, priceFile: nil)
        #expect(!unknown.isKnown && unknown.promptPer1K == 0)

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.file("prices.json")
        try #"{"date": "2026-11-30", "models": {"my-deployment": {"input": 2, "cached_input": 1, "output": 8}}}"#.write(
            toFile: file, atomically: true, encoding: .utf8)
        let mine = try LLMPricing.resolve(
            model: "my-deployment", prompt: nil, cachedPrompt: nil, completion: nil, priceFile: file)
        #expect(mine.isKnown && mine.promptPer1K == 0.002 && mine.cachedPromptPer1K == 0.001)
        #expect(mine.completionPer1K == 0.008 && mine.origin.contains("2026-11-30"))
    }

    static func localRun(
        _ data: DistributedDataset, port: Int, out: String, _ extra: [String]
    ) async throws -> BuiltProduct.Output {
        try await BuiltProduct.run(
            "gplr",
            [
                "run", "--local", "--snapshot", data.snapshotPath, "--personas", data.personasPath, "--out", out,
                "--budget", "60", "--iterations", "2", "--llm-url", "http://127.0.0.1:\(port)", "--llm-auth", "none",
            ] + extra,
            environment: ["GPLR_PROGRESS": "off"])
    }

    @Test func cachedPromptTokensCostTheCachedPriceOfTheBuiltInTable() async throws {
        let data = try DistributedDataset(users: 200, items: 100, personas: 5)
        defer { data.directory.remove() }
        var configuration = LLMSimulatorConfiguration()
        configuration.cachedPromptTokenRate = 0.5
        let simulator = LLMSimulator(
            truth: try LLMDistributedTests.truth(data), personas: data.personas.names, configuration: configuration)
        try await simulator.withRunningServer { port in
            let ran = try await Self.localRun(
                data, port: port, out: data.directory.file("out"), ["--llm-model", "gpt-4o-mini"])
            #expect(ran.status == 0, "\(ran.stderr)")
            #expect(ran.stderr.contains("gpt-4o-mini in the built-in table"), "\(ran.stderr)")
            let counters = try LLMDistributedTests.counters(data.directory.file("out/report.json"))
            let statistics = simulator.statistics
            #expect(counters["llm_cached_prompt_tokens"] == statistics.cachedPromptTokens)
            #expect(statistics.cachedPromptTokens > 0)
            // gpt-4o-mini: $0.15 / $0.075 cached / $0.60 per 1M tokens.
            let uncached = Double(statistics.promptTokens - statistics.cachedPromptTokens)
            let expected =
                (uncached * 0.15 + Double(statistics.cachedPromptTokens) * 0.075
                    + Double(statistics.completionTokens) * 0.60)
            #expect(abs(Double(counters["llm_cost_micros"] ?? 0) - expected) <= Double(statistics.requests))
        }
    }

    @Test func aLocalRunStopsAtTheCapWithAClearMessage() async throws {
        let data = try DistributedDataset(users: 200, items: 100, personas: 5)
        defer { data.directory.remove() }
        let prices = ["--llm-prompt-price", "1", "--llm-completion-price", "2", "--llm-concurrency", "2"]
        let unpriced = try await Self.localRun(
            data, port: 1, out: data.directory.file("o0"), ["--llm-model", "sim-model", "--llm-max-cost", "1"])
        #expect(unpriced.status != 0 && unpriced.stderr.contains("no price is known"), "\(unpriced.stderr)")

        let simulator = LLMSimulator(truth: try LLMDistributedTests.truth(data), personas: data.personas.names)
        try await simulator.withRunningServer { port in
            let ran = try await Self.localRun(
                data, port: port, out: data.directory.file("o1"), prices + ["--llm-max-cost", "2.5"])
            #expect(ran.status != 0)
            #expect(ran.stderr.contains("the LLM spending cap is reached"), "\(ran.stderr)")
            #expect(!FileManager.default.fileExists(atPath: data.directory.file("o1/phi.jsonl")))
            let statistics = simulator.statistics
            let spent = Double(statistics.promptTokens) / 1000 + Double(statistics.completionTokens) / 1000 * 2
            let perRequest =
                Double(statistics.maxPromptTokensPerRequest) / 1000
                + Double(statistics.maxCompletionTokensPerRequest) / 1000 * 2
            #expect(spent >= 2.5 && spent <= 2.5 + 2 * perRequest, "spent \(spent), one request ≤ \(perRequest)")
            #expect(statistics.requests < 60)
        }
    }

    @Test func aDistributedRunSharesTheSpendAndFailsAtTheCap() async throws {
        let data = try DistributedDataset(users: 300, items: 150, personas: 5)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let simulator = LLMSimulator(truth: try LLMDistributedTests.truth(data), personas: data.personas.names)
        try await simulator.withRunningServer { port in
            // Two workers of 2 jobs × 2 requests each: at most 8 requests in flight when the cap is reached.
            let workers = try (0..<2).map {
                try LLMDistributedTests.worker(server, data.directory, label: "w\($0)", key: nil)
            }
            defer { for worker in workers { worker.stop() } }
            let ran = try await runOffThePool([
                "run", "--redis", server.url, "--run-id", "capped", "--snapshot", data.snapshotPath, "--personas",
                data.personasPath, "--out", data.directory.file("out"), "--budget", "100", "--iterations", "2",
                "--label-batch-size", "5", "--poll-milliseconds", "20", "--timeout", "60", "--llm-url",
                "http://127.0.0.1:\(port)", "--llm-auth", "none", "--llm-model", "sim-model", "--llm-prompt-price",
                "1", "--llm-completion-price", "2", "--llm-concurrency", "2", "--llm-max-cost", "4",
            ])
            #expect(ran.status != 0)
            #expect(ran.stderr.contains("the LLM spending cap is reached"), "\(ran.stderr)")
            let statistics = simulator.statistics
            let spent = Double(statistics.promptTokens) / 1000 + Double(statistics.completionTokens) / 1000 * 2
            let perRequest =
                Double(statistics.maxPromptTokensPerRequest) / 1000
                + Double(statistics.maxCompletionTokensPerRequest) / 1000 * 2
            #expect(spent >= 4 && spent <= 4 + 8 * perRequest, "spent \(spent), one request ≤ \(perRequest)")
            #expect(statistics.requests < 100)
            // The ledger holds what the workers were charged. A worker adds an answer's cost just after the simulator
            // counted it, so a request in flight when the coordinator gave up may be added a moment later (seconds on
            // a loaded machine): read both sides again until they agree.
            let redis = try RedisClient(url: server.url)
            var ledgerSpent = -1.0
            var simulatorSpent = spent
            let agreed = try await eventually(timeout: .seconds(5), every: .milliseconds(50)) {
                let ledger = try await redis.send("HGET", "gplr:{run:capped}:counters", "llm-spent-micros")
                ledgerSpent = Double(ledger.string.flatMap { Int($0) } ?? -1) / 1e6
                let now = simulator.statistics
                simulatorSpent = Double(now.promptTokens) / 1000 + Double(now.completionTokens) / 1000 * 2
                return abs(ledgerSpent - simulatorSpent) < 1e-3
            }
            #expect(agreed, "ledger \(ledgerSpent), simulator \(simulatorSpent)")
            let phase = try await redis.send("HGET", "gplr:{run:capped}:state", "phase")
            #expect(phase.string == "failed")

            // More money: the run resumes with a higher cap and labels its whole budget.
            let resumed = try await runOffThePool([
                "run", "--redis", server.url, "--resume", "capped", "--poll-milliseconds", "20", "--timeout", "60",
                "--llm-max-cost", "1000",
            ])
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect(resumed.stdout.contains("prototypes labeled: 100"), "\(resumed.stdout)")
            let after = try await redis.send("HGET", "gplr:{run:capped}:counters", "llm-spent-micros")
            #expect(Double(after.string.flatMap { Int($0) } ?? 0) / 1e6 > ledgerSpent)
            await redis.close()
        }
    }

    /// `gplr personas generate --llm-max-cost` and `label-items --llm-max-cost`: no request once the cap is reached,
    /// a clear message, a non-zero exit and no output file; the spend passes the cap by at most the requests in
    /// flight (one with --llm-concurrency 1). A cap the whole generation fits under changes nothing.
    @Test func personasStopAtTheCapWithAClearMessage() async throws {
        let data = try DistributedDataset(users: 300, items: 150, personas: 10)
        defer { data.directory.remove() }
        let simulator = LLMSimulator(truth: try LLMDistributedTests.truth(data), personas: data.personas.names)
        let sizes = [
            "--samples", "12", "--sample-size", "20", "--merges", "3", "--merge-size", "3", "--final", "8",
            "--llm-auth", "none", "--llm-model", "sim-model", "--llm-prompt-price", "1", "--llm-completion-price",
            "2", "--llm-concurrency", "1",
        ]
        try await simulator.withRunningServer { port in
            func generate(_ out: String, _ extra: [String]) async throws -> BuiltProduct.Output {
                try await BuiltProduct.run(
                    "gplr",
                    ["personas", "generate", "--snapshot", data.snapshotPath, "--out", data.directory.file(out)]
                        + sizes + ["--llm-url", "http://127.0.0.1:\(port)"] + extra,
                    environment: ["GPLR_PROGRESS": "off"])
            }
            let whole = try await generate("whole.json", ["--llm-max-cost", "1000"])
            #expect(whole.status == 0, "\(whole.stderr)")
            let all = simulator.statistics
            #expect(all.requests == 16, "12 proposals, 3 merges, 1 final")
            let perRequest =
                Double(all.maxPromptTokensPerRequest) / 1000 + Double(all.maxCompletionTokensPerRequest) / 1000 * 2
            let total = Double(all.promptTokens) / 1000 + Double(all.completionTokens) / 1000 * 2

            // A cap of about half the whole cost: the proposals reach it.
            let cap = (total / 2 * 100).rounded() / 100
            let capped = try await generate("capped.json", ["--llm-max-cost", String(cap)])
            #expect(capped.status != 0)
            #expect(capped.stderr.contains("the LLM spending cap is reached"), "\(capped.stderr)")
            #expect(!FileManager.default.fileExists(atPath: data.directory.file("capped.json")))
            let after = simulator.statistics
            let requests = after.requests - all.requests
            let spent =
                Double(after.promptTokens - all.promptTokens) / 1000
                + Double(after.completionTokens - all.completionTokens) / 1000 * 2
            #expect(spent >= cap && spent <= cap + perRequest, "spent \(spent) of \(cap), one request ≤ \(perRequest)")
            #expect(requests < 16, "\(requests)")

            let unpriced = try await BuiltProduct.run(
                "gplr",
                [
                    "personas", "generate", "--snapshot", data.snapshotPath, "--out", data.directory.file("u.json"),
                    "--llm-url", "http://127.0.0.1:\(port)", "--llm-model", "sim-model", "--llm-max-cost", "1",
                ])
            #expect(unpriced.status != 0 && unpriced.stderr.contains("no price is known"), "\(unpriced.stderr)")
            #expect(simulator.statistics.requests == after.requests)

            // label-items: the same cap, the same failure.
            let items = try await BuiltProduct.run(
                "gplr",
                [
                    "personas", "label-items", "--snapshot", data.snapshotPath, "--personas", data.personasPath,
                    "--out", data.directory.file("items.jsonl"), "--items-per-request", "5",
                    "--llm-url", "http://127.0.0.1:\(port)",
                ] + Array(sizes.suffix(10)) + ["--llm-max-cost", String(2 * perRequest)],
                environment: ["GPLR_PROGRESS": "off"])
            #expect(items.status != 0 && items.stderr.contains("the LLM spending cap is reached"), "\(items.stderr)")
            #expect(!FileManager.default.fileExists(atPath: data.directory.file("items.jsonl")))
            #expect(simulator.statistics.requests - after.requests < 30, "150 items, 5 per request")
        }
    }

    /// `gplr personas generate --redis … --llm-max-cost`: the workers count the spend in the run's ledger in Redis
    /// and refuse requests past the cap; the coordinator stops with the cap's message, a non-zero exit and no file.
    @Test func distributedPersonaGenerationStopsAtTheCap() async throws {
        let data = try DistributedDataset(users: 300, items: 150, personas: 10)
        defer { data.directory.remove() }
        let server = try RedisServer()
        defer { server.stop() }
        let simulator = LLMSimulator(truth: try LLMDistributedTests.truth(data), personas: data.personas.names)
        try await simulator.withRunningServer { port in
            let worker = try LLMDistributedTests.worker(server, data.directory, label: "worker", key: nil)
            defer { worker.stop() }
            func generate(_ id: String, cap: String) async throws -> BuiltProduct.Output {
                try await runOffThePool([
                    "personas", "generate", "--redis", server.url, "--run-id", id, "--snapshot", data.snapshotPath,
                    "--out", data.directory.file("\(id).json"), "--samples", "12", "--sample-size", "20",
                    "--merges", "3", "--merge-size", "3", "--final", "8", "--llm-url", "http://127.0.0.1:\(port)",
                    "--llm-auth", "none", "--llm-model", "sim-model", "--llm-prompt-price", "1",
                    "--llm-completion-price", "2", "--llm-concurrency", "1", "--poll-milliseconds", "20",
                    "--timeout", "60", "--llm-max-cost", cap,
                ])
            }
            let whole = try await generate("whole", cap: "1000")
            #expect(whole.status == 0, "\(whole.stderr)")
            let all = simulator.statistics
            #expect(all.requests == 16, "12 proposals, 3 merges, 1 final")
            let perRequest =
                Double(all.maxPromptTokensPerRequest) / 1000 + Double(all.maxCompletionTokensPerRequest) / 1000 * 2
            let total = Double(all.promptTokens) / 1000 + Double(all.completionTokens) / 1000 * 2
            let redis = try RedisClient(url: server.url)
            let ledger = try await redis.send("HGET", "gplr:{run:whole}:counters", "llm-spent-micros")
            #expect(abs(Double(ledger.string.flatMap { Int($0) } ?? 0) / 1e6 - total) < 1e-3)

            let cap = (total / 2 * 100).rounded() / 100
            let capped = try await generate("capped", cap: String(cap))
            #expect(capped.status != 0)
            #expect(capped.stderr.contains("the LLM spending cap is reached"), "\(capped.stderr)")
            #expect(!FileManager.default.fileExists(atPath: data.directory.file("capped.json")))
            let after = simulator.statistics
            let spent =
                Double(after.promptTokens - all.promptTokens) / 1000
                + Double(after.completionTokens - all.completionTokens) / 1000 * 2
            // One worker, 2 jobs at a time, 1 request each: at most 2 requests in flight at the cap.
            #expect(
                spent >= cap && spent <= cap + 2 * perRequest, "spent \(spent) of \(cap), one request ≤ \(perRequest)")
            #expect(after.requests - all.requests < 16)
            let micros = try await redis.send("HGET", "gplr:{run:capped}:counters", "llm-spent-micros")
            #expect(abs(Double(micros.string.flatMap { Int($0) } ?? 0) / 1e6 - spent) < 1e-3)
            await redis.close()
        }
    }
}
