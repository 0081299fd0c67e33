import Foundation
import GPLRTestSupport
import LLMSimulator
import Testing

@testable import GPLRCore
@testable import GPLRLLM
@testable import GPLRSupport

/// Item labeling (items → personas) against the simulator.
@Suite(.timeLimit(.minutes(5))) struct PersonaGenerationItemTests {
    @Test func itemIDsRoundTripThroughThePrompt() {
        let prompt = ItemLabelingPrompt(personas: LLMLabelerFixtures.personaSet.personas)
        let items = [
            (id: "a\"b: c", name: "X"), (id: "85123A", name: "WHITE HANGING HEART T-LIGHT HOLDER"), (id: "é", name: ""),
        ]
        let request = prompt.request(for: items)
        #expect(request.jsonObjectResponse)
        #expect(ItemLabelingPrompt.itemIDs(inPrompt: request.messages[1].content) == items.map(\.id))
        #expect(LabelingPrompt.userIDs(inPrompt: request.messages[1].content).isEmpty)
    }

    @Test func labelsItemsFromTheSimulatorsItemTruthAndWritesThem() async throws {
        let (graph, truth) = LLMLabelerFixtures.dataset(users: 30)
        let personaSet = LLMLabelerFixtures.personaSet
        var itemTruth: [String: [String]] = [:]
        for (index, id) in graph.itemIDs.enumerated() where index % 2 == 0 {
            itemTruth[id] = index % 4 == 0 ? [personaSet.names[index % personaSet.count]] : []
        }
        let simulator = LLMSimulator(
            truth: truth, personas: personaSet.names, configuration: .init(faultSchedule: [.wrongUserID]),
            itemTruth: itemTruth)
        try await simulator.withRunningServer { port in
            let client = try ChatCompletionClient(configuration: LLMLabelerFixtures.configuration(port: port))
            let labeler = ItemLabeler(
                client: client, personas: personaSet, options: ItemLabelerOptions(itemsPerRequest: 4))
            let batch = try await labeler.label(items: Array(0..<graph.itemCount), in: graph)
            await client.shutdown()
            #expect(batch.failures.isEmpty)
            #expect(batch.labels.count == graph.itemCount)
            for (item, personas) in batch.labels {
                if let known = itemTruth[graph.itemIDs[item]] {
                    #expect(personas == known.compactMap { personaSet.index(ofName: $0) }.sorted())
                } else {
                    let expected = simulator.answer(forItem: graph.itemIDs[item])
                    #expect(
                        personas == expected.compactMap { personaSet.index(ofName: $0) }.sorted() && !personas.isEmpty)
                }
            }
            let requests = (graph.itemCount + 3) / 4
            #expect(simulator.statistics.requests == requests + 1)
            #expect(batch.counters["llm.unexpected-users"] == 1 && batch.counters["llm.reasks"] == 1)

            let directory = try TemporaryDirectory(prefix: "gplr-items")
            defer { directory.remove() }
            let path = directory.file("items.jsonl")
            try ItemLabelsFile.write(batch.labels, graph: graph, personas: personaSet, to: path)
            let read = try ItemLabelsFile.read(path: path)
            #expect(read.count == graph.itemCount)
            for (item, personas) in batch.labels {
                #expect(read[graph.itemIDs[item]] == personas.map { personaSet[$0].name })
            }
            let firstLine = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")[0]
            #expect(firstLine.hasPrefix("{\"item\":") || firstLine.contains("\"item\":"))
        }
    }
}
