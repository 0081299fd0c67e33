import Testing

@testable import GPLRCore

/// ``IncrementalRevAff``: Ψ̂ built batch by batch, with the residuals below θ carried between batches, keeps RevAff's
/// bound |Ψ̂ − Ψ| ≤ ε against the exact Ψ of every prototype so far (Thm. 3), as one solve from scratch does.
@Suite(.timeLimit(.minutes(5))) struct IncrementalRevAffTests {
    @Test(arguments: [1, 2, 3])
    func eachAdditionStaysWithinEpsilonOfTheExactAffinitySoFar(walkLength: Int) throws {
        for seed: UInt64 in [31, 32] {
            let graph = AffinityFixtures.graph(seed: seed, userCount: 150, itemCount: 40)
            let all = try AffinityFixtures.labels(seed: seed, userCount: graph.userCount, personaCount: 5, share: 0.4)
            for epsilon in [1e-3, 1e-2, 5e-2] {
                let solver = RevAff(walkLength: walkLength, epsilon: epsilon, threadCount: 2)
                var running = IncrementalRevAff(solver: solver, userCount: graph.userCount, personaCount: 5)
                var soFar = PrototypeLabels(personaCount: 5)
                for batch in try AffinityFixtures.batches(all, count: 6) {
                    try running.add(graph: graph, labels: LabelMatrix(labels: batch, userCount: graph.userCount))
                    try soFar.merge(batch)
                    let matrix = try LabelMatrix(labels: soFar, userCount: graph.userCount)
                    let exact = try ExactAffinity(walkLength: walkLength, threadCount: 1)
                        .compute(graph: graph, labels: matrix)
                    let error = AffinityBenchmark.errors(running.rowMajor(), exact).max
                    #expect(error <= epsilon, "ε = \(epsilon), ℓ̂ = \(walkLength), seed \(seed)")
                }
                #expect(running.pushes > 0)
            }
        }
    }

    @Test func withEpsilonZeroTheAdditionsSumToTheExactAffinity() throws {
        let graph = AffinityFixtures.graph(seed: 41)
        let all = try AffinityFixtures.labels(seed: 41, userCount: graph.userCount, personaCount: 4)
        var running = IncrementalRevAff(
            solver: RevAff(walkLength: 2, epsilon: 0, threadCount: 3), userCount: graph.userCount, personaCount: 4)
        for batch in try AffinityFixtures.batches(all, count: 4) {
            try running.add(graph: graph, labels: LabelMatrix(labels: batch, userCount: graph.userCount))
        }
        let reference = AffinityFixtures.bruteForce(
            graph: graph, labels: try LabelMatrix(labels: all, userCount: graph.userCount), walkLength: 2)
        #expect(AffinityFixtures.maxDifference(running.rowMajor(), reference) < 1e-12)
        #expect(running.carriedResiduals == 0)
    }

    /// Ten prototypes each add 1/11 to item 0's residual, below θ = 0.2 on its own. Solved batch by batch and
    /// summed, every residual is dropped and the one other buyer of item 0 gets nothing (its exact affinity is
    /// 10/11); carried, the residual crosses θ on the third batch and the bound holds.
    @Test func carryingTheResidualsIsWhatKeepsTheBound() throws {
        let userCount = 11
        let graph = PurchaseGraph(
            userIDs: (0..<userCount).map { "u\($0)" }, itemIDs: ["i0"], itemNames: ["i0"],
            userItems: CompressedSparseRows(
                offsets: Array(0...userCount), targets: [UInt32](repeating: 0, count: userCount)),
            purchaseCounts: [UInt32](repeating: 1, count: userCount))
        let solver = RevAff(walkLength: 1, epsilon: 0.4, threadCount: 1)
        var running = IncrementalRevAff(solver: solver, userCount: userCount, personaCount: 1)
        var summed = try AffinityMatrix(zerosForUsers: userCount, personaCount: 1)
        for prototype in 0..<10 {
            let batch = try LabelMatrix(
                labels: PrototypeLabels(personaCount: 1, labels: [prototype: [0]]), userCount: userCount)
            try running.add(graph: graph, labels: batch)
            try summed.add(try solver.compute(graph: graph, labels: batch).affinity)
        }
        let everyone = try LabelMatrix(
            labels: PrototypeLabels(
                personaCount: 1, labels: Dictionary(uniqueKeysWithValues: (0..<10).map { ($0, [0]) })),
            userCount: userCount)
        let exact = try ExactAffinity(walkLength: 1, threadCount: 1).compute(graph: graph, labels: everyone)
        #expect(abs(exact.values[10] - 10.0 / 11) < 1e-12)
        #expect(summed.values[10] == 0)
        #expect(AffinityBenchmark.errors(summed, exact).max > 0.4)
        #expect(running.values(rowMajorUser: 10) > 0)
        #expect(AffinityBenchmark.errors(running.rowMajor(), exact).max <= 0.4)
        #expect(running.carriedResiduals == 1)  // item 0's last residual, below θ
    }

    @Test func labelsOfAnotherShapeAreRefused() throws {
        let graph = AffinityFixtures.graph(seed: 51)
        var running = IncrementalRevAff(
            solver: RevAff(epsilon: 0.01), userCount: graph.userCount, personaCount: 3)
        let labels = try LabelMatrix(
            labels: AffinityFixtures.labels(seed: 51, userCount: graph.userCount, personaCount: 4),
            userCount: graph.userCount)
        #expect(throws: AlgorithmError.self) { try running.add(graph: graph, labels: labels) }
    }
}

extension IncrementalRevAff {
    /// Ψ̂_raw[user, 0] of a one-persona matrix.
    fileprivate func values(rowMajorUser user: Int) -> Double { rowMajor().values[user] }
}
