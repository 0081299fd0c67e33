import Foundation
import GPLRTestSupport
import LLMSimulator
import Testing

@testable import GPLRCore
@testable import GPLRLLM
@testable import GPLRRedis
@testable import GPLRRuntime

/// A run's LLM outcomes in Redis (``RedisLLMOutcomeRecorder``): the labeler over real HTTP against the simulator
/// with injected faults, counting into a real Redis; the counts are what the simulator served.
@Suite(.timeLimit(.minutes(5))) struct LLMOutcomeCountingTests {
    @Test func theRunsCountersAreWhatTheSimulatorServed() async throws {
        let (graph, truth) = LLMLabelerFixtures.dataset(users: 30)
        // 429, 500, a body that is no chat completion and truncated JSON content, then clean answers.
        let faults = LLMSimulatorConfiguration(
            faultSchedule: [
                .rateLimited, .serverError, .malformedJSON, .rateLimited, .malformedBody, .serverError, .malformedJSON,
            ],
            retryAfter: .milliseconds(10))
        try await withRedisServer { server in
            let redis = try RedisClient(url: server.url)
            let keys = RedisKeys(prefix: "t")
            try await LLMLabelerFixtures.withSimulator(truth: truth, faults) { simulator, port in
                let client = try ChatCompletionClient(
                    configuration: LLMLabelerFixtures.configuration(port: port, concurrency: 2, maxAttempts: 6))
                let labeler = LLMLabeler(
                    client: client, personas: LLMLabelerFixtures.personaSet,
                    options: LLMLabelerOptions(usersPerRequest: 3),
                    observer: RedisLLMOutcomeRecorder(redis: redis, keys: keys, runID: "r1"))
                let batch = try await labeler.label(users: Array(0..<30), in: graph)
                await client.shutdown()
                #expect(batch.failures.isEmpty && batch.labels.count == 30)

                let stats = simulator.statistics
                let counters = try await JobQueue(client: redis, keys: keys).jobStates(run: "r1").counters
                let outcomes = try #require(RunLLMOutcomes(counters: counters), "no outcome in \(counters)")
                #expect(outcomes.attempts["rate_limited"] == stats[.rateLimited] && stats[.rateLimited] == 2)
                #expect(outcomes.attempts["server_error"] == stats[.serverError] && stats[.serverError] == 2)
                #expect(outcomes.attempts["invalid_response"] == stats[.malformedBody])
                #expect(outcomes.attempts["ok"] == stats.completions - stats[.malformedBody])
                #expect(outcomes.attempts["rejected"] == nil && stats.unauthorized + stats.badRequests == 0)
                #expect(outcomes.totalAttempts == stats.requests)
                #expect(outcomes.unparsedAnswers == stats[.malformedJSON] && stats[.malformedJSON] == 2)
                // Each answer's cost is rounded to a micro-dollar on its own.
                let spent = (Double(stats.promptTokens) / 1000 + Double(stats.completionTokens) / 1000 * 2) * 1e6
                #expect(abs(Double(outcomes.costMicros) - spent) <= Double(stats.completions), "\(outcomes)")
                // Only the run's counters: another run's hash is untouched.
                #expect(try await redis.send("EXISTS", "t:{run:r2}:counters").int == 0)
            }
            await redis.close()
        }
    }

    @Test func outcomesAreReadFromTheCountersHashAndAbsentWithoutThem() {
        #expect(RunLLMOutcomes(counters: ["failures": 3, "retried": 1]) == nil)
        let outcomes = RunLLMOutcomes(counters: [
            "failures": 3, "llm-attempts:ok": 5, "llm-attempts:rate_limited": 2, "llm-unparsed-answers": 1,
            "llm-cost-micros": 700,
        ])
        #expect(
            outcomes == RunLLMOutcomes(attempts: ["ok": 5, "rate_limited": 2], unparsedAnswers: 1, costMicros: 700))
        #expect(outcomes?.totalAttempts == 7)
    }
}
