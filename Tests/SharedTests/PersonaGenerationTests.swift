import Foundation
import LLMSimulator
import Testing

@testable import GPLRCore
@testable import GPLRLLM
@testable import GPLRSupport

/// Persona-set generation (Figure 2): parsing answers, prompts, and the three steps against the simulator.
@Suite(.timeLimit(.minutes(5))) struct PersonaGenerationTests {
    static let known: [Persona] = (1...12).map {
        Persona(name: "Persona Number \($0)", description: "Buys kind \($0) things.")
    }

    @Test func parsesThePapersNumberedFormatAndItsVariations() {
        let answer = """
            Here are the personas:

            1. Home Comforts Enthusiast
             - Buys items focused on creating a cozy and inviting home atmosphere,
               such as wicker hearts.
             2. Craft and DIY Hobbyist
            - Often purchases crafting materials.
            **3. Tea Lover**
            - Buys tea.
            4) **Pet Owner**: Buys pet food and toys.
            ### Set 2:
            5. Bargain Hunter - Buys discounted items.
            6. home comforts   ENTHUSIAST
             - a repeat, dropped
            7. Unrepresentable
            8. "Quoted Name":
            """
        let personas = PersonaListParser.parse(answer)
        #expect(
            personas.map(\.name) == [
                "Home Comforts Enthusiast", "Craft and DIY Hobbyist", "Tea Lover", "Pet Owner", "Bargain Hunter",
                "Quoted Name",
            ])
        #expect(
            personas[0].description
                == "Buys items focused on creating a cozy and inviting home atmosphere, such as wicker hearts.")
        #expect(personas[1].description == "Often purchases crafting materials.")
        #expect(personas[3].description == "Buys pet food and toys.")
        #expect(personas[4].description == "Buys discounted items.")
        #expect(personas[5].description == "")
    }

    @Test func parsesJSONAnswers() {
        let array = #"```json\n[{"name": "Tea Lover", "description": "Buys tea."}, {"Persona": "Pet Owner"}]\n```"#
            .replacingOccurrences(of: "\\n", with: "\n")
        #expect(
            PersonaListParser.parse(array) == [
                Persona(name: "Tea Lover", description: "Buys tea."), Persona(name: "Pet Owner", description: ""),
            ])
        let wrapped = #"{"personas": [{"name": "A", "definition": "d"}]}"#
        #expect(PersonaListParser.parse(wrapped) == [Persona(name: "A", description: "d")])
        let map = #"{"B": "b things", "A": "a things"}"#
        #expect(PersonaListParser.parse(map).map(\.name) == ["A", "B"])
        #expect(PersonaListParser.parse("I cannot help with that.").isEmpty)
        // What a persona set refuses in a name is replaced, so one odd answer does not fail the generation.
        let odd = #"[{"name": "Parents|Kids", "description": "a|b"}, {"name": "Night\u0007Owls"}]"#
        let parsed = PersonaListParser.parse(odd)
        #expect(parsed.map(\.name) == ["Parents/Kids", "NightOwls"] && parsed.first?.description == "a|b")
        #expect((try? PersonaSet(parsed))?.count == 2)
    }

    @Test func promptsCarryTheCountsAndTheCandidates() {
        let users = (0..<3).map { LLMFixtures.user("u\($0)") }
        let propose = PersonaGenerationPrompt.propose(
            users: users, count: 17, datasetName: "Test", totalUsers: 300, options: LabelingPromptOptions())
        #expect(propose[0].content == PersonaGenerationPrompt.proposeSystemPrompt)
        #expect(PersonaGenerationPrompt.requestedCount(inPrompt: propose[1].content) == 17)
        #expect(propose[1].content.components(separatedBy: "has totally purchased").count == 4)
        let sets = [Array(Self.known.prefix(3)), Array(Self.known.suffix(3))]
        let merge = PersonaGenerationPrompt.merge(sets: sets, count: 4, totalSets: 40)
        #expect(PersonaGenerationPrompt.requestedCount(inPrompt: merge[1].content) == 4)
        let heading = try! #require(merge[1].content.range(of: PersonaGenerationPrompt.candidatesHeading))
        #expect(PersonaListParser.parse(String(merge[1].content[heading.upperBound...])) == sets.flatMap { $0 })
        let final = PersonaGenerationPrompt.final(sets: sets, count: 5)
        #expect(PersonaGenerationPrompt.requestedCount(inPrompt: final[1].content) == 5)
    }

    @Test func samplesAreSeededAndDistinct() throws {
        let (graph, _) = LLMLabelerFixtures.dataset(users: 50)
        let client = try ChatCompletionClient(configuration: LLMConfiguration(baseURL: "http://127.0.0.1:9"))
        let options = PersonaSetGenerationOptions(samples: 4, sampleSize: 20, merges: 3, mergeSize: 3, seed: 5)
        let a = PersonaSetGenerator(client: client, options: options)
        let b = PersonaSetGenerator(client: client, options: options)
        #expect(a.userSamples(in: graph) == b.userSamples(in: graph))
        #expect(a.userSamples(in: graph).allSatisfy { Set($0).count == 20 })
        #expect(Set(a.userSamples(in: graph)).count == 4)
        #expect(a.mergeGroups(count: 4).allSatisfy { Set($0).count == 3 && $0.allSatisfy { (0..<4).contains($0) } })
        var other = options
        other.seed = 6
        #expect(PersonaSetGenerator(client: client, options: other).userSamples(in: graph) != a.userSamples(in: graph))
    }

    @Test func threeStepsAgainstTheSimulatorYieldAValidSetOfTheRequestedSize() async throws {
        let (graph, truth) = LLMLabelerFixtures.dataset(users: 60)
        let simulator = LLMSimulator(
            truth: truth, personas: Self.known.map(\.name),
            configuration: LLMSimulatorConfiguration(faultSchedule: [.malformedJSON, .serverError]),
            personaDescriptions: Dictionary(uniqueKeysWithValues: Self.known.map { ($0.name, $0.description) }))
        try await simulator.withRunningServer { port in
            let client = try ChatCompletionClient(configuration: LLMLabelerFixtures.configuration(port: port))
            let options = PersonaSetGenerationOptions(
                samples: 6, sampleSize: 20, merges: 3, mergeSize: 3, personaCount: 8, seed: 3)
            let result = try await PersonaSetGenerator(client: client, options: options).generate(from: graph)
            await client.shutdown()
            #expect(result.personaSet.count == 8)
            #expect(result.personaSet.personas.allSatisfy { Self.known.contains($0) })
            #expect(result.proposals.count == 6 && result.proposals.allSatisfy { $0.count == 8 })
            #expect(result.merged.count == 3 && result.merged.allSatisfy { $0.count == 8 })
            // 6 + 3 + 1 calls, one truncated answer asked again, one 500 retried by the client.
            #expect(simulator.statistics.requests == 12)
            #expect(result.counters["personas.requests"] == 12)
            #expect(result.counters["personas.short-answers"] == 1 && result.counters["personas.retries"] == 2)
            #expect(result.counters["personas.prompt-tokens"] == simulator.statistics.promptTokens)
            #expect(result.counters["personas.final-short"] == nil && result.counters["personas.failed-calls"] == nil)
        }
    }
}
