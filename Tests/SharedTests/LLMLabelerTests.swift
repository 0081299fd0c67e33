import Foundation
import LLMSimulator
import Testing

@testable import GPLRLLM

/// LLMLabeler against the simulator over real HTTP.
@Suite(.timeLimit(.minutes(5))) struct LLMLabelerTests {
    @Test func mixedFaultsEndWithEveryUserLabeledAndExactCounters() async throws {
        let (graph, truth) = LLMLabelerFixtures.dataset(users: 70)
        // 10 % of the first 70 requests fail, one of each kind. Each fault but `unknownPersona` costs exactly
        // one more request, whichever request it hits (retries included), so the counters are exact.
        let faults: [LLMSimulatorFault] = [
            .rateLimited, .serverError, .hang, .malformedBody, .malformedJSON, .unknownPersona, .wrongUserID,
        ]
        var schedule = [LLMSimulatorFault?](repeating: nil, count: 70)
        for (k, fault) in faults.enumerated() { schedule[3 + 10 * k] = fault }
        let simulatorConfiguration = LLMSimulatorConfiguration(
            faultSchedule: schedule, retryAfter: .milliseconds(20), hangDuration: .seconds(20))
        try await LLMLabelerFixtures.withSimulator(truth: truth, simulatorConfiguration) { simulator, port in
            // Long enough that no healthy answer times out on a busy machine (only the injected 20 s hang must):
            // 3 s was not, with four builds and test runs on two cores (81 requests instead of 76).
            let configuration = LLMLabelerFixtures.configuration(port: port, timeout: .seconds(8))
            let batch = try await LLMLabelerFixtures.label(Array(0..<70), in: graph, configuration: configuration)
            let statistics = simulator.statistics
            #expect(batch.failures.isEmpty)
            #expect(batch.labels == LLMLabelerFixtures.expectedLabels(graph, truth))
            #expect(statistics.faults.values.reduce(0, +) == 7)
            #expect(statistics.requests == 76)
            let c = batch.counters
            #expect(c["llm.requests"] == 76)
            #expect(c["llm.retries"] == 6)
            #expect(c["llm.reasks"] == 2)
            #expect(c["llm.parse-failures"] == 1)
            #expect(c["llm.unknown-personas"] == 1)
            #expect(c["llm.unexpected-users"] == 1)
            #expect(c["llm.missing-answers"] == 1)
            #expect(c["llm.request-failures"] == nil && c["llm.failed"] == 0)
            #expect(c["llm.labeled"] == 70)
            #expect(c["llm.unrepresentable"] == truth.values.filter(\.isEmpty).count)
            #expect(c["llm.prompt-tokens"] == statistics.promptTokens)
            #expect(c["llm.completion-tokens"] == statistics.completionTokens)
            #expect(c["llm.cost-micros"] == statistics.promptTokens * 1000 + statistics.completionTokens * 2000)
            #expect(c["llm.cache-hits"] == nil && c["llm.cache-misses"] == nil)
        }
    }

    @Test func answersThatNeverParseFailTheirUsersAfterBoundedAttempts() async throws {
        let (graph, truth) = LLMLabelerFixtures.dataset(users: 5)
        try await LLMLabelerFixtures.withSimulator(truth: truth, .init(faultRates: [.malformedJSON: 1])) {
            simulator, port in
            let batch = try await LLMLabelerFixtures.label(
                Array(0..<5), in: graph, configuration: LLMLabelerFixtures.configuration(port: port),
                options: LLMLabelerOptions(maxAnswerAttempts: 3))
            #expect(batch.labels.isEmpty)
            #expect(Set(batch.failures.keys) == Set(0..<5))
            #expect(batch.failures.values.allSatisfy { $0.contains("not a JSON object") })
            #expect(batch.counters["llm.parse-failures"] == 15)
            #expect(batch.counters["llm.requests"] == 15 && simulator.statistics.requests == 15)
            #expect(batch.counters["llm.failed"] == 5)
        }
    }

    @Test func rejectedRequestsFailTheirUsersWithoutTheKey() async throws {
        let (graph, truth) = LLMLabelerFixtures.dataset(users: 4)
        try await LLMLabelerFixtures.withSimulator(truth: truth, .init(expectedAPIKey: "another-key")) {
            simulator, port in
            let batch = try await LLMLabelerFixtures.label(
                [0, 1, 2, 3, 1], in: graph, configuration: LLMLabelerFixtures.configuration(port: port))
            #expect(batch.labels.isEmpty && batch.failures.count == 4)
            #expect(simulator.statistics.unauthorized == 4)
            #expect(batch.counters["llm.request-failures"] == 4)
            for text in batch.failures.values {
                #expect(text.contains("401"))
                #expect(!text.contains(LLMLabelerFixtures.apiKey), "\(text)")
            }
            #expect(!"\(batch.counters)".contains(LLMLabelerFixtures.apiKey))
        }
    }

    @Test func severalUsersPerRequestReaskOnlyTheMissingOnes() async throws {
        let (graph, truth) = LLMLabelerFixtures.dataset(users: 25)
        try await LLMLabelerFixtures.withSimulator(truth: truth, .init(faultSchedule: [.wrongUserID])) {
            simulator, port in
            let batch = try await LLMLabelerFixtures.label(
                Array(0..<25), in: graph, configuration: LLMLabelerFixtures.configuration(port: port),
                options: LLMLabelerOptions(usersPerRequest: 10))
            #expect(batch.failures.isEmpty)
            #expect(batch.labels == LLMLabelerFixtures.expectedLabels(graph, truth))
            // 3 requests of 10 + 10 + 5 users, one answer came back under a wrong id: one more request for it.
            #expect(simulator.statistics.requests == 4)
            #expect(simulator.statistics.userAnswers == 26)
            #expect(batch.counters["llm.reasks"] == 1 && batch.counters["llm.unexpected-users"] == 1)
        }
    }

    @Test func moreTokensPerUserWithOneUserPerRequest() async throws {
        let (graph, truth) = LLMLabelerFixtures.dataset(users: 20)
        try await LLMLabelerFixtures.withSimulator(truth: truth) { _, port in
            let configuration = LLMLabelerFixtures.configuration(port: port)
            let one = try await LLMLabelerFixtures.label(Array(0..<20), in: graph, configuration: configuration)
            let ten = try await LLMLabelerFixtures.label(
                Array(0..<20), in: graph, configuration: configuration, options: LLMLabelerOptions(usersPerRequest: 10))
            #expect(one.labels == ten.labels)
            #expect(one.counters["llm.requests"] == 20 && ten.counters["llm.requests"] == 2)
            #expect(try #require(ten.counters["llm.prompt-tokens"]) * 3 < #require(one.counters["llm.prompt-tokens"]))
        }
    }
}
