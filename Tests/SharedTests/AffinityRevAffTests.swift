import Testing

@testable import GPLRCore

@Suite(.timeLimit(.minutes(5))) struct AffinityRevAffTests {
    @Test(arguments: [1, 2, 3])
    func withinEpsilonOfExact(walkLength: Int) throws {
        for seed: UInt64 in [11, 12] {
            let graph = AffinityFixtures.graph(seed: seed, userCount: 120, itemCount: 50)
            let labels = try LabelMatrix(
                labels: AffinityFixtures.labels(seed: seed, userCount: graph.userCount, personaCount: 5, share: 0.4),
                userCount: graph.userCount)
            let exact = try ExactAffinity(walkLength: walkLength, threadCount: 1).compute(graph: graph, labels: labels)
            var previousPushes = Int.max
            for epsilon in [0, 1e-3, 1e-2, 1e-1] {
                let result = try RevAff(walkLength: walkLength, epsilon: epsilon, threadCount: 2)
                    .compute(graph: graph, labels: labels)
                let error = AffinityBenchmark.errors(result.affinity, exact).max
                #expect(error <= (epsilon == 0 ? 1e-9 : epsilon), "ε = \(epsilon), ℓ̂ = \(walkLength)")
                #expect(result.totalPushes <= previousPushes)
                previousPushes = result.totalPushes
                #expect(result.stats.map(\.persona) == [0, 1, 2, 3, 4])
                #expect(result.stats[4].pushes == 0)  // nobody has persona 4
            }
            let zero = try RevAff(walkLength: walkLength, epsilon: 0).compute(graph: graph, labels: labels)
            let coarse = try RevAff(walkLength: walkLength, epsilon: 0.1).compute(graph: graph, labels: labels)
            #expect(coarse.totalPushes < zero.totalPushes)
            #expect(coarse.totalEdgesTouched < zero.totalEdgesTouched)
        }
    }

    @Test func epsilonZeroMatchesBruteForceAndThreadsAgree() throws {
        let graph = AffinityFixtures.graph(seed: 21)
        let labels = try LabelMatrix(
            labels: AffinityFixtures.labels(seed: 21, userCount: graph.userCount, personaCount: 7),
            userCount: graph.userCount)
        let reference = AffinityFixtures.bruteForce(graph: graph, labels: labels, walkLength: 2)
        let single = try RevAff(walkLength: 2, epsilon: 0, threadCount: 1).compute(graph: graph, labels: labels)
        let multi = try RevAff(walkLength: 2, epsilon: 0, threadCount: 4).compute(graph: graph, labels: labels)
        #expect(AffinityFixtures.maxDifference(single.affinity, reference) < 1e-9)
        #expect(single == multi)
        let column = try RevAff(walkLength: 2, epsilon: 0).computeColumn(graph: graph, labels: labels, persona: 3)
        #expect(column.column == single.affinity.columnValues(ofPersona: 3))
        #expect(column.stats == single.stats[3])
        let subset = try RevAff(walkLength: 2, epsilon: 0).compute(graph: graph, labels: labels, personas: [5, 1])
        #expect(subset.affinity == (try single.affinity.selecting(personas: [1, 5])))
    }

    @Test func pushCountsFollowTheThreshold() throws {
        // One prototype u0 bought item 0, which u1 also bought; u2 bought only item 1.
        let graph = PurchaseGraph(
            userIDs: ["u0", "u1", "u2"], itemIDs: ["i0", "i1"], itemNames: ["i0", "i1"],
            userItems: CompressedSparseRows(offsets: [0, 1, 2, 3], targets: [0, 0, 1]), purchaseCounts: [1, 1, 1])
        let labels = try LabelMatrix(
            labels: PrototypeLabels(personaCount: 1, labels: [0: [0]]), userCount: 3, beta: 0.5)
        // ℓ̂ = 1: u0 pushes 1 to i0 (Δ = 1/d(i0) = 0.5); i0 pushes 0.5 to u0 and u1 (Δ = 0.5/1).
        let exact = try RevAff(walkLength: 1, epsilon: 0).compute(graph: graph, labels: labels)
        #expect(exact.affinity.values == [0.5, 0.5, 0])
        #expect(exact.stats[0].pushes == 2 && exact.stats[0].edgesTouched == 3)
        // θ = ε/2 = 0.3 > 0.5? no: 0.5 ≥ 0.3, still pushed; with ε = 1.2, θ = 0.6 drops i0's residual.
        #expect(try RevAff(walkLength: 1, epsilon: 0.6).compute(graph: graph, labels: labels) == exact)
        let dropped = try RevAff(walkLength: 1, epsilon: 1.2).compute(graph: graph, labels: labels)
        #expect(dropped.affinity.values == [0, 0, 0] && dropped.stats[0].pushes == 1)
        #expect(throws: AlgorithmError.self) { try RevAff(epsilon: -1).compute(graph: graph, labels: labels) }
    }
}
