import Testing

@testable import GPLRCore

/// ``RevAffResiduals`` and ``RevAff/increment(graph:labels:personas:carrying:)``: RevAff's running state passed out
/// of the process and back, as a distributed run's stateless workers do, continues exactly as
/// ``IncrementalRevAff`` does in one process; a carry that does not fit the graph or solver is refused.
@Suite(.timeLimit(.minutes(2))) struct RevAffResidualsTests {
    /// Each batch pushed shard by shard, the residuals through their binary form between batches and the
    /// increments added to a running matrix (what the coordinator does with its workers' results), against one
    /// process carrying them: the same Ψ̂ to the last bit and the same residuals after every batch.
    @Test(arguments: [1, 2])
    func shardedIncrementsThroughTheWireEqualTheIncrementalRunBitForBit(walkLength: Int) throws {
        let personaCount = 5
        for (seed, epsilon) in [(UInt64(51), 5e-2), (52, 0.2)] {
            let graph = AffinityFixtures.graph(seed: seed, userCount: 150, itemCount: 40)
            let all = try AffinityFixtures.labels(
                seed: seed, userCount: graph.userCount, personaCount: personaCount, share: 0.4)
            let solver = RevAff(walkLength: walkLength, epsilon: epsilon, threadCount: 2)
            var local = IncrementalRevAff(solver: solver, userCount: graph.userCount, personaCount: personaCount)
            var running = try AffinityMatrix(zerosForUsers: graph.userCount, personaCount: personaCount)
            var carried = RevAffResiduals()
            var mostCarried = 0
            for batch in try AffinityFixtures.batches(all, count: 5) {
                let labels = try LabelMatrix(labels: batch, userCount: graph.userCount)
                try local.add(graph: graph, labels: labels)
                var shards: [AffinityMatrix] = []
                var left = RevAffResiduals()
                for shard in [[0, 1], [2, 3], [4]] {
                    let wire = try RevAffResiduals(decoding: carried.restricted(to: shard).encoded())
                    let (result, residuals) = try solver.increment(
                        graph: graph, labels: labels, personas: shard, carrying: wire)
                    #expect(residuals.personas == shard)
                    shards.append(result.affinity)
                    left = left.merging(try RevAffResiduals(decoding: residuals.encoded()))
                }
                try running.add(try AffinityMatrix.assembled(from: shards))
                carried = left
                mostCarried = max(mostCarried, carried.count)
                #expect(carried == local.residuals, "seed \(seed), ℓ̂ = \(walkLength)")
                #expect(running.values == local.rowMajor().values, "seed \(seed), ℓ̂ = \(walkLength)")
            }
            #expect(mostCarried > 0, "the test must carry something (seed \(seed), ℓ̂ = \(walkLength))")
            #expect(carried.count == local.carriedResiduals)
        }
    }

    @Test func aCarryThatDoesNotFitTheGraphOrSolverIsRefused() throws {
        let graph = AffinityFixtures.graph(seed: 53, userCount: 60, itemCount: 20)
        let labels = try LabelMatrix(
            labels: AffinityFixtures.labels(seed: 53, userCount: graph.userCount, personaCount: 3, share: 0.3),
            userCount: graph.userCount)
        let solver = RevAff(walkLength: 1, epsilon: 0.05, threadCount: 1)
        func carrying(hops: [RevAffResiduals.Hop]) -> RevAffResiduals {
            RevAffResiduals(personas: [1], hops: [hops])
        }
        func refusal(_ residuals: RevAffResiduals) -> String? {
            let error = #expect(throws: AlgorithmError.self) {
                try solver.increment(graph: graph, labels: labels, personas: [1], carrying: residuals)
            }
            #expect(error?.code == .shardMismatch)
            return error?.message
        }
        let item = RevAffResiduals.Hop(nodes: [3], values: [0.01])
        let empty = RevAffResiduals.Hop()
        // One hop for a walk of two.
        #expect(refusal(carrying(hops: [empty]))?.contains("1 hops") == true)
        // An item index past the graph's items, on the item hop.
        let farItem = RevAffResiduals.Hop(nodes: [UInt32(graph.itemCount)], values: [0.01])
        #expect(refusal(carrying(hops: [empty, farItem]))?.contains("items") == true)
        // A residual at θ = 0.025 or above would never be pushed where no new mass reaches it.
        let large = RevAffResiduals.Hop(nodes: [3], values: [0.025])
        #expect(refusal(carrying(hops: [empty, large]))?.contains("not below θ") == true)
        // The same carry with a value below θ is accepted, and joins the push.
        let (_, left) = try solver.increment(
            graph: graph, labels: labels, personas: [1], carrying: carrying(hops: [empty, item]))
        #expect(left.personas == [1])
    }

    @Test func malformedBytesAreRefusedNamingWhatIsWrong() throws {
        let residuals = RevAffResiduals(
            personas: [0, 2],
            hops: [
                [RevAffResiduals.Hop(), RevAffResiduals.Hop(nodes: [1, 4], values: [0.003, 0.001])],
                [],
            ])
        let bytes = residuals.encoded()
        #expect(try RevAffResiduals(decoding: bytes) == residuals)
        func message(_ bytes: [UInt8]) -> String? {
            let error = #expect(throws: AlgorithmError.self) { try RevAffResiduals(decoding: bytes) }
            #expect(error?.code == .shardMismatch)
            return error?.message
        }
        #expect(message(Array("GPLRPSI1".utf8) + bytes.dropFirst(8))?.contains("GPLRRES1") == true)
        #expect(message(Array(bytes.dropLast(3)))?.contains("truncated") == true)
        #expect(message(bytes + [0])?.contains("1 bytes after") == true)
        // Offsets: magic 8, count 4, persona 0 and its 2 hops 8, hop 0 (empty) 4, hop 1's count 4, its nodes at 28.
        var descending = bytes
        descending[28] = 5
        #expect(message(descending)?.contains("node 4 follows node 5") == true)
        var negative = bytes
        negative[43] = 0xBF  // the sign bit of the first value (bytes 36 ..< 44)
        #expect(message(negative)?.contains("holds the residual -") == true)
        var unordered = RevAffResiduals(personas: [2], hops: [[]]).encoded()
        unordered += RevAffResiduals(personas: [1], hops: [[]]).encoded().dropFirst(12)
        unordered[8] = 2
        #expect(message(unordered)?.contains("not ascending") == true)
    }
}
