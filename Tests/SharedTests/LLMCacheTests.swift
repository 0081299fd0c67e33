import Foundation
import GPLRTestSupport
import LLMSimulator
import Testing

@testable import GPLRLLM
@testable import GPLRRedis

/// The Redis response cache: a second labeling of the same users makes no HTTP request and costs nothing.
@Suite(.timeLimit(.minutes(5))) struct LLMCacheTests {
    @Test func secondLabelingIsServedFromTheCacheAndNothingInRedisHoldsTheKey() async throws {
        let (graph, truth) = LLMLabelerFixtures.dataset(users: 20)
        try await withRedisServer { server in
            let redis = RedisClient(endpoint: RedisEndpoint(address: .tcp(host: "127.0.0.1", port: server.port)))
            let cache = LLMResponseCache(redis: redis, ttl: .seconds(3600))
            let limiter = LLMRateLimiter(
                redis: redis, limit: LLMRateLimit(requestsPerMinute: 10_000, tokensPerMinute: 10_000_000))
            try await LLMLabelerFixtures.withSimulator(truth: truth) { simulator, port in
                let configuration = LLMLabelerFixtures.configuration(port: port)
                let first = try await LLMLabelerFixtures.label(
                    Array(0..<20), in: graph, configuration: configuration, cache: cache, admission: limiter)
                #expect(first.counters["llm.cache-misses"] == 20 && first.counters["llm.cache-hits"] == nil)
                #expect(simulator.statistics.requests == 20)

                let second = try await LLMLabelerFixtures.label(
                    Array(0..<20), in: graph, configuration: configuration, cache: cache, admission: limiter)
                #expect(simulator.statistics.requests == 20, "the second pass must not reach the server")
                #expect(second.labels == first.labels && second.failures.isEmpty)
                #expect(second.labels == LLMLabelerFixtures.expectedLabels(graph, truth))
                #expect(second.counters["llm.cache-hits"] == 20 && second.counters["llm.cache-misses"] == nil)
                #expect(second.counters["llm.requests"] == nil && second.counters["llm.prompt-tokens"] == nil)
                #expect(second.counters["llm.cost-micros"] == nil)
            }
            let everything = try await RedisDump.everything(redis)
            #expect(everything.count >= 2 * 20)
            #expect(everything.contains { $0.contains(":llmcache:") })
            #expect(everything.contains { $0.contains(":ratelimit:") })
            for text in everything { #expect(!text.contains(LLMLabelerFixtures.apiKey)) }
            #expect(!everything.contains { $0.contains("SECRET") })
            let cacheKey = try #require(everything.first { $0.contains(":llmcache:") })
            let ttl = try await redis.send("PTTL", RedisArgument(cacheKey)).int ?? -1
            #expect(ttl > 0 && ttl <= 3_600_000)
        }
    }

    @Test func unusableAnswersAreNotCached() async throws {
        let (graph, truth) = LLMLabelerFixtures.dataset(users: 3)
        try await withRedisServer { server in
            let redis = RedisClient(endpoint: RedisEndpoint(address: .tcp(host: "127.0.0.1", port: server.port)))
            let cache = LLMResponseCache(redis: redis)
            try await LLMLabelerFixtures.withSimulator(truth: truth, .init(faultSchedule: [.malformedJSON])) {
                simulator, port in
                let configuration = LLMLabelerFixtures.configuration(port: port, concurrency: 1)
                let first = try await LLMLabelerFixtures.label(
                    [0, 1, 2], in: graph, configuration: configuration, cache: cache)
                #expect(first.failures.isEmpty && first.counters["llm.parse-failures"] == 1)
                #expect(try await redis.send("DBSIZE").int == 3)
                let second = try await LLMLabelerFixtures.label(
                    [0, 1, 2], in: graph, configuration: configuration, cache: cache)
                #expect(second.labels == first.labels && second.counters["llm.parse-failures"] == nil)
                #expect(simulator.statistics.requests == 4)
            }
        }
    }

    @Test func requestHashIgnoresTheKeyButNotTheQuestion() {
        let request = LLMFixtures.prompt.request(for: [LLMFixtures.user("12358")])
        let a = LLMConfiguration(baseURL: "http://h:1", model: "m", apiKey: LLMAPIKey("sk-one"))
        let b = LLMConfiguration(baseURL: "http://h:1/v1/", model: "m", apiKey: LLMAPIKey("sk-two"))
        #expect(request.cacheHash(configuration: a) == request.cacheHash(configuration: b))
        #expect(request.cacheHash(configuration: a).count == 64)
        var other = a
        other.model = "m2"
        #expect(request.cacheHash(configuration: a) != request.cacheHash(configuration: other))
        other = a
        other.baseURL = "http://h:2"
        #expect(request.cacheHash(configuration: a) != request.cacheHash(configuration: other))
        var changed = request
        changed.temperature = 0.5
        #expect(request.cacheHash(configuration: a) != changed.cacheHash(configuration: a))
        changed = request
        changed.jsonObjectResponse = false
        #expect(request.cacheHash(configuration: a) != changed.cacheHash(configuration: a))
        let otherUser = LLMFixtures.prompt.request(for: [LLMFixtures.user("12359")])
        #expect(request.cacheHash(configuration: a) != otherUser.cacheHash(configuration: a))
    }
}
