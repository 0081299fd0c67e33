import Foundation
import Testing

@testable import GPLRCore
@testable import GPLRRuntime

/// DU's candidate pool (``CandidatePool``, ``DUSampler/poolFactor``): the right size, never an excluded user,
/// drawn in proportion to purchases, and DU's picks come from it.
@Suite(.timeLimit(.minutes(5))) struct CandidatePoolTests {
    @Test func drawsExactlyTheSizeAmongEligibleUsers() throws {
        var excluded = [Bool](repeating: false, count: 1000)
        for user in stride(from: 0, to: 1000, by: 7) { excluded[user] = true }
        let eligible = excluded.filter { !$0 }.count
        for size in [1, 50, eligible / 2, eligible / 2 + 1, eligible - 1] {
            var random = SamplingRandom(seed: 3)
            let mask = try #require(
                CandidatePool.exclusionMask(size: size, excluded: excluded, weight: { _ in 1 }, using: &random))
            let drawn = mask.indices.filter { !mask[$0] }
            #expect(drawn.count == size, "size \(size)")
            #expect(drawn.allSatisfy { !excluded[$0] }, "size \(size)")
        }
        var random = SamplingRandom(seed: 3)
        #expect(
            CandidatePool.exclusionMask(size: eligible, excluded: excluded, weight: { _ in 1 }, using: &random) == nil)
        let none = try #require(
            CandidatePool.exclusionMask(size: 0, excluded: excluded, weight: { _ in 1 }, using: &random))
        #expect(none.allSatisfy { $0 })
    }

    @Test func drawsInProportionToWeightAndIsDeterministic() throws {
        // Users 0..<100 weigh 9, users 100..<1000 weigh 1: a tenth of the users hold half the weight.
        let excluded = [Bool](repeating: false, count: 1000)
        let weight: (Int) -> Double = { $0 < 100 ? 9 : 1 }
        var heavy = 0, total = 0
        for seed in 0..<200 as Range<UInt64> {
            var random = SamplingRandom(seed: seed)
            let mask = try #require(
                CandidatePool.exclusionMask(size: 20, excluded: excluded, weight: weight, using: &random))
            let drawn = mask.indices.filter { !mask[$0] }
            heavy += drawn.filter { $0 < 100 }.count
            total += drawn.count
        }
        // Without replacement the heavy share is a little under one half; uniform draws would give one tenth.
        let share = Double(heavy) / Double(total)
        #expect(share > 0.4 && share < 0.55, "heavy share \(share)")
        var first = SamplingRandom(seed: 11), second = SamplingRandom(seed: 11)
        #expect(
            CandidatePool.exclusionMask(size: 30, excluded: excluded, weight: weight, using: &first)
                == CandidatePool.exclusionMask(size: 30, excluded: excluded, weight: weight, using: &second))
    }

    @Test func thePoolDoesNotDependOnTheThreadCount() throws {
        var excluded = [Bool](repeating: false, count: 200_000)
        for user in stride(from: 0, to: excluded.count, by: 5) { excluded[user] = true }
        let weight: (Int) -> Double = { Double($0 % 7) }
        var pools: [[Bool]] = []
        for threads in [1, 2, 3] {
            var random = SamplingRandom(seed: 4)
            pools.append(
                try #require(
                    CandidatePool.exclusionMask(
                        size: 50_000, excluded: excluded, weight: weight, threads: threads, using: &random)))
        }
        #expect(pools[0] == pools[1] && pools[1] == pools[2])
        #expect(pools[0].filter { !$0 }.count == 50_000)
    }

    @Test func tiesAtTheThresholdGoToTheLowestUsersAcrossBlocks() throws {
        // A third of the users have no purchases (all the same key), spread over four blocks of keys; the pool
        // takes every user with purchases and 30,000 of the others: the lowest indices, whatever the threads.
        let userCount = 200_000
        var excluded = [Bool](repeating: false, count: userCount)
        for user in stride(from: 0, to: userCount, by: 5) { excluded[user] = true }
        let weight: (Int) -> Double = { $0 % 3 == 0 ? 0 : 1 }
        let eligible = (0..<userCount).filter { !excluded[$0] }
        let withPurchases = eligible.filter { weight($0) > 0 }
        let expectedTies = Array(eligible.filter { weight($0) == 0 }.prefix(30_000))
        #expect(expectedTies.last! > CandidatePool.blockSize)  // the tied users drawn span blocks
        for threads in [1, 2, 3] {
            var random = SamplingRandom(seed: 6)
            let mask = try #require(
                CandidatePool.exclusionMask(
                    size: withPurchases.count + 30_000, excluded: excluded, weight: weight, threads: threads,
                    using: &random))
            let drawn = mask.indices.filter { !mask[$0] }
            #expect(drawn.filter { weight($0) > 0 } == withPurchases, "threads \(threads)")
            #expect(drawn.filter { weight($0) == 0 } == expectedTies, "threads \(threads)")
        }
    }

    @Test func quickselectFindsTheRankedValue() {
        var random = SamplingRandom(seed: 2)
        for count in [1, 2, 3, 10, 1000] {
            // Few distinct values, so ties are common.
            let values = (0..<count).map { _ in Double(Int.random(in: 0..<17, using: &random)) }
            let descending = values.sorted(by: >)
            for rank in [1, (count + 1) / 2, count] {
                var scratch = values
                #expect(CandidatePool.largest(rank, of: &scratch) == descending[rank - 1], "\(count), \(rank)")
            }
        }
    }

    @Test func usersWithoutPurchasesAreDrawnLast() throws {
        let excluded = [Bool](repeating: false, count: 100)
        var random = SamplingRandom(seed: 1)
        let mask = try #require(
            CandidatePool.exclusionMask(size: 90, excluded: excluded, weight: { $0 < 10 ? 0 : 1 }, using: &random))
        #expect((0..<10).allSatisfy { mask[$0] })
        #expect((10..<100).allSatisfy { !mask[$0] })
    }

    @Test func duPicksComeFromThePoolAndAWholePoolIsPlainDU() throws {
        var random = SamplingRandom(seed: 5)
        let userCount = 2000, personas = 4
        let values = (0..<userCount * personas).map { _ in random.nextUnit() < 0.3 ? 0 : random.nextUnit() }
        let affinity = try AffinityMatrix(
            userCount: userCount, personaCount: personas, personas: Array(0..<personas), values: values)
        let labels = try PrototypeLabels(personaCount: personas, labels: [0: [1], 1: [1, 2], 2: [3]])
        // Only users 1000..<2000 have purchases, so a pool of 5 × 10 = 50 holds none of the others.
        let purchases: (Int) -> Int = { $0 < 1000 ? 0 : 4 }
        var generator = SamplingRandom(seed: 9)
        let pooled = try DUSampler(prior: 0.03, poolFactor: 5).sample(
            iteration: 2, count: 10, userCount: userCount, affinity: affinity, labels: labels, purchases: purchases,
            using: &generator)
        #expect(pooled.count == 10)
        #expect(pooled.allSatisfy { $0 >= 1000 })
        let everyone = try DUSampler(prior: 0.03).mostInformative(count: 10, affinity: affinity, labels: labels)
        #expect(Set(pooled) != Set(everyone.map(\.user)), "the pool should change the picks of this matrix")
        // A pool as large as the unlabeled users is every user: the same picks as plain DU.
        var again = SamplingRandom(seed: 9)
        let whole = try DUSampler(prior: 0.03, poolFactor: 1000).sample(
            iteration: 2, count: 10, userCount: userCount, affinity: affinity, labels: labels, purchases: purchases,
            using: &again)
        #expect(whole == everyone.map(\.user).sorted())
        #expect(throws: AlgorithmError.self) {
            var g = SamplingRandom(seed: 1)
            _ = try DUSampler(poolFactor: -1).sample(
                iteration: 2, count: 1, userCount: userCount, affinity: affinity, labels: labels, using: &g)
        }
    }

    @Test func recordsWithoutAPoolDecodeAsThePapersDU() throws {
        var parameters = RunParameters()
        #expect(parameters.duPool == 80)
        parameters.duPool = 0
        #expect(parameters.validationProblem() == nil)
        parameters.duPool = -1
        #expect(parameters.validationProblem() != nil)
        // A run record written before the pool existed has no `duPool`: it resumes with every user scored.
        var object = try #require(
            JSONSerialization.jsonObject(with: JSONEncoder().encode(RunParameters())) as? [String: Any])
        #expect(object["duPool"] as? Int == 80)
        object["duPool"] = nil
        let old = try JSONDecoder().decode(RunParameters.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.duPool == 0)
    }
}
