import Testing

@testable import GPLRCore

@Suite(.timeLimit(.minutes(5))) struct AffinityExactTests {
    @Test(arguments: [1, 2, 3])
    func matchesDenseBruteForce(walkLength: Int) throws {
        for seed: UInt64 in [1, 2, 3] {
            let graph = AffinityFixtures.graph(seed: seed)
            let labels = try LabelMatrix(
                labels: AffinityFixtures.labels(seed: seed, userCount: graph.userCount, personaCount: 11),
                userCount: graph.userCount)
            let reference = AffinityFixtures.bruteForce(graph: graph, labels: labels, walkLength: walkLength)
            // The brute force is not trivially zero (otherwise this test could not fail).
            #expect(reference.joined().contains { $0 > 0.01 })
            let single = try ExactAffinity(walkLength: walkLength, threadCount: 1, blockWidth: 8)
                .compute(graph: graph, labels: labels)
            #expect(AffinityFixtures.maxDifference(single, reference) < 1e-9)
            for width in [4, 8, 16] {
                let multi = try ExactAffinity(walkLength: walkLength, threadCount: 3, blockWidth: width)
                    .compute(graph: graph, labels: labels)
                #expect(AffinityFixtures.maxDifference(multi, reference) < 1e-9)
                #expect(multi == single)
            }
            // The persona nobody has, and users without purchases, stay at zero.
            #expect(single.columnValues(ofPersona: 10)!.allSatisfy { $0 == 0 })
            for u in 0..<graph.userCount where graph.degree(ofUser: u) == 0 {
                #expect(single.row(u).allSatisfy { $0 == 0 })
            }
            #expect(single.values.allSatisfy { $0.isFinite })
        }
    }

    @Test func personaSubsetsMatchTheFullMatrix() throws {
        let graph = AffinityFixtures.graph(seed: 7)
        let labels = try LabelMatrix(
            labels: AffinityFixtures.labels(seed: 7, userCount: graph.userCount, personaCount: 6),
            userCount: graph.userCount)
        let solver = ExactAffinity(walkLength: 2, threadCount: 2)
        let full = try solver.compute(graph: graph, labels: labels)
        let left = try solver.compute(graph: graph, labels: labels, personas: [4, 0, 2])
        let right = try solver.compute(graph: graph, labels: labels, personas: [1, 3, 5])
        #expect(left.personas == [0, 2, 4])
        #expect(try AffinityMatrix.assembled(from: [right, left]) == full)
        #expect(throws: AlgorithmError.self) { try solver.compute(graph: graph, labels: labels, personas: [6]) }
        #expect(throws: AlgorithmError.self) { try solver.compute(graph: graph, labels: labels, personas: [1, 1]) }
    }

    @Test func zeroPrototypesGiveZeroAffinity() throws {
        let graph = AffinityFixtures.graph(seed: 4)
        let labels = try LabelMatrix(labels: PrototypeLabels(personaCount: 3), userCount: graph.userCount)
        let psi = try ExactAffinity(walkLength: 2).compute(graph: graph, labels: labels)
        #expect(psi.isComplete && psi.values.count == graph.userCount * 3)
        #expect(psi.values.allSatisfy { $0 == 0 })
    }

    @Test func rejectsBadParameters() throws {
        let graph = AffinityFixtures.graph(seed: 5)
        let labels = try LabelMatrix(labels: PrototypeLabels(personaCount: 2), userCount: graph.userCount)
        #expect(throws: AlgorithmError.self) { try ExactAffinity(walkLength: 0).compute(graph: graph, labels: labels) }
        #expect(throws: AlgorithmError.self) {
            try ExactAffinity(threadCount: 0).compute(graph: graph, labels: labels)
        }
        let other = try LabelMatrix(labels: PrototypeLabels(personaCount: 2), userCount: graph.userCount + 1)
        #expect(throws: AlgorithmError.self) { try ExactAffinity().compute(graph: graph, labels: other) }
    }
}
