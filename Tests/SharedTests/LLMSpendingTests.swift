import Foundation
import GPLRTestSupport
import LLMSimulator
import Testing

@testable import GPLRCore
@testable import GPLRLLM
@testable import GPLRRedis

/// Prices, cached-token discounts and the spending cap (`--llm-max-cost`), with the labeler against the
/// simulator over real HTTP and the shared ledger in a real Redis.
@Suite(.timeLimit(.minutes(5))) struct LLMSpendingTests {
    @Test func usageReadsCachedTokensAndTheCostDiscountsThem() throws {
        let body =
            #"{"prompt_tokens": 1000, "completion_tokens": 10, "total_tokens": 1010, "#
            + #""prompt_tokens_details": {"cached_tokens": 600, "audio_tokens": 0}}"#
        let usage = try JSONDecoder().decode(TokenUsage.self, from: Data(body.utf8))
        #expect(usage.cachedPromptTokens == 600 && usage.promptTokens == 1000)
        let plain = try JSONDecoder().decode(
            TokenUsage.self, from: Data(#"{"prompt_tokens": 5, "prompt_tokens_details": null}"#.utf8))
        #expect(plain.cachedPromptTokens == 0 && plain.totalTokens == 5)
        // Encoded as read (cache entries keep it); without cached tokens, as before.
        #expect(try JSONDecoder().decode(TokenUsage.self, from: JSONEncoder().encode(usage)) == usage)
        #expect(!String(decoding: try JSONEncoder().encode(plain), as: UTF8.self).contains("details"))

        var configuration = LLMConfiguration(promptPricePer1K: 1, completionPricePer1K: 4)
        #expect(abs(configuration.cost(of: usage) - (1.0 + 0.04)) < 1e-12)
        configuration.cachedPromptPricePer1K = 0.5
        #expect(abs(configuration.cost(of: usage) - (0.4 + 0.3 + 0.04)) < 1e-12)
    }

    @Test func priceTablesMatchModelsByNameOrDatedPrefixAndOverride() throws {
        let json =
            #"{"date": "2025-07-01", "models": {"gpt-4o": {"input": 2.5, "cached_input": 1.25, "output": 10}, "#
            + #""gpt-4o-mini": {"input": 0.15, "output": 0.6}}}"#
        let table = try LLMPriceTable(json: Data(json.utf8), source: "t")
        #expect(table.date == "2025-07-01")
        #expect(table.price(for: "GPT-4o")?.name == "gpt-4o")
        #expect(table.price(for: "gpt-4o-mini-2024-07-18")?.name == "gpt-4o-mini")
        #expect(table.price(for: "gpt-4o-2024-08-06")?.price.cachedInput == 1.25)
        #expect(table.price(for: "gpt-4omni") == nil && table.price(for: "my-deployment") == nil)
        let mine = LLMPriceTable(date: "2026-01-01", models: ["gpt-4o-mini": LLMPrice(input: 0.1, output: 0.5)])
        let merged = table.overridden(by: mine)
        #expect(merged.price(for: "gpt-4o-mini")?.price.input == 0.1 && merged.price(for: "gpt-4o") != nil)
        #expect(merged.date == "2026-01-01")
        let bad = #expect(throws: LLMConfigurationError.self) {
            try LLMPriceTable(json: Data(#"{"models": {"m": {"input": -1, "output": 1}}}"#.utf8), source: "f.json")
        }
        #expect(bad?.source == "f.json")
    }

    /// Labels `users` users with a cap of `capUSD` through `ledger`; the batch, or the cap's error.
    static func labelCapped(
        users: Int, capUSD: Double, ledger: any LLMSpendLedger, port: Int, concurrency: Int,
        graph: PurchaseGraph
    ) async throws -> Result<LabelingBatch, LLMSpendingCapReached> {
        let configuration = LLMLabelerFixtures.configuration(port: port, concurrency: concurrency)
        let client = try ChatCompletionClient(
            configuration: configuration,
            admission: LLMSpendCap(capUSD: capUSD, ledger: ledger, configuration: configuration))
        let labeler = LLMLabeler(client: client, personas: LLMLabelerFixtures.personaSet)
        let result: Result<LabelingBatch, LLMSpendingCapReached>
        do {
            result = .success(try await labeler.label(users: Array(0..<users), in: graph))
        } catch let reached as LLMSpendingCapReached {
            result = .failure(reached)
        }
        await client.shutdown()
        return result
    }

    /// What the simulator's answers cost at the fixture prices (1 and 2 USD per 1K), and what one request
    /// can cost at most.
    static func spend(_ statistics: LLMSimulatorStatistics) -> (total: Double, perRequest: Double) {
        (
            Double(statistics.promptTokens) / 1000 + Double(statistics.completionTokens) / 1000 * 2,
            Double(statistics.maxPromptTokensPerRequest) / 1000 + Double(statistics.maxCompletionTokensPerRequest)
                / 1000 * 2
        )
    }

    @Test func theCapStopsWithinOneRequestBatchAndTheBatchDoesNotCount() async throws {
        let (graph, truth) = LLMLabelerFixtures.dataset(users: 60)
        // Uncapped: what the whole batch costs.
        let full = try await LLMLabelerFixtures.withSimulator(truth: truth) { simulator, port in
            let batch = try await Self.labelCapped(
                users: 60, capUSD: 1e9, ledger: LocalSpendLedger(), port: port, concurrency: 4, graph: graph
            ).get()
            #expect(batch.labels.count == 60)
            return Self.spend(simulator.statistics)
        }
        let cap = full.total / 3
        try await LLMLabelerFixtures.withSimulator(truth: truth) { simulator, port in
            let ledger = LocalSpendLedger()
            let result = try await Self.labelCapped(
                users: 60, capUSD: cap, ledger: ledger, port: port, concurrency: 4, graph: graph)
            guard case .failure(let reached) = result else {
                Issue.record("the cap did not stop the batch")
                return
            }
            let spent = Self.spend(simulator.statistics)
            #expect(spent.total >= cap && spent.total <= cap + 4 * full.perRequest, "\(spent.total) vs cap \(cap)")
            #expect(abs(Double(try await ledger.spentMicros()) / 1e6 - spent.total) < 1e-3)
            #expect(reached.capMicros == Int((cap * 1e6).rounded()) && reached.spentMicros >= reached.capMicros)
            #expect("\(reached)".contains("--llm-max-cost"))
            #expect(simulator.statistics.requests < 60)
        }
    }

    @Test func twoClientsShareOneLedgerInRedis() async throws {
        let (graph, truth) = LLMLabelerFixtures.dataset(users: 40)
        try await withRedisServer { server in
            let redis = RedisClient(endpoint: RedisEndpoint(address: .tcp(host: "127.0.0.1", port: server.port)))
            let ledger = RedisSpendLedger(redis: redis, keys: RedisKeys(prefix: "t"), runID: "r1")
            try await LLMLabelerFixtures.withSimulator(truth: truth) { simulator, port in
                // One client (a worker) spends until a small cap stops it …
                let first = try await Self.labelCapped(
                    users: 40, capUSD: 0.001, ledger: ledger, port: port, concurrency: 1, graph: graph)
                if case .success = first { Issue.record("a cap of $0.001 did not stop the first client") }
                let spent = try await ledger.spentMicros()
                #expect(spent > 0 && abs(Double(spent) / 1e6 - Self.spend(simulator.statistics).total) < 1e-3)
                // … and another one, with its own ledger object on the same run, sends nothing more.
                let requests = simulator.statistics.requests
                let second = try await Self.labelCapped(
                    users: 40, capUSD: Double(spent) / 1e6,
                    ledger: RedisSpendLedger(
                        redis: redis, keys: RedisKeys(prefix: "t"), runID: "r1"),
                    port: port, concurrency: 1, graph: graph)
                if case .success = second { Issue.record("the second client did not see the first one's spend") }
                #expect(simulator.statistics.requests == requests)
                let field = try await redis.send("HGET", "t:{run:r1}:counters", RedisArgument(RedisSpendLedger.field))
                #expect(field.string.flatMap { Int($0) } == spent)
            }
            await redis.close()
        }
    }
}
