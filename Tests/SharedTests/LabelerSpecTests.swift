import Foundation
import GPLRTestSupport
import LLMSimulator
import Testing

@testable import GPLRLLM
@testable import GPLRRedis
@testable import GPLRRuntime

/// `LabelerSpec.llm` in label payloads, and the executor running it with the worker's key.
@Suite(.timeLimit(.minutes(5))) struct LabelerSpecTests {
    static func spec(port: Int = 1) -> LLMLabelerSpec {
        var spec = LLMLabelerSpec(baseURL: "http://127.0.0.1:\(port)", model: "sim-model")
        spec.usersPerRequest = 4
        spec.requestsPerMinute = 10_000
        spec.promptPricePer1K = 1
        spec.completionPricePer1K = 2
        return spec
    }

    @Test func labelsFilePayloadKeepsItsJSON() throws {
        // The encoding written before `.llm` existed still decodes, and re-encodes the same.
        let old = #"{"labelsFile":{"addProbability":0.1,"dropProbability":0.2,"path":"\/t.jsonl","seed":3}}"#
        let decoded = try JSONDecoder().decode(LabelerSpec.self, from: Data(old.utf8))
        #expect(decoded == .labelsFile(path: "/t.jsonl", dropProbability: 0.2, addProbability: 0.1, seed: 3))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(String(decoding: try encoder.encode(decoded), as: UTF8.self) == old)
    }

    @Test func llmSpecRoundTripsWithoutAnyKey() throws {
        var spec = Self.spec()
        spec.temperature = 0.5
        spec.cacheTTLSeconds = 3600
        let job = LabelJob(snapshot: "ab", users: [1, 2], personas: [], labeler: .llm(spec))
        let data = try JSONEncoder().encode(job)
        #expect(try JSONDecoder().decode(LabelJob.self, from: data) == job)
        let text = String(decoding: data, as: UTF8.self).lowercased()
        #expect(text.contains("\"llm\""))
        #expect(!text.contains("key"), "\(text)")
        #expect(!text.contains("authorization"))
        #expect(spec.problem == nil)
        let configuration = spec.configuration(apiKey: LLMAPIKey("k"))
        #expect(configuration.model == "sim-model" && configuration.promptPricePer1K == 1)
        #expect(spec.labelerOptions.usersPerRequest == 4)
    }

    @Test func invalidSpecsAreNamed() {
        var spec = Self.spec()
        spec.baseURL = "ftp://host"
        #expect(spec.problem?.contains("http(s)") == true)
        spec = Self.spec()
        spec.usersPerRequest = 0
        #expect(spec.problem?.contains("users per request") == true)
        spec = Self.spec()
        spec.tokensPerMinute = 0
        #expect(spec.problem != nil)
    }

    @Test func executorWithoutAKeyFailsNonRetriably() async throws {
        let (graph, _) = LLMLabelerFixtures.dataset(users: 6)
        let personas = LLMLabelerFixtures.personaSet.personas
        let job = LabelJob(snapshot: "ab", users: [0, 1], personas: personas, labeler: .llm(Self.spec()))
        for executor in [LabelJobExecutor(), LabelJobExecutor(llm: LLMJobContext(apiKey: nil, redis: nil))] {
            let error = await #expect(throws: JobExecutionError.self) { try await executor.execute(job, graph: graph) }
            #expect(error?.code == .llm)
            #expect(error?.isRetriable == false)
            #expect(error?.message == LLMJobContext.missingKeyMessage)
        }
        var bad = Self.spec()
        bad.model = ""
        let invalid = LabelJob(snapshot: "ab", users: [0], personas: personas, labeler: .llm(bad))
        let error = await #expect(throws: JobExecutionError.self) {
            try await LabelJobExecutor().execute(invalid, graph: graph)
        }
        #expect(error?.code == .invalidPayload)
    }

    @Test func executorLabelsWithTheWorkersKeyCacheAndRateLimit() async throws {
        let (graph, truth) = LLMLabelerFixtures.dataset(users: 20)
        let personas = LLMLabelerFixtures.personaSet.personas
        try await withRedisServer { server in
            try await LLMLabelerFixtures.withSimulator(
                truth: truth, LLMSimulatorConfiguration(expectedAPIKey: LLMLabelerFixtures.apiKey)
            ) { simulator, port in
                let redis = try RedisClient(url: server.url)
                let executor = LabelJobExecutor(
                    llm: LLMJobContext(apiKey: LLMAPIKey(LLMLabelerFixtures.apiKey), redis: redis))
                let job = LabelJob(
                    snapshot: "ab", users: Array(0..<20), personas: personas, labeler: .llm(Self.spec(port: port)))
                let first = try await executor.execute(job, graph: graph)
                #expect(first.batch.labels == LLMLabelerFixtures.expectedLabels(graph, truth))
                #expect(first.counters["llm.prompt-tokens", default: 0] > 0)
                #expect(first.counters["llm.cost-micros", default: 0] > 0)
                #expect(simulator.statistics.requests == 5)
                #expect(simulator.statistics.unauthorized == 0)
                let again = try await executor.execute(job, graph: graph)
                #expect(again.batch.labels == first.batch.labels)
                #expect(again.counters["llm.cache-hits", default: 0] == 5)
                #expect(simulator.statistics.requests == 5)
                let rateKeys = try await redis.send("KEYS", "gplr:ratelimit:*").array ?? []
                #expect(!rateKeys.isEmpty, "the shared rate limit was consulted")
                let everything = try await RedisDump.everything(redis)
                #expect(!everything.contains { $0.contains(LLMLabelerFixtures.apiKey) })
                await executor.shutdown()
            }
        }
    }
}
