import GPLRSupport
import LLMSimulator

@testable import GPLRLLM

/// Personas, truth and helpers shared by the LLM suites.
enum LLMFixtures {
    static let personas = [
        LabelingPersona(name: "Home Decor Aficionado", description: "Buys decorative items for the home."),
        LabelingPersona(name: "Vintage and Retro Enthusiast", description: "Prefers vintage styles."),
        LabelingPersona(name: "Pet Owner", description: "Buys pet food and toys."),
        LabelingPersona(name: "Busy Parents", description: "Buys for young children in bulk."),
        LabelingPersona(name: "Bargain Hunter", description: "Buys discounted items."),
        LabelingPersona(name: "Craft and DIY Hobbyist", description: "Buys crafting materials."),
        LabelingPersona(name: "Tea Lover", description: "Buys tea and tea sets."),
    ]
    static let personaNames = personas.map(\.name)

    static let truth: [String: [String]] = [
        "12358": ["Home Decor Aficionado", "Vintage and Retro Enthusiast"],
        "12359": ["Pet Owner"],
        "u\"quote": ["Busy Parents", "Bargain Hunter", "Tea Lover"],
        "12999": [],
    ]

    static func user(_ id: String) -> LabelingUser {
        LabelingUser(
            id: id,
            purchases: [
                LabelingPurchase(productName: "EDWARDIAN PARASOL RED", count: 24),
                LabelingPurchase(productName: "POSTAGE", count: 4),
                LabelingPurchase(productName: "CERAMIC STRAWBERRY CAKE MONEY BANK", count: 36),
            ])
    }

    static let prompt = LabelingPrompt(personas: personas)
    static let parser = LabelingResponseParser(personas: personaNames)

    static func configuration(port: Int, maxAttempts: Int = 4, timeout: Duration = .seconds(10)) -> LLMConfiguration {
        LLMConfiguration(
            baseURL: "http://127.0.0.1:\(port)", model: "sim-model", apiKey: LLMAPIKey("sk-test-SECRET-0042"),
            connectTimeout: .seconds(2), requestTimeout: timeout, maxAttempts: maxAttempts, concurrency: 8,
            backoffBase: .milliseconds(5), backoffCap: .milliseconds(50))
    }

    /// Runs `body` with a simulator on an ephemeral port and a chat client pointed at it.
    static func withSimulator<Result: Sendable>(
        _ simulatorConfiguration: LLMSimulatorConfiguration = .init(), truth: [String: [String]] = truth,
        maxAttempts: Int = 4, timeout: Duration = .seconds(10), concurrency: Int = 8,
        _ body: (LLMSimulator, ChatCompletionClient) async throws -> Result
    ) async throws -> Result {
        let simulator = LLMSimulator(truth: truth, personas: personaNames, configuration: simulatorConfiguration)
        return try await simulator.withRunningServer { port in
            var configuration = configuration(port: port, maxAttempts: maxAttempts, timeout: timeout)
            configuration.concurrency = concurrency
            let client = try ChatCompletionClient(configuration: configuration)
            do {
                let result = try await body(simulator, client)
                await client.shutdown()
                return result
            } catch {
                await client.shutdown()
                throw error
            }
        }
    }
}
