import Foundation
import Testing

@testable import GPLRCore
@testable import GPLRLLM
@testable import LLMSimulator

/// Structured outputs (`json_schema`, persona names as an enum) against a simulator that honours them, and
/// the fallback to the plain format against one that refuses them; over real HTTP.
@Suite(.timeLimit(.minutes(5))) struct LLMStructuredOutputTests {
    /// Content faults and name variations on a fifth to a half of the answers: what JSON mode lets through.
    static func noisy(_ mode: LLMSimulatorStructuredOutputs) -> LLMSimulatorConfiguration {
        var configuration = LLMSimulatorConfiguration(
            seed: 4, nameVariationRate: 0.5,
            faultRates: [.malformedJSON: 0.2, .unknownPersona: 0.15, .wrongUserID: 0.15])
        configuration.structuredOutputs = mode
        return configuration
    }

    static func label(
        users: Int, simulator configuration: LLMSimulatorConfiguration, structured: Bool, concurrency: Int = 8,
        usersPerRequest: Int = 3
    ) async throws -> (LabelingBatch, LLMSimulatorStatistics, [Int: [Int]]) {
        let (graph, truth) = LLMLabelerFixtures.dataset(users: users)
        return try await LLMLabelerFixtures.withSimulator(truth: truth, configuration) { simulator, port in
            var client = LLMLabelerFixtures.configuration(port: port, concurrency: concurrency)
            client.structuredOutputs = structured
            let batch = try await LLMLabelerFixtures.label(
                Array(0..<users), in: graph, configuration: client,
                options: LLMLabelerOptions(usersPerRequest: usersPerRequest, maxAnswerAttempts: 6))
            return (batch, simulator.statistics, LLMLabelerFixtures.expectedLabels(graph, truth))
        }
    }

    @Test func theSchemaCutsParseFailuresToZeroWhereJSONModeHasThem() async throws {
        let (plain, plainStatistics, expected) = try await Self.label(
            users: 60, simulator: Self.noisy(.honour), structured: false)
        #expect(plainStatistics.schemaRequests == 0)
        #expect(plain.counters["llm.parse-failures", default: 0] > 0, "\(plain.counters)")
        #expect(plain.counters["llm.unknown-personas", default: 0] > 0, "\(plain.counters)")

        let (structured, statistics, _) = try await Self.label(
            users: 60, simulator: Self.noisy(.honour), structured: true)
        #expect(structured.failures.isEmpty)
        #expect(structured.labels == expected)
        for name in ["llm.parse-failures", "llm.unknown-personas", "llm.unexpected-users", "llm.reasks"] {
            #expect(structured.counters[name] == nil, "\(name): \(structured.counters)")
        }
        #expect(statistics.schemaRequests == statistics.requests && statistics.requests == 20)
        #expect(statistics.schemaViolations == 0)
        #expect(structured.counters["llm.json-schema-answers"] == 20)
    }

    @Test func aRefusingServerIsAskedInJSONModeAfterOneRefusal() async throws {
        // One request at a time: exactly the first is refused, every later one goes out in JSON mode.
        let (batch, statistics, expected) = try await Self.label(
            users: 12, simulator: LLMSimulatorConfiguration(structuredOutputs: .refuse), structured: true,
            concurrency: 1)
        #expect(batch.failures.isEmpty && batch.labels == expected)
        #expect(statistics.schemaRequests == 1 && statistics.schemaRefusals == 1)
        #expect(statistics.completions == 4)
        #expect(batch.counters["llm.schema-refusals"] == 1)
        #expect(batch.counters["llm.requests"] == 5)
        #expect(batch.counters["llm.plain-answers"] == 4 && batch.counters["llm.json-schema-answers"] == nil)
    }

    @Test func onlyARefusalNamingTheResponseFormatFallsBack() {
        func error(_ status: Int, _ message: String) -> ChatCompletionError {
            ChatCompletionError(code: .rejected, message: "POST u rejected: \(message)", status: status)
        }
        #expect(
            ChatCompletionClient.refusesSchema(error(400, "'response_format' of type 'json_schema' is not supported")))
        #expect(ChatCompletionClient.refusesSchema(error(422, "Unknown field: json_schema")))
        #expect(!ChatCompletionClient.refusesSchema(error(400, "maximum context length exceeded")))
        #expect(!ChatCompletionClient.refusesSchema(error(401, "response_format")))
        #expect(
            !ChatCompletionClient.refusesSchema(
                ChatCompletionError(code: .serverError, message: "json_schema backend down", status: 500)))
    }

    @Test func theRequestCarriesAStrictSchemaWithThePersonaNamesAsAnEnum() throws {
        let request = LLMFixtures.prompt.request(for: ["12358", "u\"quote"].map(LLMFixtures.user))
        let schema = try #require(request.schema)
        #expect(schema.name == "persona_labels")
        #expect(schema.schema["required"] == .array([.string("12358"), .string("u\"quote")]))
        #expect(schema.schema["additionalProperties"] == .bool(false))
        let names = schema.schema["properties"]?["12358"]?["items"]?["enum"]
        #expect(names == .array((LLMFixtures.personaNames + ["Unrepresentable"]).map(JSONValue.string)))
        #expect(
            JSONSchemaCheck.conforms(#"{"12358": ["Pet Owner"], "u\"quote": ["Unrepresentable"]}"#, to: schema.schema))
        #expect(!JSONSchemaCheck.conforms(#"{"12358": ["Cat Person"], "u\"quote": []}"#, to: schema.schema))
        #expect(!JSONSchemaCheck.conforms(#"{"12358": ["Pet Owner"]}"#, to: schema.schema))
    }

    @Test func personaSetsAndItemsUseTheirSchemasAndFallBackToo() async throws {
        let (graph, truth) = LLMLabelerFixtures.dataset(users: 40)
        let known = (1...10).map { Persona(name: "Persona Number \($0)", description: "Buys kind \($0) things.") }
        for mode in [LLMSimulatorStructuredOutputs.honour, .refuse] {
            let simulator = LLMSimulator(
                truth: truth, personas: known.map(\.name), configuration: .init(structuredOutputs: mode),
                personaDescriptions: Dictionary(uniqueKeysWithValues: known.map { ($0.name, $0.description) }))
            try await simulator.withRunningServer { port in
                let client = try ChatCompletionClient(
                    configuration: LLMLabelerFixtures.configuration(port: port, concurrency: 1))
                let options = PersonaSetGenerationOptions(
                    samples: 3, sampleSize: 10, merges: 1, mergeSize: 3, personaCount: 6, seed: 3)
                let result = try await PersonaSetGenerator(client: client, options: options).generate(from: graph)
                let personaSet = result.personaSet
                // The simulator answers item prompts from all of its personas: label with all of them.
                let items = try await ItemLabeler(
                    client: client, personas: try PersonaSet(known), options: ItemLabelerOptions(itemsPerRequest: 4)
                ).label(items: Array(0..<graph.itemCount), in: graph)
                await client.shutdown()
                #expect(personaSet.count == 6 && personaSet.personas.allSatisfy { known.contains($0) }, "\(mode)")
                #expect(items.failures.isEmpty && items.labels.count == graph.itemCount, "\(mode)")
                let statistics = simulator.statistics
                #expect(statistics.schemaViolations == 0, "\(mode)")
                if mode == .honour {
                    #expect(statistics.schemaRequests == statistics.requests && statistics.schemaRefusals == 0)
                } else {
                    #expect(statistics.schemaRequests == 1 && statistics.schemaRefusals == 1)
                    #expect(result.counters["personas.schema-refusals"] == 1)
                    #expect(
                        items.counters["llm.schema-refusals"] == nil && items.counters["llm.plain-answers"] ?? 0 > 0)
                }
            }
        }
    }
}
