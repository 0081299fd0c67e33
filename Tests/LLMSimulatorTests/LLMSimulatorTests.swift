import Foundation
import GPLRHTTP
import GPLRSupport
import LLMSimulator
import Testing

@testable import GPLRLLM

/// The simulator itself, spoken to over real HTTP the way any OpenAI-compatible client would.
@Suite(.timeLimit(.minutes(5))) struct LLMSimulatorTests {
    static let personas = ["Busy Parents", "Bargain Hunter", "Pet Owner"]
    static let truth: [String: [String]] = ["u1": ["Busy Parents", "Pet Owner"], "u2": []]

    /// One labeling request for `users`, as chat-completions JSON.
    static func request(port: Int, users: [String]) throws -> HTTPClientRequest {
        let prompt = LabelingPrompt(personas: personas.map { LabelingPersona(name: $0, description: "about \($0)") })
        let body = ChatCompletionWire.Request(
            model: "sim",
            messages: prompt.messages(
                for: users.map { LabelingUser(id: $0, purchases: [LabelingPurchase(productName: "diapers", count: 3)]) }
            ))
        return HTTPClientRequest(
            url: "http://127.0.0.1:\(port)/v1/chat/completions",
            headers: [HTTPHeader(name: "Content-Type", value: "application/json")],
            body: Array(try JSONEncoder().encode(body)), timeout: .seconds(10))
    }

    @Test func answersFromTheTruthAndFillsUsage() async throws {
        let simulator = LLMSimulator(truth: Self.truth, personas: Self.personas)
        try await simulator.withRunningServer { port in
            let client = try HTTPClient()
            let response = try await client.execute(try Self.request(port: port, users: ["u1", "u2"]))
            #expect(response.status == 200)
            let decoded = try JSONDecoder().decode(ChatCompletionWire.Response.self, from: Data(response.body))
            let content = try #require(decoded.choices.first?.message.content)
            let outcome = LabelingResponseParser(personas: Self.personas).parse(content, askedUserIDs: ["u1", "u2"])
            #expect(outcome.personas["u1"].map(Set.init) == Set(["Busy Parents", "Pet Owner"]))
            #expect(outcome.personas["u2"] == [])  // "Unrepresentable"
            let usage = try #require(decoded.usage)
            #expect(usage.promptTokens > 0 && usage.completionTokens > 0)
            #expect(usage.totalTokens == usage.promptTokens + usage.completionTokens)
            let statistics = simulator.statistics
            #expect(statistics.requests == 1 && statistics.completions == 1)
            #expect(statistics.promptTokens == usage.promptTokens)
            await client.shutdown()
        }
    }

    @Test func scheduledRateLimitAnswers429WithRetryAfterThenServes() async throws {
        let configuration = LLMSimulatorConfiguration(faultSchedule: [.rateLimited], retryAfter: .seconds(2))
        let simulator = LLMSimulator(truth: Self.truth, personas: Self.personas, configuration: configuration)
        try await simulator.withRunningServer { port in
            let client = try HTTPClient()
            let first = try await client.execute(try Self.request(port: port, users: ["u1"]))
            #expect(first.status == 429)
            #expect(first.header("Retry-After") == "2")
            let second = try await client.execute(try Self.request(port: port, users: ["u1"]))
            #expect(second.status == 200)
            #expect(simulator.statistics.faults[.rateLimited] == 1)
            #expect(simulator.statistics.requests == 2)
            await client.shutdown()
        }
    }
}
