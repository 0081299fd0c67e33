import GPLRSupport
import GPLRTestSupport
import LLMSimulator

@testable import GPLRCore
@testable import GPLRLLM

/// A small purchase graph with planted personas, and a simulator + labeler over real HTTP.
enum LLMLabelerFixtures {
    static let apiKey = "sk-test-SECRET-0042"
    static let personaSet = try! PersonaSet(
        LLMFixtures.personas.map { Persona(name: $0.name, description: $0.description) })

    /// `users` users; user i's truth is a deterministic subset of R (every 9th is Unrepresentable), and they
    /// bought items named after their personas.
    static func dataset(users: Int) -> (graph: PurchaseGraph, truth: [String: [String]]) {
        var builder = GraphBuilder()
        var truth: [String: [String]] = [:]
        let names = personaSet.names
        for i in 0..<users {
            let id = "c\(1000 + i)"
            var personas: [String] = []
            if i % 9 != 8 {
                personas.append(names[i % names.count])
                if i % 3 == 0 { personas.append(names[(i / 3 + 2) % names.count]) }
            }
            truth[id] = Array(Set(personas)).sorted()
            for (k, persona) in personas.enumerated() {
                builder.addPurchase(user: id, item: "sku-\(persona.count)-\(k)", count: UInt32(1 + i % 4))
                builder.setName("\(persona.uppercased()) ITEM \(k)", forItem: "sku-\(persona.count)-\(k)")
            }
            builder.addPurchase(user: id, item: "postage", count: 1)
        }
        builder.setName("POSTAGE", forItem: "postage")
        return (try! builder.build(), truth)  // counts of at most 4 per purchase: no overflow
    }

    /// The truth as persona indices by user index.
    static func expectedLabels(_ graph: PurchaseGraph, _ truth: [String: [String]]) -> [Int: [Int]] {
        var labels: [Int: [Int]] = [:]
        for (user, id) in graph.userIDs.enumerated() {
            labels[user] = truth[id, default: []].compactMap { personaSet.index(ofName: $0) }.sorted()
        }
        return labels
    }

    static func configuration(
        port: Int, concurrency: Int = 8, maxAttempts: Int = 4, timeout: Duration = .seconds(10)
    ) -> LLMConfiguration {
        LLMConfiguration(
            baseURL: "http://127.0.0.1:\(port)", model: "sim-model", apiKey: LLMAPIKey(apiKey),
            connectTimeout: .seconds(2), requestTimeout: timeout, maxAttempts: maxAttempts, concurrency: concurrency,
            backoffBase: .milliseconds(5), backoffCap: .milliseconds(40), promptPricePer1K: 1, completionPricePer1K: 2)
    }

    /// Runs `body` with a simulator answering from `truth` and a fresh client for every call of `makeClient`.
    static func withSimulator<Result: Sendable>(
        truth: [String: [String]], _ simulatorConfiguration: LLMSimulatorConfiguration = .init(),
        _ body: (LLMSimulator, Int) async throws -> Result
    ) async throws -> Result {
        let simulator = LLMSimulator(
            truth: truth, personas: personaSet.names, configuration: simulatorConfiguration)
        return try await simulator.withRunningServer { port in try await body(simulator, port) }
    }

    /// Labels `users` with a labeler over a new client, then shuts the client down.
    static func label(
        _ users: [Int], in graph: PurchaseGraph, configuration: LLMConfiguration,
        options: LLMLabelerOptions = LLMLabelerOptions(), cache: LLMResponseCache? = nil,
        admission: (any ChatCompletionAdmission)? = nil
    ) async throws -> LabelingBatch {
        let client = try ChatCompletionClient(configuration: configuration, admission: admission)
        let labeler = LLMLabeler(client: client, personas: personaSet, options: options, cache: cache)
        do {
            let batch = try await labeler.label(users: users, in: graph)
            await client.shutdown()
            return batch
        } catch {
            await client.shutdown()
            throw error
        }
    }
}
