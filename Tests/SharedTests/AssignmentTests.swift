import Testing

@testable import GPLRCore

@Suite(.timeLimit(.minutes(5))) struct AssignmentTests {
    @Test func topKWithTiesPrototypesAndUnreachableUsers() throws {
        let affinity = try AffinityMatrix(
            userCount: 5, personaCount: 4, personas: [0, 1, 2, 3],
            values: [
                0.1, 0.3, 0.3, 0.0,  // u0: tie between 1 and 2 → 1 first
                0.0, 0.0, 0.0, 0.0,  // u1: no reachable prototype
                0.9, 0.0, 0.0, 0.0,  // u2: prototype, keeps its labels
                0.0, 0.0, 0.0, 0.0,  // u3: Unrepresentable prototype
                0.2, 0.2, 0.2, 0.5,  // u4: 3 first, then the tie 0, 1, 2
            ])
        let labels = try PrototypeLabels(personaCount: 4, labels: [2: [3, 1], 3: []])
        let k2 = try PersonaAssignment(affinity: affinity, labels: labels, k: 2)
        #expect(k2.rows == [[1, 2], [], [3, 1], [], [3, 0]])
        #expect(k2.unreachableUsers == [1])
        // k larger than the number of positive affinities: only the positive ones.
        let k10 = try PersonaAssignment(affinity: affinity, labels: labels, k: 10)
        #expect(k10.rows == [[1, 2, 0], [], [3, 1], [], [3, 0, 1, 2]])
        #expect(Array(k10.personas(ofUser: 4)) == [3, 0, 1, 2])
        #expect(throws: AlgorithmError.self) { try PersonaAssignment(affinity: affinity, labels: labels, k: 0) }
        let shard = try affinity.selecting(personas: [0, 1])
        #expect(throws: AlgorithmError.self) { try PersonaAssignment(affinity: shard, labels: labels, k: 1) }
    }

    @Test func disconnectedComponentWithoutPrototypesIsReported() throws {
        // Users 0-1 share item 0 (u0 is a prototype); users 2-3 share item 1 and have no prototype.
        let graph = PurchaseGraph(
            userIDs: ["a", "b", "c", "d"], itemIDs: ["x", "y"], itemNames: ["x", "y"],
            userItems: CompressedSparseRows(offsets: [0, 1, 2, 3, 4], targets: [0, 0, 1, 1]),
            purchaseCounts: [1, 1, 1, 1])
        let labels = try PrototypeLabels(personaCount: 2, labels: [0: [1]])
        let psi = try ExactAffinity().compute(graph: graph, labels: LabelMatrix(labels: labels, userCount: 4))
        let assignment = try PersonaAssignment(affinity: psi, labels: labels, k: 5)
        #expect(assignment.rows == [[1], [1], [], []])
        #expect(assignment.unreachableUsers == [2, 3])
        // Zero prototypes: everyone is unreachable.
        let none = PrototypeLabels(personaCount: 2)
        let zero = try ExactAffinity().compute(graph: graph, labels: LabelMatrix(labels: none, userCount: 4))
        #expect(try PersonaAssignment(affinity: zero, labels: none, k: 5).unreachableUsers == [0, 1, 2, 3])
    }
}
