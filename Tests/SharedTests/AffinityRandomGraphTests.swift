import Testing

@testable import GPLRCore

@Suite(.timeLimit(.minutes(5))) struct AffinityRandomGraphTests {
    @Test func exactEdgeCountSortedRowsAndDeterminism() throws {
        var parameters = RandomGraph(
            userCount: 3000, itemCount: 500, edgeCount: 40_000, isolatedUserShare: 0.05, seed: 9, threadCount: 1)
        let graph = try parameters.build()
        #expect(graph.userCount == 3000 && graph.itemCount == 500 && graph.edgeCount == 40_000)
        #expect(
            CompressedSparseRows.invariantViolation(
                offsets: graph.userItems.offsets, targets: graph.userItems.targets, columnCount: 500) == nil)
        let isolated = (0..<3000).filter { graph.degree(ofUser: $0) == 0 }.count
        #expect(isolated > 50 && isolated < 300)
        let maxDegree = (0..<3000).map { graph.degree(ofUser: $0) }.max()!
        #expect(maxDegree <= 125)
        // Popularity is skewed: the most bought item has far more buyers than the median one.
        let itemDegrees = (0..<500).map { graph.degree(ofItem: $0) }.sorted()
        #expect(itemDegrees[499] > 10 * max(1, itemDegrees[250]))
        parameters.threadCount = 3
        #expect(try parameters.build() == graph)
        parameters.seed = 10
        #expect(try parameters.build() != graph)
        #expect(throws: AlgorithmError.self) {
            try RandomGraph(userCount: 10, itemCount: 4, edgeCount: 100, seed: 1).build()
        }
    }

    @Test func benchmarkLabelsAndRows() throws {
        let graph = try RandomGraph(userCount: 400, itemCount: 80, edgeCount: 3000, seed: 2).build()
        let labels = try AffinityBenchmark.randomLabels(
            userCount: 400, personaCount: 6, prototypeShare: 0.1, personasPerPrototype: 1...3, seed: 4)
        #expect(labels.count == 40)
        #expect(labels.users.allSatisfy { (1...3).contains(labels.personas(ofUser: $0)!.count) })
        let rows = try AffinityBenchmark.run(
            graph: graph, labels: LabelMatrix(labels: labels, userCount: 400), epsilons: [0, 0.05], threadCount: 2)
        #expect(rows.map(\.method) == ["exact", "revaff", "revaff"])
        #expect(rows[1].maxAbsoluteError < 1e-9)
        #expect(rows[2].maxAbsoluteError <= 0.05 && rows[2].meanAbsoluteError <= rows[2].maxAbsoluteError)
        #expect(rows[2].pushes < rows[1].pushes)
    }
}
