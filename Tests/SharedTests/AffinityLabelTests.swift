import Foundation
import Testing

@testable import GPLRCore

@Suite(.timeLimit(.minutes(5))) struct AffinityLabelTests {
    /// 4 personas; u0: {0, 1}, u1: {0}, u2: {2}, u3: Unrepresentable; persona 3 nobody has.
    /// Q̂ = [2, 1, 1, 0] / 4 = [0.5, 0.25, 0.25, 0]; min positive Q̂ = 0.25;
    /// c = [(0.25/0.5)^0.5, 1, 1, 0] = [0.7071067811865476, 1, 1, 0].
    /// L_raw (the shares; c_r is applied when Ψ is read): u0 → {0: 1/2, 1: 1/2}, u1 → {0: 1}, u2 → {2: 1}; no row
    /// for u3 (or u4).
    private func example() throws -> PrototypeLabels {
        try PrototypeLabels(personaCount: 4, labels: [0: [1, 0], 1: [0, 0], 2: [2], 3: []])
    }

    @Test func distributionAndCoefficients() throws {
        let distribution = PersonaDistribution(labels: try example())
        #expect(distribution.labelCount == 4)
        #expect(distribution.probabilities == [0.5, 0.25, 0.25, 0])
        let c = distribution.debiasCoefficients(beta: 0.5)
        #expect(abs(c[0] - 0.7071067811865476) < 1e-15)
        #expect(c[1] == 1 && c[2] == 1 && c[3] == 0)
        #expect(distribution.debiasCoefficients(beta: 0) == [1, 1, 1, 0])
        #expect(abs(distribution.debiasCoefficients(beta: 1)[0] - 0.5) < 1e-15)
    }

    @Test func labelMatrixRows() throws {
        let l = try LabelMatrix(labels: try example(), userCount: 5, beta: 0.5)
        #expect(l.rowUsers == [0, 1, 2])
        #expect(l.row(at: 0).map(\.persona) == [0, 1])
        // The raw shares, never the c_r-scaled values (DESIGN §3: scaling the seeds ruins RevAff's ε).
        #expect(l.row(at: 0)[0].value == 0.5)
        #expect(l.row(at: 0)[1].value == 0.5)
        #expect(l.row(at: 1).map(\.persona) == [0])
        #expect(l.row(at: 1)[0].value == 1)
        #expect(abs(l.coefficients[0] - 0.7071067811865476) < 1e-15 && l.coefficients[1...3] == [1, 1, 0])
        #expect(l.row(at: 2).map(\.persona) == [2] && l.row(at: 2)[0].value == 1)
        #expect(l.denseColumn(1) == [0.5, 0, 0, 0, 0])
        #expect(l.denseColumn(3) == [0, 0, 0, 0, 0])
        #expect(l.sparseColumns()[2].map(\.user) == [2])
    }

    /// The solver probe's label matrix, built from equal rows directly: the same matrix (rows, values,
    /// coefficients) as through the prototypes' dictionary, at several β; and malformed rows are refused.
    @Test(arguments: [0.0, 0.5, 1.0])
    func equalRowsGiveTheMatrixOfTheirPrototypes(beta: Double) throws {
        var random = SamplingRandom(seed: 12)
        let personaCount = 9, perRow = 3, userCount = 5000
        var users: [Int] = [], personas: [Int] = [], labels: [Int: [Int]] = [:]
        for user in 0..<userCount where random.nextUnit() < 0.2 {
            // Skewed toward the low personas, so the coefficients differ.
            var row = Set<Int>()
            while row.count < perRow { row.insert(min(Int(random.nextUnit() * random.nextUnit() * 12), 8)) }
            users.append(user)
            personas += row.sorted()
            labels[user] = Array(row)
        }
        let direct = try LabelMatrix(
            rowUsers: users, personasPerRow: perRow, entryPersonas: personas, personaCount: personaCount,
            userCount: userCount, beta: beta)
        let viaPrototypes = try LabelMatrix(
            labels: PrototypeLabels(personaCount: personaCount, labels: labels), userCount: userCount, beta: beta)
        #expect(direct == viaPrototypes)
        #expect(beta == 0 || Set(direct.coefficients).count > 2)  // β = 0 gives every persona 1

        func refused(_ users: [Int], _ personas: [Int]) -> Bool {
            (try? LabelMatrix(
                rowUsers: users, personasPerRow: 2, entryPersonas: personas, personaCount: 4, userCount: 10)) == nil
        }
        #expect(!refused([1, 3], [0, 1, 2, 3]))
        #expect(refused([3, 1], [0, 1, 2, 3]))  // users not ascending
        #expect(refused([1, 10], [0, 1, 2, 3]))  // not a user of the graph
        #expect(refused([1, 3], [1, 0, 2, 3]))  // personas not ascending
        #expect(refused([1, 3], [1, 1, 2, 3]))  // a persona twice
        #expect(refused([1, 3], [0, 1, 2, 4]))  // not a persona of the set
        #expect(refused([1, 3], [0, 1, 2]))  // a row short
        #expect(
            (try? LabelMatrix(
                rowUsers: [1], personasPerRow: 1, entryPersonas: [0], personaCount: 4, userCount: 10, beta: -1)) == nil)
    }

    @Test func labelsKeepOrderWithoutDuplicatesAndRejectBadInput() throws {
        let labels = try example()
        #expect(labels.personas(ofUser: 0) == [1, 0])
        #expect(labels.personas(ofUser: 1) == [0])
        #expect(labels.personas(ofUser: 3) == [])
        #expect(labels.personas(ofUser: 4) == nil)
        #expect(labels.users == [0, 1, 2, 3])
        #expect(throws: AlgorithmError.self) { try PrototypeLabels(personaCount: 2, labels: [0: [2]]) }
        #expect(throws: AlgorithmError.self) { try PrototypeLabels(personaCount: 2, labels: [-1: [0]]) }
        #expect(throws: AlgorithmError.self) { try LabelMatrix(labels: labels, userCount: 3) }
        #expect(throws: AlgorithmError.self) { try LabelMatrix(labels: labels, userCount: 5, beta: -1) }
    }

    @Test func noLabelsGiveZeroDistribution() throws {
        let labels = try PrototypeLabels(personaCount: 3, labels: [0: []])
        let distribution = PersonaDistribution(labels: labels)
        #expect(distribution.probabilities == [0, 0, 0])
        #expect(distribution.debiasCoefficients(beta: 0.5) == [0, 0, 0])
        #expect(try LabelMatrix(labels: labels, userCount: 2).rowCount == 0)
    }

    @Test func affinityShardsAssembleAndSelect() throws {
        let full = try AffinityMatrix(
            userCount: 2, personaCount: 3, personas: [0, 1, 2], values: [1, 2, 3, 4, 5, 6])
        let a = try full.selecting(personas: [1])
        let b = try full.selecting(personas: [0, 2])
        #expect(a.values == [2, 5] && b.values == [1, 3, 4, 6])
        #expect(try AffinityMatrix.assembled(from: [a, b]) == full)
        #expect(try AffinityMatrix.assembled(from: [a]).isComplete == false)
        #expect(full.columnValues(ofPersona: 2) == [3, 6])
        #expect(a.columnValues(ofPersona: 0) == nil)
        #expect(throws: AlgorithmError.self) { try AffinityMatrix.assembled(from: [a, a]) }
        #expect(throws: AlgorithmError.self) {
            try AffinityMatrix(userCount: 2, personaCount: 3, personas: [1, 0], values: [0, 0, 0, 0])
        }
    }

    /// Shards added into a running matrix one by one, as their results arrive, give the bits of adding the
    /// assembled matrix; a shard of other users, or a persona the matrix does not hold, is refused.
    @Test func shardsAddedOneByOneEqualTheAssembledMatrixAdded() throws {
        let users = 20_000, personaCount = 5
        var random = SamplingRandom(seed: 3)
        func randomMatrix(_ personas: [Int]) throws -> AffinityMatrix {
            try AffinityMatrix(
                userCount: users, personaCount: personaCount, personas: personas,
                values: (0..<users * personas.count).map { _ in Double(random.next() % 1000) / 7.0 })
        }
        let running = try randomMatrix(Array(0..<personaCount))
        let shards = [try randomMatrix([1, 3]), try randomMatrix([0]), try randomMatrix([2, 4])]
        var together = running
        try together.add(AffinityMatrix.assembled(from: shards))
        var oneByOne = running
        for shard in shards { try oneByOne.add(columnsOf: shard, threadCount: 2) }
        #expect(oneByOne.values == together.values)
        #expect(oneByOne.values != running.values)

        var partial = try AffinityMatrix(zerosForUsers: users, personaCount: personaCount, personas: [0, 1])
        let notHeld = #expect(throws: AlgorithmError.self) { try partial.add(columnsOf: shards[0]) }
        #expect(notHeld?.code == .shardMismatch)
        var other = try AffinityMatrix(zerosForUsers: users + 1, personaCount: personaCount)
        #expect(throws: AlgorithmError.self) { try other.add(columnsOf: shards[1]) }
    }
}
